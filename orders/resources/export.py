"""Customer and order exports. Orders export one row per order line."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery

from backoffice.importing.exporting import Column, Exporter
from orders.models import Customer, Order, OrderLine
from orders.pricing import CENT, RATE_FIELD
from orders.querysets import MONEY_FIELD

RATE = Decimal("0.0001")


def _fixed(value, places):
    """Subquery results come back as floats on some backends; show them as the shop's decimals."""
    return None if value is None else Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


class CustomerExporter(Exporter):
    model = Customer
    columns = (
        Column("email", lambda c: c.email),
        Column("first_name", lambda c: c.first_name),
        Column("last_name", lambda c: c.last_name),
        Column("phone", lambda c: c.phone),
        Column("tier", lambda c: c.tier),
        Column("notes", lambda c: c.notes),
    )

    def queryset(self, base=None):
        base = Customer.objects.all() if base is None else base
        return base.order_by("email")


class OrderLineExporter(Exporter):
    """``base`` is a queryset of orders (the order changelist); the rows are their lines."""

    model = Order
    columns = (
        Column("order_number", lambda line: line.order.number),
        Column("placed_at", lambda line: line.order.placed_at),
        Column("customer_email", lambda line: line.order.customer.email),
        Column("status", lambda line: line.order.status),
        Column("sku", lambda line: line.product.sku),
        Column("quantity", lambda line: line.quantity),
        Column("unit_price", lambda line: line.unit_price),
        Column("line_total", lambda line: line.line_total),
        Column("discount_rate", lambda line: _fixed(line.order_discount_rate, RATE)),
        Column("order_total", lambda line: _fixed(line.order_total, CENT)),
    )

    def queryset(self, base=None):
        orders = Order.objects.all() if base is None else base
        totals = Order.objects.with_totals().filter(pk=OuterRef("order_id"))
        lines = OrderLine.objects.all() if base is None else OrderLine.objects.filter(order__in=orders.values("pk"))
        return (
            lines.select_related("order__customer", "product")
            .only(
                "quantity",
                "unit_price",
                "order__number",
                "order__placed_at",
                "order__status",
                "order__customer__email",
                "product__sku",
            )
            .annotate(
                order_total=Subquery(totals.values("total")[:1], output_field=MONEY_FIELD),
                order_discount_rate=Subquery(totals.values("effective_discount_rate")[:1], output_field=RATE_FIELD),
            )
            .order_by("order__placed_at", "order__number", "pk")
        )
