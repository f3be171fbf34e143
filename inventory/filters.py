"""FilterSets for the catalogue, independent of the admin (the API uses them).

They filter on annotations of ``ProductQuerySet`` (``effective_price``, ``available``,
``has_orders``), so the queryset they get must carry them (see ``inventory.api.views``).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from backoffice import money
from backoffice.api.filtering import BooleanChoiceFilter, IsoDateTimeFilter
from inventory.choices import ProductStatus
from inventory.models import Category, Product, Tag

MONEY = money.PRICE


class ProductFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices, help_text=_("draft, published or archived"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), help_text=_("Category id"))
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="name",
        queryset=Tag.objects.all(),
        help_text=_("Tag name"),
    )
    price_min = django_filters.NumberFilter(
        field_name="effective_price", lookup_expr="gte", help_text=_("Effective price at least"), **MONEY
    )
    price_max = django_filters.NumberFilter(
        field_name="effective_price", lookup_expr="lte", help_text=_("Effective price at most"), **MONEY
    )
    available = BooleanChoiceFilter(field_name="available", help_text=_("In stock or taking backorders"))
    has_orders = BooleanChoiceFilter(field_name="has_orders", help_text=_("Appears on any order"))
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=_("Changed at or after (ISO 8601)")
    )

    class Meta:
        model = Product
        fields = ["status", "category", "tag", "price_min", "price_max", "available", "has_orders", "updated_since"]


class CategoryFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), help_text=_("Parent category id"))

    class Meta:
        model = Category
        fields = ["parent"]
