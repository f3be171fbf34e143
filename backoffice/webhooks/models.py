"""Subscriptions (endpoints), one delivery per event and endpoint, and every attempt to send it."""

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.models import TimeStampedModel

EVENTS = (
    "order.placed",
    "order.paid",
    "order.shipped",
    "order.refunded",
    "product.updated",
    "stock.low",
    "import.finished",
)
EVENT_CHOICES = [(event, event) for event in EVENTS]


def new_secret():
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    events = models.JSONField(_("events"), default=list, help_text=_("The events this endpoint receives."))
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_secret, editable=False,
        help_text=_("The receiver checks each request's signature with this secret."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def wants(self, event):
        return self.is_active and event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint. ``attempts`` counts the sends; the body never changes."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=EVENT_CHOICES)
    event_id = models.UUIDField(help_text=_("The same for every endpoint that receives the event."))
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due_idx")]

    def __str__(self):
        return f"{self.event} -> {self.endpoint_id} ({self.event_id})"


class WebhookAttempt(models.Model):
    """The log of one send: status code, response time, error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("webhook attempt")
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhookattempt_unique_number")]

    def __str__(self):
        return f"#{self.number}: {self.status_code or self.error[:40]}"
