from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminSelectWidget

from backoffice.admin_actions import OptionalReasonForm, admin_reason, form_action, result_level
from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import nowrap
from backoffice.admin_site import EstimatedCountPaginator
from backoffice.errors import ServiceError
from inventory.admin.filters import DateRangeFilter
from orders import services
from orders.admin.filters import CustomerHasOrdersFilter, NeverOrderedFilter, OrderedWithinFilter
from orders.choices import STATUS_LABELS, TIER_LABELS, CustomerTier
from orders.customer_page import customer_overview
from orders.customers import add_customer_note
from orders.models import Address, Customer
from orders.querysets import CUSTOMER_TEXT_FIELDS

NOTE_ADDED = _("Note added to %(customer)s.")


class ChangeTierForm(OptionalReasonForm):
    tier = forms.ChoiceField(label=_("New tier"), choices=CustomerTier.choices, widget=UnfoldAdminSelectWidget)
    field_order = ["tier", "reason"]


class ShopperChangeList(ChangeList):
    """The customer list (and its export) shows shoppers only: staff are not customers.

    A staff user's customer (linked by hand) keeps its own page, reached from its orders.
    """

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).shoppers()


class AddressInline(TabularInline):
    """The address book; which entries are the defaults is chosen above, on the customer."""

    model = Address
    extra = 0
    show_title = False
    fields = ["label", "name", "line1", "line2", "postcode", "city", "country", "phone"]


@admin.register(Customer)
class CustomerAdmin(TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = [
        "name_display",
        "email",
        "tier_display",
        "discount_rate_display",
        "order_count_display",
        "lifetime_value_display",
        "last_order_display",
        "has_orders_display",
    ]
    list_display_links = ["name_display", "email"]
    list_filter = [
        ("tier", ChoicesDropdownFilter),
        CustomerHasOrdersFilter,
        OrderedWithinFilter,
        NeverOrderedFilter,
        ("created_at", DateRangeFilter),
    ]
    list_filter_submit = True
    list_select_related = ["user"]
    search_fields = list(CUSTOMER_TEXT_FIELDS)
    show_full_result_count = False
    # Facet counts run one COUNT per filter choice over the whole table: never on these lists.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (_("Customer"), {"fields": ["first_name", "last_name", "email", "phone", "tier", "tier_pinned", "user"]}),
        (_("Default addresses"), {"fields": ["default_shipping_address", "default_billing_address"]}),
        (_("Notes"), {"fields": ["notes", "created_at", "updated_at"]}),
    ]
    inlines = [AddressInline]
    actions = ["change_tier"]
    # The figures, orders, notes timeline and tier history (orders.customer_page) around the form.
    change_form_outer_before_template = "admin/orders/customer/figures.html"
    change_form_outer_after_template = "admin/orders/customer/overview.html"

    def get_queryset(self, request):
        # The order figures are the customer's own columns (kept by orders.services): sorting and
        # filtering on them use their indexes instead of counting every customer's orders.
        return super().get_queryset(request).with_discount_rate().with_has_orders()

    def get_changelist(self, request, **kwargs):
        return ShopperChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("default_shipping_address", "default_billing_address"):
            # Only this customer's own addresses (Customer.clean checks it again).
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = (
                Address.objects.filter(customer_id=unquote(object_id)) if object_id else Address.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, unquote(object_id))
        if customer is not None:
            extra_context = {
                **(extra_context or {}),
                **customer_overview(customer, page_number=request.GET.get("orders_page", 1)),
                "status_labels": STATUS_LABELS,
                "can_add_note": self.has_change_permission(request, customer),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        note = self.admin_site.admin_view(require_POST(self.add_note_view))
        return [path("<path:object_id>/notes/add/", note, name="orders_customer_add_note"), *super().get_urls()]

    def add_note_view(self, request, object_id):
        customer = self.get_object(request, unquote(object_id))
        if customer is None:
            raise Http404
        if not self.has_change_permission(request, customer):
            raise PermissionDenied
        try:
            add_customer_note(customer=customer, author=request.user, body=request.POST.get("body", ""))
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, NOTE_ADDED % {"customer": customer}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:orders_customer_change", args=[customer.pk]) + "#notes")

    @display(description=_("Name"), ordering="last_name")
    def name_display(self, obj):
        return obj.full_name or "-"

    @display(description=_("Tier"), ordering="tier", label=TIER_LABELS)
    def tier_display(self, obj):
        return obj.tier, obj.get_tier_display()

    @display(description=_("Discount"), ordering="discount_rate")
    def discount_rate_display(self, obj):
        return f"{obj.discount_rate * 100:.0f}%"

    @display(description=_("Orders"), ordering="order_count")
    def order_count_display(self, obj):
        return obj.order_count

    @display(description=_("Lifetime value"), ordering="lifetime_value")
    def lifetime_value_display(self, obj):
        return f"{obj.lifetime_value:.2f}"

    @display(description=_("Last order"), ordering="last_order_at")
    def last_order_display(self, obj):
        if obj.last_order_at is None:
            return "-"
        day = f"{obj.last_order_at:%Y-%m-%d}"
        return nowrap(f"{day} {obj.last_order_number}")

    @display(description=_("Has orders"), boolean=True, ordering="order_count")
    def has_orders_display(self, obj):
        return obj.has_orders

    @action(description=_("Change tier of selected customers"), permissions=["change"], icon="workspace_premium")
    def change_tier(self, request, queryset):
        def perform(customers, data):
            reason = admin_reason(f"tier set to {data['tier']}", data.get("reason"))
            result = services.change_customer_tier(
                customers=list(customers), tier=data["tier"], user=request.user, reason=reason
            )
            verb = _("moved to %(tier)s") % {"tier": CustomerTier(data["tier"]).label}
            return result.summary(_("customers"), verb), result_level(result)

        return form_action(
            self, request, queryset, form_class=ChangeTierForm, title=_("Change customer tier"), perform=perform
        )
