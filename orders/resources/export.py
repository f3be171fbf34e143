"""Customer and order exports. Orders export one row per order line."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backoffice.importing.exporting import Column, Exporter, SQLCell, only_filters
from backoffice.money import CENT
from orders.models import Address, Customer, Order, OrderLine
from orders.pricing import RATE_FIELD, discount_rate_expression
from orders.querysets import MONEY_FIELD
from orders.resources.customers import ADDRESS_COLUMNS

RATE = Decimal("0.0001")


def _decimal(value, places):
    """Some backends hand computed columns back as floats; show them as the shop's decimals."""
    return None if value is None else Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _verbose(field):
    return Address._meta.get_field(field).verbose_name


def _address_cell(field):
    def cell(customer):
        address = customer.default_shipping_address
        return getattr(address, field) if address is not None else ""

    return cell


class CustomerExporter(Exporter):
    model = Customer
    columns = (
        Column("email", lambda c: c.email),
        Column("first_name", lambda c: c.first_name),
        Column("last_name", lambda c: c.last_name),
        Column("phone", lambda c: c.phone),
        Column("tier", lambda c: c.tier),
        Column("notes", lambda c: c.notes),
        # The default (shipping) address, in the columns the import reads (orders.resources.customers).
        *(
            Column(column, _address_cell(field), format_lazy("{}: {}", _("default address"), _verbose(field)))
            for column, field in ADDRESS_COLUMNS.items()
        ),
    )

    def queryset(self, base=None):
        base = only_filters(Customer, base)
        return base.select_related("default_shipping_address").order_by("email")


class OrderLineExporter(Exporter):
    """``base`` is a queryset of orders (the order changelist); the rows are their lines.

    Rows are plain values (no model instances). The order's total and rate are those
    ``Order.objects.with_totals()`` gives (the figures the admin shows): a placed order's stored
    ``placed_total`` and ``discount_rate``, read through the join; only a draft's total is summed
    from its lines (a correlated subquery that ``COALESCE`` runs for drafts alone). One query
    whatever the number of lines; on PostgreSQL a CSV file is written by COPY (``Column.sql``).
    """

    model = Order

    def row_noun(self):
        return _("order lines")

    columns = (
        Column("order_number", lambda line: line["order__number"], _("order number"), SQLCell("order__number")),
        Column("placed_at", lambda line: line["order__placed_at"], sql=SQLCell("order__placed_at", "datetime")),
        Column(
            "customer_email",
            lambda line: line["order__customer__email"],
            _("customer email"),
            SQLCell("order__customer__email"),
        ),
        Column("status", lambda line: line["order__status"], sql=SQLCell("order__status")),
        Column("sku", lambda line: line["product__sku"], _("SKU"), SQLCell("product__sku")),
        Column("quantity", lambda line: line["quantity"], _("quantity"), SQLCell("quantity", "number")),
        Column("unit_price", lambda line: line["unit_price"], _("unit price"), SQLCell("unit_price", "number")),
        Column(
            "line_total",
            lambda line: line["quantity"] * line["unit_price"],
            _("line total"),
            SQLCell(F("quantity") * F("unit_price"), "number"),
        ),
        Column(
            "discount_rate",
            lambda line: _decimal(line["order_rate"], RATE),
            sql=SQLCell("order_rate", "decimal", places=4),
        ),
        Column(
            "order_total",
            lambda line: _decimal(line["order_total"], CENT),
            _("order total"),
            SQLCell("order_total", "decimal", places=2),
        ),
    )

    def queryset(self, base=None):
        lines = OrderLine.objects.all()
        if base is not None:
            lines = lines.filter(order__in=base.values("pk"))
        computed = Order.objects.with_totals().filter(pk=OuterRef("order_id"))
        return (
            lines.annotate(
                # The stored figure where there is one; the subquery runs for drafts only.
                order_total=Coalesce(
                    "order__placed_total", Subquery(computed.values("total")), output_field=MONEY_FIELD
                ),
                order_rate=Coalesce(
                    "order__discount_rate",
                    discount_rate_expression("order__customer__tier"),
                    output_field=RATE_FIELD,
                ),
            )
            .values(
                "order__number",
                "order__placed_at",
                "order__customer__email",
                "order__status",
                "product__sku",
                "quantity",
                "unit_price",
                "order_total",
                "order_rate",
            )
            .order_by("order__placed_at", "order__number", "pk")
        )
