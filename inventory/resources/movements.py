"""Stock movements out (export only): the ledger whose changes add up to each product's stock."""

from django.utils.translation import gettext_lazy as _

from backoffice.importing.exporting import Column, Exporter, only_filters
from inventory.models import StockMovement


class StockMovementExporter(Exporter):
    """One row per movement, oldest first; plain values from one query (no model instances)."""

    model = StockMovement
    columns = (
        Column("time", lambda m: m["created_at"], _("time")),
        Column("sku", lambda m: m["product__sku"], _("SKU")),
        Column("product_name", lambda m: m["product__name"], _("product name")),
        Column("change", lambda m: m["delta"], _("change")),
        Column("stock_after", lambda m: m["stock_after"]),
        Column("reason", lambda m: m["reason"]),
        Column("note", lambda m: m["note"]),
        Column("order_number", lambda m: m["order__number"], _("order number")),
        Column("user", lambda m: m["user__username"], _("by")),
    )

    def queryset(self, base=None):
        base = only_filters(StockMovement, base)
        return base.values(
            "created_at",
            "product__sku",
            "product__name",
            "delta",
            "stock_after",
            "reason",
            "note",
            "order__number",
            "user__username",
        ).order_by("created_at", "pk")
