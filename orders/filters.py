"""FilterSets for customers and orders, independent of the admin (the API uses them).

They filter on annotations (``has_orders`` of customers, ``total`` of orders), so the
queryset they get must carry them (see ``orders.api.views``).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from backoffice import money
from backoffice.api.filtering import BooleanChoiceFilter, IsoDateTimeFilter
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order

MONEY = money.TOTAL


class CustomerFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(choices=CustomerTier.choices, help_text=_("regular, silver, gold or vip"))
    has_orders = BooleanChoiceFilter(method="filter_has_orders", help_text=_("Has placed at least one order"))
    ordered_since = IsoDateTimeFilter(
        method="filter_ordered_since", help_text=_("Placed an order at or after (ISO 8601)")
    )

    class Meta:
        model = Customer
        fields = ["tier", "has_orders", "ordered_since"]

    def filter_has_orders(self, queryset, name, value):
        # On the stored order_count (indexed), not on the annotation computed from it.
        # A method replaces BooleanChoiceFilter.filter, so the value is still the text "true"/"false".
        return queryset.have_ordered() if value in (True, "true") else queryset.never_ordered()

    def filter_ordered_since(self, queryset, name, value):
        return queryset.ordered_since(value)


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), help_text=_("Customer id"))
    placed_after = IsoDateTimeFilter(
        field_name="placed_at", lookup_expr="gte", help_text=_("Placed at or after (ISO 8601)")
    )
    placed_before = IsoDateTimeFilter(field_name="placed_at", lookup_expr="lt", help_text=_("Placed before (ISO 8601)"))
    total_min = django_filters.NumberFilter(
        field_name="total", lookup_expr="gte", help_text=_("Total after discount at least"), **MONEY
    )
    total_max = django_filters.NumberFilter(
        field_name="total", lookup_expr="lte", help_text=_("Total after discount at most"), **MONEY
    )

    class Meta:
        model = Order
        fields = ["status", "customer", "placed_after", "placed_before", "total_min", "total_max"]
