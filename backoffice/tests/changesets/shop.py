"""Helpers of the change set tests: products whose stock has its movements, and the figures' check."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Sum
from django.urls import reverse

from inventory.models import Product, StockMovement
from inventory.services import restock
from inventory.tests.factories import ProductFactory
from orders.models import Customer, Order
from orders.recount import recount_customer_stats, recount_order_totals, recount_units_sold

ORDER_FIGURES = ["placed_subtotal", "placed_total", "placed_line_count"]
CUSTOMER_FIGURES = ["order_count", "lifetime_value", "last_order_at", "last_order_number"]


def stocked(sku, stock, *, user, **fields):
    """A product whose stock came in through a movement (the factory's stock has none)."""
    product = ProductFactory(sku=sku, stock=0, **fields)
    if stock:
        restock(product=product, quantity=stock, user=user)
    product.refresh_from_db()
    return product


def figures():
    return (
        sorted(Product.objects.values_list("pk", "stock", "units_sold")),
        sorted(Order.objects.values_list("pk", *ORDER_FIGURES)),
        sorted(Customer.objects.values_list("pk", *CUSTOMER_FIGURES)),
    )


def assert_figures_hold():
    """Every stock is the sum of its movements; units sold, order and customer figures equal their recount."""
    sums = dict(StockMovement.objects.values("product").annotate(total=Sum("delta")).values_list("product", "total"))
    for pk, stock in Product.objects.values_list("pk", "stock"):
        assert stock == sums.get(pk, 0), f"product {pk}: stock {stock}, movements {sums.get(pk, 0)}"
    stored = figures()
    recount_units_sold()
    recount_order_totals()
    recount_customer_stats()
    assert figures() == stored


def version_url(obj, version):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def revert_form(client, obj, version):
    """The version page's form data as the browser would post it (its initial values)."""
    response = client.get(version_url(obj, version))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def post_action(client, model, action, objs):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objs], "index": "0"})
