"""Webhook endpoints (subscriptions) and the delivery log, with redelivery."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.webhooks.models import EVENT_CHOICES, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from backoffice.webhooks.tasks import redeliver

STATUS_COLOURS = {
    DeliveryStatus.SUCCEEDED.label: "success",
    DeliveryStatus.FAILED.label: "danger",
    DeliveryStatus.RETRYING.label: "warning",
    DeliveryStatus.PENDING.label: "info",
    DeliveryStatus.SENDING.label: "info",
}


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=UnfoldAdminCheckboxSelectMultipleWidget)

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "event_list", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    def get_readonly_fields(self, request, obj=None):
        return ["secret"] if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "is_active"]
        return [*fields, "secret"] if obj is not None else fields

    @display(description=_("Events"))
    def event_list(self, obj):
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AttemptInline(TabularInline):
    model = WebhookAttempt
    fields = ["number", "sent_at", "status_code", "response_ms", "error", "succeeded"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ModelAdmin):
    list_display = ["event", "endpoint", "created_at", "state", "attempts", "last_status_code", "last_response_ms"]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["event_id"]
    list_select_related = ["endpoint"]
    fields = ["endpoint", "event", "event_id", "status", "attempts", "next_attempt_at", "last_status_code",
              "last_response_ms", "last_error", "created_at", "delivered_at", "payload"]  # fmt: skip
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["redeliver"]
    show_full_result_count = False

    @display(description=_("Status"), label=STATUS_COLOURS)
    def state(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return False

    def has_redeliver_permission(self, request, obj=None):
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @action(description=_("Redeliver the selected deliveries now"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = redeliver(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery sent again; its attempts show below it.",
                "%(count)d deliveries sent again; their attempts show on each delivery.",
                count,
            )
            % {"count": count},
        )
