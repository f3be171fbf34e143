"""What the customer page shows, read in a fixed number of queries whatever the number of orders."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q

from orders.choices import REVENUE_STATUSES, OrderStatus
from orders.models import CustomerNote, Order
from orders.pricing import round_money
from orders.tiers import tier_history

ORDERS_PER_PAGE = 20
NOTES_SHOWN = 50


@dataclass
class CustomerFigures:
    orders: int
    lifetime_value: object
    average_order: object  # lifetime value over the orders that count as revenue; None without any
    first_order_at: object
    last_order_at: object
    last_order_number: str


def customer_figures(customer):
    """The stored figures (``order_count``, ``lifetime_value``, last order) and, in one aggregate
    over the customer's orders, the first order and the revenue orders the average divides by."""
    placed = Order.objects.filter(customer=customer).exclude(status=OrderStatus.DRAFT).order_by()
    found = placed.aggregate(
        first=Min("placed_at"),
        revenue_orders=Count("pk", filter=Q(status__in=REVENUE_STATUSES)),
    )
    count = found["revenue_orders"]
    return CustomerFigures(
        orders=customer.order_count,
        lifetime_value=customer.lifetime_value,
        average_order=round_money(customer.lifetime_value / count) if count else None,
        first_order_at=found["first"],
        last_order_at=customer.last_order_at,
        last_order_number=customer.last_order_number,
    )


def customer_orders_page(customer, page_number):
    """One page of the customer's orders, newest first (drafts last), with their totals."""
    orders = Order.objects.filter(customer=customer).with_totals().order_by(*Order._meta.ordering)
    return Paginator(orders, ORDERS_PER_PAGE).get_page(page_number)


def customer_notes(customer):
    return list(CustomerNote.objects.filter(customer=customer).select_related("author")[:NOTES_SHOWN])


def customer_overview(customer, *, page_number=1):
    return {
        "figures": customer_figures(customer),
        "orders_page": customer_orders_page(customer, page_number),
        "notes": customer_notes(customer),
        "tier_history": tier_history(customer),
    }
