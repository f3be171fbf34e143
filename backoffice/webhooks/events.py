"""``emit()``: the one hook the services call. Nothing is sent before the transaction commits.

After commit, the subscribed endpoints are looked up (one query; nothing more without subscribers),
the payload is built once per event (the object as the API shows it), one ``WebhookDelivery`` per
endpoint is written and ``deliver_webhook`` is enqueued for each. A rolled-back transaction sends nothing.
"""

import json
import logging
import uuid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.renderers import JSONRenderer

from backoffice.webhooks.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Model label -> function(pks) -> {pk: data}. Strings, so the kernel imports no shop app.
PAYLOADS = {
    "inventory.product": "inventory.api.webhooks.product_payloads",
    "orders.order": "orders.api.webhooks.order_payloads",
}
ORDER_STATUS_EVENTS = {"placed": "order.placed", "paid": "order.paid", "shipped": "order.shipped",
                       "refunded": "order.refunded"}  # fmt: skip


def emit(event, obj):
    """Send ``event`` about ``obj`` (a model instance of ``PAYLOADS``, or a dict that is the data) after commit.

    Emitting the same event for the same row twice in one transaction sends it once.
    """
    if isinstance(obj, dict):
        _on_commit(event, None, [obj], key=None)
    else:
        label = obj._meta.label_lower
        _on_commit(event, label, [obj.pk], key=(event, label, obj.pk))


def emit_many(event, label, pks):
    """``emit`` for many rows of one model (bulk status changes): one lookup, one payload query."""
    pks = sorted(pks)
    if pks:
        _on_commit(event, label, pks, key=None)


def order_status_changed(order):
    """The order event of the order's new status, if it has one (placed, paid, shipped, refunded)."""
    event = ORDER_STATUS_EVENTS.get(str(order.status))
    if event:
        emit(event, order)


def stock_changed(product, before):
    """``stock.low`` when a product's stock falls to the low-stock threshold or below it."""
    threshold = settings.LOW_STOCK_THRESHOLD
    if before > threshold >= product.stock:
        emit("stock.low", product)


class _FanOut:
    """The on-commit callback of one emit; ``key`` lets a second emit of the same row see it pending."""

    def __init__(self, event, label, items, key):
        self.call = partial(fan_out, event, label, items)
        self.key = key
        self.done = False

    def __call__(self):
        self.done = True
        self.call()


def _on_commit(event, label, items, *, key):
    connection = transaction.get_connection()
    # The callbacks waiting for this transaction's commit; a rolled-back savepoint's are gone from it.
    waiting = connection.run_on_commit if key is not None and connection.in_atomic_block else []
    if any(isinstance(func, _FanOut) and func.key == key and not func.done for _sids, func, _robust in waiting):
        return
    # robust: a failure here is logged; it must not turn a committed request into a 500.
    transaction.on_commit(_FanOut(event, label, items, key), robust=True)


def subscribers(event):
    return [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if endpoint.wants(event)]


def fan_out(event, label, items):
    """Write one delivery per subscribed endpoint and event, and enqueue their sending."""
    from backoffice.webhooks.tasks import deliver_webhook

    endpoints = subscribers(event)
    if not endpoints:
        return []
    if label is None:
        datas = items
    else:
        by_pk = import_string(PAYLOADS[label])(items)
        datas = [by_pk[pk] for pk in items if pk in by_pk]  # a row deleted since is not sent
    now = timezone.now()
    deliveries = []
    for data in datas:
        event_id = uuid.uuid4()
        body = {"id": str(event_id), "event": event, "created_at": now.isoformat(), "data": _plain(data)}
        for endpoint in endpoints:
            deliveries.append(
                WebhookDelivery.objects.create(endpoint=endpoint, event=event, event_id=event_id, payload=body)
            )
    for delivery in deliveries:
        deliver_webhook.enqueue(delivery.pk, 1)
    return deliveries


def _plain(data):
    """Decimals, dates and lazy texts as the API writes them."""
    return json.loads(JSONRenderer().render(data))
