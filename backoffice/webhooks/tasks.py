"""Sending one delivery: sign, POST, log the attempt, retry with backoff until it succeeds or gives up.

``deliver_webhook(delivery_id, attempt)`` claims the attempt with one conditional UPDATE
(``attempts = attempt - 1``), so a retry and a redelivery of the same delivery never both send,
and a stale retry does nothing. A 2xx answer is delivered; anything else (another status, a timeout,
a refused connection) is retried after 1, 2, 4 ... minutes (at most an hour apart) until
``WEBHOOK_MAX_ATTEMPTS``, then the delivery is failed (redeliver it from the admin).
"""

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from backoffice.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from backoffice.webhooks.signing import signed_headers

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
ERROR_KEPT = 500  # characters of an error or response kept in the log


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer of its own (3xx, retried), never followed to another address."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def backoff(attempt):
    """Wait after failed attempt ``attempt`` (1, 2, ...): 1, 2, 4, 8 ... minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT)


def post(url, body, headers, timeout):
    """``(status code or None, error text)`` of one POST."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(ERROR_KEPT).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:ERROR_KEPT]


@task()
def deliver_webhook(delivery_id, attempt):
    """Send attempt number ``attempt`` of the delivery; returns its outcome (status name)."""
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, attempts=attempt - 1)
        .filter(~Q(status=DeliveryStatus.SUCCEEDED))
        .update(attempts=attempt, status=DeliveryStatus.SENDING, next_attempt_at=None)
    )
    if not claimed:
        return "stale"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = signed_headers(secret=endpoint.secret, event_id=delivery.event_id, event=delivery.event, body=body)
    sent_at = timezone.now()
    started = time.monotonic()
    status_code, error = (None, "endpoint is inactive") if not endpoint.is_active else (
        post(endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT_SECONDS)
    )  # fmt: skip
    elapsed_ms = int((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    WebhookAttempt.objects.create(
        delivery=delivery, number=attempt, sent_at=sent_at, status_code=status_code, response_ms=elapsed_ms,
        error=error, succeeded=succeeded,
    )  # fmt: skip
    delivery.last_status_code, delivery.last_response_ms, delivery.last_error = status_code, elapsed_ms, error
    if succeeded:
        delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, timezone.now()
    elif attempt < settings.WEBHOOK_MAX_ATTEMPTS and endpoint.is_active and _schedule_retry(delivery, attempt):
        delivery.status = DeliveryStatus.RETRYING
    else:
        delivery.status = DeliveryStatus.FAILED
    fields = ["status", "delivered_at", "next_attempt_at", "last_status_code", "last_response_ms", "last_error"]
    delivery.save(update_fields=fields)
    return delivery.status


def _schedule_retry(delivery, attempt):
    """Enqueue the next attempt after its backoff; False where the backend cannot wait (ImmediateBackend)."""
    if not deliver_webhook.get_backend().supports_defer:
        return False
    delivery.next_attempt_at = timezone.now() + backoff(attempt)
    deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk, attempt + 1)
    return True


def redeliver(deliveries):
    """Send the deliveries again now (admin action), whatever their status; returns how many."""
    count = 0
    for delivery in deliveries:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, next_attempt_at=None)
        deliver_webhook.enqueue(delivery.pk, delivery.attempts + 1)
        count += 1
    return count
