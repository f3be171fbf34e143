from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet

from backoffice.admin_actions import admin_reason
from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import ListColumnsMixin, nowrap
from backoffice.admin_site import EstimatedCountPaginator
from backoffice.errors import ServiceError
from inventory.admin.filters import DateRangeFilter
from orders import draft_services, services
from orders.admin.filters import RevenueFilter
from orders.admin.order_actions import OrderActionsMixin
from orders.choices import STATUS_LABELS, OrderStatus
from orders.models import Order, OrderLine


def _is_draft(order):
    return order is None or order.status == OrderStatus.DRAFT


def _line_changes(formset):
    """The inline's rows as the services take them: ``(add, change, remove)`` (see ``edit_draft_lines``)."""
    add, change, remove = [], [], []
    for line_form in formset.forms:
        line = line_form.instance
        if line_form in formset.deleted_forms:
            if line.pk:
                remove.append(line.pk)
        elif line_form.has_changed() and line_form.cleaned_data.get("product"):
            product, quantity = line_form.cleaned_data["product"], line_form.cleaned_data["quantity"]
            if line.pk is None:
                add.append((product, quantity))
            else:
                change.append((line.pk, product, quantity))
    return add, change, remove


def _adopt(instance, order):
    """The admin's unsaved instance becomes the order the service created (the redirect and the log read it)."""
    for field in Order._meta.concrete_fields:
        setattr(instance, field.attname, getattr(order, field.attname))
    instance._state.adding = False


class DraftLinesFormSet(PaginationInlineFormSet):
    def clean(self):
        """A new draft is created with its lines (``create_draft_order``): refuse what it would refuse, here."""
        super().clean()
        if self.instance.pk is None:
            add, _change, _remove = _line_changes(self)
            try:
                services.check_lines(add)
            except ServiceError as error:
                raise ValidationError(error.message, code=error.code) from error


class OrderLineInline(TabularInline):
    """Lines: editable while the order is a draft; the order services price them, never this form."""

    model = OrderLine
    formset = DraftLinesFormSet
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
        if change:
            super().save_model(request, obj, form, change)
        # A new order is created with its lines by create_draft_order, in save_related.

    def save_related(self, request, form, formsets, change):
        """Lines go through the order services: they price every draft line; this admin never does."""
        lines = next((f for f in formsets if f.model is OrderLine), None)
        order = form.instance
        if lines is None and not change:
            raise PermissionDenied  # a draft is created with its lines: who may not add lines may not add one
        if lines is None or not _is_draft(order):
            return super().save_related(request, form, formsets, change)
        add, edit, remove = _line_changes(lines)
        if not change:
            created = services.create_draft_order(
                customer=order.customer,
                lines=add,
                user=request.user,
                shipping={name: getattr(order, name) for name in Order.SHIPPING_FIELDS},
                notes=order.notes,
                reason=admin_reason("draft created"),
            )
            _adopt(order, created)
        elif add or edit or remove:
            draft_services.edit_draft_lines(
                order=order,
                user=request.user,
                add=add,
                change=edit,
                remove=remove,
                reason=admin_reason("lines changed"),
            )
        # What Django's change message and log entry read from a saved formset.
        stored = {line.product_id: line for line in OrderLine.objects.filter(order_id=order.pk)}
        lines.new_objects = [stored[product.pk] for product, _quantity in add]  # one line per product
        lines.changed_objects = [(f.instance, f.changed_data) for f in lines.forms if f.instance.pk and f.has_changed()]
        lines.deleted_objects = [f.instance for f in lines.deleted_forms if f.instance.pk]
        form.save_m2m()

    @display(description=_("Number"), ordering="number")
    def number_display(self, obj):
        return nowrap(obj.number)

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
