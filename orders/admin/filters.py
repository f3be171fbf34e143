"""List filters of the customer and order admins (radio groups in the filter form, so they combine)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RadioFilter

from backoffice.admin_filters import YesNoFilter
from orders.choices import REVENUE_STATUSES


class CustomerHasOrdersFilter(YesNoFilter):
    """On the stored ``Customer.order_count`` (indexed): no per-customer lookup."""

    title = _("has orders")
    parameter_name = "has_orders"

    def queryset(self, request, queryset):
        # Not YesNoFilter's "annotation = True": "(order_count > 0) = true" could not use the index.
        if self.value() == "yes":
            return queryset.filter(order_count__gt=0)
        if self.value() == "no":
            return queryset.never_ordered()
        return queryset


class OrderedWithinFilter(RadioFilter):
    """Customers with an order placed in the last N days (the stored ``last_order_at``, indexed)."""

    title = _("ordered in the last")
    parameter_name = "ordered_within"
    DAYS = {"30": 30, "90": 90}

    def lookups(self, request, model_admin):
        return [("30", _("30 days")), ("90", _("90 days"))]

    def queryset(self, request, queryset):
        days = self.DAYS.get(self.value())
        if days is None:
            return queryset
        return queryset.ordered_since(timezone.now() - timedelta(days=days))


class NeverOrderedFilter(RadioFilter):
    title = _("never ordered")
    parameter_name = "never_ordered"

    def lookups(self, request, model_admin):
        return [("yes", _("Never ordered"))]

    def queryset(self, request, queryset):
        return queryset.never_ordered() if self.value() == "yes" else queryset


class RevenueFilter(RadioFilter):
    """Orders that count as revenue (placed, paid, shipped, delivered): what the dashboard sums."""

    title = _("counts as revenue")
    parameter_name = "revenue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=REVENUE_STATUSES)
        if self.value() == "no":
            return queryset.exclude(status__in=REVENUE_STATUSES)
        return queryset
