from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import ListColumnsMixin, nowrap
from backoffice.admin_site import EstimatedCountPaginator
from inventory.admin.filters import AvailabilityFilter, DateRangeFilter, EffectivePriceFilter, HasOrdersFilter
from inventory.admin.product_actions import ProductActionsMixin
from inventory.choices import STATUS_LABELS
from inventory.models import Product, StockMovement
from inventory.querysets import PriceSource

PRICE_SOURCE_NOTES = {
    PriceSource.OWN: "",
    PriceSource.CATEGORY: _("category default"),
    PriceSource.SITE: _("site default"),
}
STOCK_LABELS = {"ok": "success", "low": "warning", "out": "danger", "backorder": "info"}


class RecentStockMovementInline(TabularInline):
    """The latest stock movements, newest first, ten per page; movements are written by services only."""

    model = StockMovement
    verbose_name_plural = _("recent stock movements")
    fields = ["created_at", "delta", "stock_after", "reason", "note", "order_number", "user"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    per_page = 10
    extra = 0
    can_delete = False
    tab = True
    show_title = False  # one row per movement, no "StockMovement object" line above each

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "user")

    @display(description=_("Order"))
    def order_number(self, obj):
        return nowrap(obj.order.number) if obj.order_id else "-"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ListColumnsMixin, ProductActionsMixin, TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = [
        "sku",
        "name",
        "category",
        "effective_price_display",
        "stock_display",
        "status_display",
        "units_sold_display",
        "has_orders_display",
    ]
    list_display_links = ["sku", "name"]
    list_select_related = ["category"]
    list_columns = ["sku", "name", "category__name", "stock", "allow_backorder", "status", "units_sold"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("category", AutocompleteSelectFilter),
        ("tags", AutocompleteSelectFilter),
        AvailabilityFilter,
        HasOrdersFilter,
        EffectivePriceFilter,
        ("updated_at", DateRangeFilter),
    ]
    list_filter_submit = True
    search_fields = ["sku", "name", "tags__name"]
    search_help_text = _("SKU, name or tag")
    ordering = ["name", "pk"]
    list_per_page = 50
    show_full_result_count = False
    # Facet counts run one COUNT per filter choice over the whole table: never on these lists.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    autocomplete_fields = ["category", "tags"]
    readonly_fields = [
        "current_status",
        "stock",
        "effective_price_display",
        "published_at",
        "created_at",
        "updated_at",
        "recent_changes",
    ]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RecentStockMovementInline]
    # Plain sections, not fieldset tabs: the page has one row of tabs (General, Recent stock
    # movements, from the inline), and the full history is the header's History button.
    fieldsets = [
        (None, {"fields": ["sku", "name", "slug", "category", "tags", "current_status", "description"]}),
        (_("Pricing and stock"), {"fields": ["price", "effective_price_display", "cost", "stock", "allow_backorder"]}),
        (_("Recent changes"), {"fields": ["recent_changes", "published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_effective_price().with_has_orders()

    def get_search_results(self, request, queryset, search_term):
        # One EXISTS over tags instead of a join: no duplicate rows, no DISTINCT.
        return queryset.search(search_term), False

    @display(description=_("Effective price"), ordering="effective_price")
    def effective_price_display(self, obj):
        price = getattr(obj, "effective_price", None)
        if price is None:
            return "-"
        note = PRICE_SOURCE_NOTES.get(getattr(obj, "price_source", PriceSource.OWN), "")
        if not note:
            return f"{price:.2f}"
        return format_html(
            '<span class="whitespace-nowrap">{} <span class="text-xs text-base-500">({})</span></span>',
            f"{price:.2f}",
            note,
        )

    @display(description=_("Recent changes"))
    def recent_changes(self, obj):
        # Read on the change page only (one query), never in the list.
        if obj is None or obj.pk is None or not hasattr(obj, "history"):
            return "-"
        rows = obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:5]
        history_url = reverse("admin:inventory_product_history", args=[obj.pk])
        return render_to_string(
            "admin/inventory/product/recent_changes.html", {"rows": rows, "history_url": history_url}
        )

    @display(description=_("Stock"), ordering="stock", label=STOCK_LABELS)
    def stock_display(self, obj):
        return stock_state(obj), str(obj.stock)

    @display(description=_("Status"), ordering="status", label=STATUS_LABELS)
    def status_display(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Status"))
    def current_status(self, obj):
        # Status changes through the Publish / Unpublish / Archive buttons, which call the services.
        if obj is None or obj.pk is None:
            return _("Draft (publish it after saving)")
        return render_to_string(
            "unfold/helpers/label.html", {"text": obj.get_status_display(), "type": STATUS_LABELS.get(obj.status)}
        )

    @display(description=_("Units sold"), ordering="units_sold")
    def units_sold_display(self, obj):
        return obj.units_sold

    @display(description=_("Has orders"), boolean=True, ordering="has_orders")
    def has_orders_display(self, obj):
        return obj.has_orders


def stock_state(product):
    """ok / low / out / backorder: the stock badge's colour."""
    if product.stock <= 0:
        return "backorder" if product.allow_backorder else "out"
    if product.stock <= settings.LOW_STOCK_THRESHOLD:
        return "low"
    return "ok"
