from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminSelectWidget

from backoffice.admin_actions import OptionalReasonForm, admin_reason, form_action, result_level
from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import nowrap
from backoffice.admin_site import EstimatedCountPaginator
from inventory.admin.filters import DateRangeFilter
from orders import services
from orders.admin.filters import CustomerHasOrdersFilter, NeverOrderedFilter, OrderedWithinFilter
from orders.choices import TIER_LABELS, CustomerTier
from orders.models import Customer
from orders.querysets import CUSTOMER_TEXT_FIELDS


class ChangeTierForm(OptionalReasonForm):
    tier = forms.ChoiceField(label=_("New tier"), choices=CustomerTier.choices, widget=UnfoldAdminSelectWidget)
    field_order = ["tier", "reason"]


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
        (_("Customer"), {"fields": ["first_name", "last_name", "email", "phone", "tier", "user"]}),
        (_("Notes"), {"fields": ["notes", "created_at", "updated_at"]}),
    ]
    actions = ["change_tier"]

    def get_queryset(self, request):
        # The order figures are the customer's own columns (kept by orders.services): sorting and
        # filtering on them use their indexes instead of counting every customer's orders.
        return super().get_queryset(request).with_discount_rate().with_has_orders()

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
