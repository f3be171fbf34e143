from django.contrib import admin
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display

from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import ListColumnsMixin
from backoffice.admin_site import EstimatedCountPaginator
from inventory.admin.filters import DateRangeFilter
from inventory.models import Product
from orders.admin.filters import RevenueFilter
from orders.admin.order_actions import OrderActionsMixin
from orders.choices import OrderStatus
from orders.models import Order, OrderLine
from orders.services import next_order_number

STATUS_LABELS = {
    OrderStatus.DRAFT: "default",
    OrderStatus.PLACED: "info",
    OrderStatus.PAID: "primary",
    OrderStatus.SHIPPED: "warning",
    OrderStatus.DELIVERED: "success",
    OrderStatus.CANCELLED: "danger",
    OrderStatus.REFUNDED: "danger",
}


def _is_draft(order):
    return order is None or order.status == OrderStatus.DRAFT


class OrderLineInline(TabularInline):
    """Lines: editable while the order is a draft; prices come from the product, never typed in."""

    model = OrderLine
    extra = 0
    show_title = False  # the row shows product, quantity and price; no "3 x 22 @ 89.00" title
    fields = ["product", "quantity", "unit_price"]
    readonly_fields = ["unit_price"]
    autocomplete_fields = ["product"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Order)
class OrderAdmin(ListColumnsMixin, OrderActionsMixin, TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = [
        "number_display",
        "customer",
        "status_display",
        "placed_at",
        "line_count_display",
        "subtotal_display",
        "discount_rate_display",
        "total_display",
    ]
    list_select_related = ["customer"]
    list_columns = ["number", "status", "placed_at", "discount_rate", "customer__first_name", "customer__last_name",
                    "customer__email"]  # fmt: skip
    list_filter = [
        ("status", ChoicesDropdownFilter),
        RevenueFilter,
        ("placed_at", DateRangeFilter),
        ("customer__tier", ChoicesDropdownFilter),
        ("lines__product", AutocompleteSelectFilter),
    ]
    list_filter_submit = True
    search_fields = ["number", "customer__email", "customer__last_name"]
    show_full_result_count = False
    # Facet counts run one COUNT per filter choice over the whole table: never on these lists.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    # Placed orders newest first, drafts last: an index scan of order_placed_id_idx.
    ordering = [F("placed_at").desc(nulls_last=True), "-pk"]
    autocomplete_fields = ["customer"]
    inlines = [OrderLineInline]
    history_children = [(OrderLine, ["product", "quantity", "unit_price"])]

    def get_queryset(self, request):
        return super().get_queryset(request).with_totals()

    def get_search_results(self, request, queryset, search_term):
        """Each word must match the number, or the customer's e-mail or last name (``OrderQuerySet.search``)."""
        queryset = queryset.search(search_term)
        return queryset, False

    def get_fieldsets(self, request, obj=None):
        order_fields = ["customer", "notes"]
        if obj is not None:
            order_fields = ["number", "current_status", "placed_at", *order_fields]
            totals = ["subtotal_display", "discount_rate_display", "total_display", "created_by"]
            return [
                (_("Order"), {"fields": order_fields}),
                (_("Totals"), {"fields": totals}),
                (_("Shipping"), {"fields": Order.SHIPPING_FIELDS}),
            ]
        return [(_("Order"), {"fields": order_fields}), (_("Shipping"), {"fields": Order.SHIPPING_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["number", "current_status", "placed_at", "created_by"]
        readonly += ["subtotal_display", "discount_rate_display", "total_display"]
        if not _is_draft(obj):
            readonly.append("customer")
        return readonly

    def save_model(self, request, obj, form, change):
        if not change:
            # A new order is always a draft; placing it is a status change (an action).
            obj.number = next_order_number()
            obj.status = OrderStatus.DRAFT
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_change_reason(self, request, obj, form, change):
        return super().get_change_reason(request, obj, form, change) if change else "draft created in admin"

    def save_formset(self, request, form, formset, change):
        if formset.model is OrderLine:
            # New lines of a draft take today's effective price; placing the order fixes it again.
            for line_form in formset.forms:
                line = line_form.instance
                if (
                    line_form.has_changed()
                    and line.product_id
                    and (line.pk is None or "product" in line_form.changed_data)
                ):
                    line.unit_price = Product.objects.with_effective_price().get(pk=line.product_id).effective_price
        super().save_formset(request, form, formset, change)

    @display(description=_("Number"), ordering="number")
    def number_display(self, obj):
        return format_html('<span class="whitespace-nowrap">{}</span>', obj.number)

    @display(description=_("Status"), ordering="status", label=STATUS_LABELS)
    def status_display(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Status"))
    def current_status(self, obj):
        # The change form shows the badge text; status moves only through the actions above the form.
        return render_to_string(
            "unfold/helpers/label.html", {"text": obj.get_status_display(), "type": STATUS_LABELS.get(obj.status)}
        )

    def has_delete_permission(self, request, obj=None):
        # Placed orders hold stock movements and revenue: cancel or refund them instead.
        return super().has_delete_permission(request, obj) and _is_draft(obj)

    @display(description=_("Lines"), ordering="line_count")
    def line_count_display(self, obj):
        return obj.line_count

    @display(description=_("Subtotal"), ordering="subtotal")
    def subtotal_display(self, obj):
        return _money(getattr(obj, "subtotal", None))

    @display(description=_("Discount"), ordering="effective_discount_rate")
    def discount_rate_display(self, obj):
        rate = getattr(obj, "effective_discount_rate", obj.discount_rate)
        return "-" if rate is None else f"{rate * 100:.0f}%"

    @display(description=_("Total"), ordering="total")
    def total_display(self, obj):
        return _money(getattr(obj, "total", None))


def _money(value):
    # Annotations are missing on historical versions (the revert page): show a dash there.
    return "-" if value is None else f"{value:.2f}"
