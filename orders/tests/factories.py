from decimal import Decimal

import factory
from django.utils import timezone

from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order, OrderLine


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    tier = CustomerTier.REGULAR


class OrderFactory(factory.django.DjangoModelFactory):
    """A raw order row for query tests; real orders are made by ``orders.services.place_order``.

    A placed (non-draft) one recounts its customer's stored order figures, as the services keep them.
    """

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"ORD-TEST-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    status = OrderStatus.PLACED
    placed_at = factory.LazyFunction(timezone.now)
    discount_rate = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        if order.status != OrderStatus.DRAFT:
            _recount_customer(order)
        return order


def _recount_customer(order):
    from orders.recount import recount_customer_stats

    recount_customer_stats([order.customer_id])
    order.customer.refresh_from_db(fields=["order_count", "lifetime_value", "last_order_at", "last_order_number"])


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A raw line; a line of a placed (non-draft) order recounts the order's stored figures, as
    ``place_order`` stores them, so sums over ``Order.placed_total`` see it."""

    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("20.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        line = super()._create(model_class, *args, **kwargs)
        order = line.order
        if order.status != OrderStatus.DRAFT:
            from orders.recount import recount_order_totals

            recount_order_totals([order.pk])
            order.refresh_from_db(fields=["placed_subtotal", "placed_total", "placed_line_count"])
            _recount_customer(order)
        return line
