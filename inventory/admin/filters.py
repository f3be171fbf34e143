"""List filters of the catalogue admin; each one is a QuerySet method or one Q/Exists."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RadioFilter, RangeDateFilter, RangeNumericListFilter

from backoffice.admin_filters import YesNoFilter


class AvailabilityFilter(RadioFilter):
    """In the filter form (radio buttons), so it combines with the other filters on "Apply filters"."""

    title = _("availability")
    parameter_name = "availability"

    # Each choice is a ProductQuerySet adjective, so the list says what available() means.
    QUERYSETS = {
        "in_stock": "in_stock",
        "low": "low_stock",
        "backorder": "backorder_only",
        "out": "unavailable",
    }

    def lookups(self, request, model_admin):
        return [
            ("in_stock", _("In stock")),
            ("low", _("Low stock")),
            ("backorder", _("Backorder only")),
            ("out", _("Out of stock")),
        ]

    def queryset(self, request, queryset):
        method = self.QUERYSETS.get(self.value())
        return getattr(queryset, method)() if method is not None else queryset


class HasOrdersFilter(YesNoFilter):
    title = _("has orders")
    parameter_name = "has_orders"
    annotation = "has_orders"


class EffectivePriceFilter(RangeNumericListFilter):
    """A from/to range on the ``effective_price`` annotation (own, category or site price)."""

    title = _("effective price")
    parameter_name = "effective_price"

    def queryset(self, request, queryset):
        filters = {}
        for suffix, lookup in (("_from", "gte"), ("_to", "lte")):
            raw = self.used_parameters.get(f"{self.parameter_name}{suffix}")
            if raw in (None, ""):
                continue
            try:
                filters[f"effective_price__{lookup}"] = Decimal(str(raw).replace(",", "."))
            except InvalidOperation:
                # A bad number in the query string leaves the list unfiltered instead of failing.
                continue
        return queryset.filter(**filters)


class DateRangeFilter(RangeDateFilter):
    """A from/to range of calendar days on a date-time field (both days included)."""

    def queryset(self, request, queryset):
        from unfold.utils import parse_date_str

        filters = {}
        for suffix, lookup in (("_from", "gte"), ("_to", "lte")):
            raw = self.used_parameters.get(f"{self.parameter_name}{suffix}")
            day = parse_date_str(raw) if isinstance(raw, str) and raw else None
            if day is not None:
                filters[f"{self.parameter_name}__date__{lookup}"] = day
        return queryset.filter(**filters)
