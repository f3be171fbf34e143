"""Tier rules: the table of rules, a preview of who would move, and applying them (orders.tiers)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from backoffice.admin_history import TrackedAdmin
from orders.choices import TIER_LABELS
from orders.models import TierRule
from orders.tasks import apply_tier_rules_as
from orders.tiers import preview_tier_rules

APPLY_QUEUED = _(
    "Tier rules are being applied by a worker: each customer who moves gets a history record naming the rule. "
    "Open the preview again to see who is left to move."
)
# Applying moves customers (their tier) by the rules: both permissions.
APPLY_PERMISSIONS = ("orders.change_customer", "orders.change_tierrule")


@admin.register(TierRule)
class TierRuleAdmin(TrackedAdmin, ModelAdmin):
    list_display = ["position", "rule_display", "tier_display", "min_spend", "min_orders", "window_days", "active"]
    list_display_links = ["rule_display"]
    list_editable = ["position", "active"]
    ordering = ["position", "pk"]
    fields = ["position", "tier", "min_spend", "min_orders", "window_days", "active"]
    actions_list = ["preview_changes"]

    @display(description=_("Rule"))
    def rule_display(self, obj):
        return str(obj)

    @display(description=_("Tier"), label=TIER_LABELS)
    def tier_display(self, obj):
        return obj.tier, obj.get_tier_display()

    @action(description=_("Preview tier changes"), url_path="preview", permissions=["view"], icon="preview")
    def preview_changes(self, request):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Tier changes the rules would make"),
            "preview": preview_tier_rules(),
            "can_apply": request.user.has_perms(APPLY_PERMISSIONS),
        }
        return TemplateResponse(request, "admin/orders/tierrule/preview.html", context)

    def get_urls(self):
        apply = self.admin_site.admin_view(require_POST(self.apply_view))
        return [path("apply/", apply, name="orders_tierrule_apply"), *super().get_urls()]

    def apply_view(self, request):
        if not request.user.has_perms(APPLY_PERMISSIONS):
            raise PermissionDenied
        # Long work at shop scale (tens of thousands of moves): a worker runs it, not this request.
        apply_tier_rules_as.enqueue(user_id=request.user.pk)
        self.message_user(request, APPLY_QUEUED, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:orders_tierrule_changelist"))
