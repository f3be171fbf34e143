"""The admin's command palette (UNFOLD["COMMAND"]["search_callback"])."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.dataclasses import SearchResult

from inventory.models import Product
from orders.models import Customer, Order

# How many hits per model the command palette lists; it searches as the user types.
COMMAND_RESULTS_PER_MODEL = 8


def command_search(request, term):
    """Command palette: products by SKU/name/tag, customers by name/email, orders by number.

    Each model is searched only when the user may view it, and at most a few rows are read.
    """
    term = (term or "").strip()
    if len(term) < 2:
        return []
    user = request.user
    results = []
    if user.has_perm("inventory.view_product"):
        for product in Product.objects.search(term).order_by("name", "pk")[:COMMAND_RESULTS_PER_MODEL]:
            results.append(_result(product, _("Product"), "inventory_2", "admin:inventory_product_change"))
    if user.has_perm("orders.view_customer"):
        customers = Customer.objects.containing(term).order_by("last_name", "first_name", "pk")
        for customer in customers[:COMMAND_RESULTS_PER_MODEL]:
            results.append(_result(customer, _("Customer"), "person", "admin:orders_customer_change"))
    if user.has_perm("orders.view_order"):
        orders = Order.objects.search(term).select_related("customer")
        # Placed orders newest first, drafts last, as the orders list (order_placed_id_idx).
        for order in orders.order_by(*Order._meta.ordering)[:COMMAND_RESULTS_PER_MODEL]:
            results.append(
                SearchResult(
                    title=f"{order.number} ({order.get_status_display()})",
                    description=str(_("Order of %(customer)s") % {"customer": order.customer}),
                    link=reverse("admin:orders_order_change", args=[order.pk]),
                    icon="receipt_long",
                )
            )
    return results


def _result(obj, kind, icon, url_name):
    return SearchResult(title=str(obj), description=str(kind), link=reverse(url_name, args=[obj.pk]), icon=icon)
