from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_site import EstimatedCountPaginator
from inventory.admin.filters import DateRangeFilter
from inventory.models import Category, StockMovement, Tag


@admin.register(Category)
class CategoryAdmin(TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = ["name", "parent", "default_price", "product_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).with_product_count()

    @display(description=_("Products"), ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Tag)
class TagAdmin(TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False


@admin.register(StockMovement)
class StockMovementAdmin(ModelAdmin, ImportExportAdminMixin):
    """Read-only for everyone, superusers included: inventory.services write these rows.

    Export only (``export_stockmovement``); there is no importer for stock movements.
    """

    list_display = [
        "created_at",
        "sku_display",
        "product_name",
        "delta",
        "stock_after",
        "reason",
        "order_display",
        "user",
        "note",
    ]
    list_select_related = ["product", "order", "user"]
    list_filter = [
        ("reason", ChoicesDropdownFilter),
        ("product", AutocompleteSelectFilter),
        ("created_at", DateRangeFilter),
    ]
    list_filter_submit = True
    search_fields = ["product__sku", "product__name", "note"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    @display(description=_("SKU"), ordering="product__sku")
    def sku_display(self, obj):
        return nowrap(obj.product.sku)

    @display(description=_("Product"), ordering="product__name")
    def product_name(self, obj):
        return obj.product.name

    @display(description=_("Order"), ordering="order__number")
    def order_display(self, obj):
        return nowrap(obj.order.number) if obj.order_id else "-"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


def nowrap(text):
    """Order numbers and SKUs break at their hyphens: keep them on one line."""
    return format_html('<span class="whitespace-nowrap">{}</span>', text)
