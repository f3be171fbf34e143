"""Each event reaches a loopback receiver exactly once, signed; a failed delivery is retried with backoff."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from backoffice.importing.engine import import_file
from backoffice.webhooks.events import emit
from backoffice.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from backoffice.webhooks.signing import verify
from backoffice.webhooks.tasks import backoff, deliver_webhook
from inventory.choices import MovementReason
from inventory.services import adjust_stock, archive_products
from inventory.tests.factories import ProductFactory, UserFactory
from orders.services import place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_every_event_arrives_once_with_a_valid_signature(
    receiver, endpoint, immediate_tasks, django_capture_on_commit_callbacks
):
    user = UserFactory(username="clerk")
    with django_capture_on_commit_callbacks(execute=True):  # as if committed before the test
        shirt = ProductFactory(sku="SHIRT-1", price=Decimal("25.00"), stock=8)
        socks = ProductFactory(sku="SOCKS-1", price=Decimal("5.00"), stock=30)
    receiver.requests.clear()
    customer = CustomerFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(customer=customer, lines=[(shirt, 3), (socks, 1), (shirt, 1)], user=user)
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, to_status="paid", user=user)
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, to_status="shipped", user=user)
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, to_status="refunded", user=user, reason="damaged")
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(product=socks, delta=-26, reason=MovementReason.ADJUSTMENT, user=user, note="count")
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(product=socks, delta=-1, reason=MovementReason.ADJUSTMENT, user=user, note="lost")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file("tag", b"name\nsummer\n", file_name="tags.csv", user=user, dry_run=False)
    assert report.committed

    assert receiver.events == [
        # placing: shirt 8 -> 4 (low: the threshold is 5), socks 30 -> 29, one save each
        "product.updated", "stock.low", "product.updated", "order.placed",
        "order.paid", "order.shipped",
        "product.updated", "product.updated", "order.refunded",  # the units come back
        "product.updated", "stock.low",  # socks 30 -> 4
        "product.updated",  # socks 4 -> 3: already low, no second stock.low
        "import.finished",
    ]  # fmt: skip
    ids = [request["json"]["id"] for request in receiver.requests]
    assert len(set(ids)) == len(ids)
    for request in receiver.requests:
        headers = request["headers"]
        verify(secret=endpoint.secret, body=request["body"], headers=headers)
        assert headers["Webhook-Id"] == request["json"]["id"]
        assert headers["Webhook-Event"] == request["json"]["event"]
        assert headers["Content-Type"] == "application/json"
    placed = receiver.requests[3]["json"]["data"]
    assert (placed["number"], placed["status"], placed["total"]) == (order.number, "placed", "105.00")
    assert [(line["product"]["sku"], line["quantity"]) for line in placed["lines"]] == [("SHIRT-1", 4), ("SOCKS-1", 1)]
    low = receiver.requests[1]["json"]["data"]
    assert (low["sku"], low["stock"]) == ("SHIRT-1", 4)
    assert receiver.requests[-1]["json"]["data"] == {
        "model": "tag", "file_name": "tags.csv", "user": "clerk", "rows": 1, "new": 1, "updated": 0,
        "unchanged": 0, "skipped": 0,
    }  # fmt: skip
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}
    # one attempt per request, the two product.updated of the set-up included
    assert WebhookAttempt.objects.filter(succeeded=True, status_code=200).count() == 2 + len(receiver.requests)


def test_bulk_status_changes_send_one_event_per_changed_product(
    receiver, endpoint, immediate_tasks, django_capture_on_commit_callbacks
):
    user = UserFactory()
    products = [ProductFactory(sku=f"P-{n}") for n in range(3)]
    ProductFactory(sku="OLD", status="archived")
    with django_capture_on_commit_callbacks(execute=True):
        archive_products(products=type(products[0]).objects.all(), user=user)
    assert receiver.events == ["product.updated"] * 3
    assert sorted(request["json"]["data"]["sku"] for request in receiver.requests) == ["P-0", "P-1", "P-2"]


def test_only_subscribed_events_and_active_endpoints(receiver, immediate_tasks, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="Orders only", url=receiver.url, events=["order.paid"])
    WebhookEndpoint.objects.create(name="Off", url=receiver.url, events=["product.updated"], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_rolled_back_transaction_sends_nothing(
    receiver, endpoint, immediate_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ProductFactory()
        raise RuntimeError
    assert callbacks == []
    assert receiver.requests == []


def test_saving_a_product_twice_in_one_transaction_sends_one_event(
    receiver, endpoint, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Before")
        product.name = "After"
        product.save()
    assert receiver.events == ["product.updated"]
    assert receiver.requests[0]["json"]["data"]["name"] == "After"


def test_a_failing_receiver_gets_a_retry_with_backoff(
    receiver, endpoint, dummy_tasks, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        emit("import.finished", {"model": "tag"})
    (first,) = dummy_tasks.results
    delivery = WebhookDelivery.objects.get()
    assert first.args == [delivery.pk, 1]

    before = timezone.now()
    assert deliver_webhook.call(delivery.pk, 1) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    retry = dummy_tasks.results[-1]
    assert retry.args == [delivery.pk, 2]
    assert before + timedelta(seconds=59) < retry.task.run_after <= timezone.now() + timedelta(minutes=1)
    assert delivery.next_attempt_at == retry.task.run_after

    assert deliver_webhook.call(delivery.pk, 2) == DeliveryStatus.RETRYING
    assert dummy_tasks.results[-1].task.run_after > timezone.now() + timedelta(seconds=110)  # 2 minutes now
    assert deliver_webhook.call(delivery.pk, 2) == "stale"  # a duplicate of attempt 2 sends nothing
    assert deliver_webhook.call(delivery.pk, 3) == DeliveryStatus.SUCCEEDED
    assert deliver_webhook.call(delivery.pk, 3) == "stale"
    assert len(receiver.requests) == 3
    assert receiver.requests[0]["json"] == receiver.requests[2]["json"]  # the same event, the same id
    for request in receiver.requests:
        verify(secret=endpoint.secret, body=request["body"], headers=request["headers"])
    log = list(delivery.attempt_log.values_list("number", "status_code", "succeeded"))
    assert log == [(1, 500, False), (2, 503, False), (3, 200, True)]
    assert all(ms is not None for ms in delivery.attempt_log.values_list("response_ms", flat=True))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.SUCCEEDED, 3, None)


def test_gives_up_after_the_last_attempt(dummy_tasks, settings, db, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    endpoint = WebhookEndpoint.objects.create(name="Down", url="http://127.0.0.1:9/hooks", events=["stock.low"])
    with django_capture_on_commit_callbacks(execute=True):
        emit("stock.low", ProductFactory())
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert deliver_webhook.call(delivery.pk, 1) == DeliveryStatus.RETRYING
    assert deliver_webhook.call(delivery.pk, 2) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()
    assert len(dummy_tasks.results) == 2  # the first send and one retry, nothing after the last attempt


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 7, 8, 20)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(hours=1), timedelta(hours=1),
        timedelta(hours=1),
    ]  # fmt: skip


def test_without_subscribers_nothing_is_written(
    immediate_tasks, django_assert_num_queries, db, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):  # the endpoint lookup
        emit("stock.low", product)
    assert not WebhookDelivery.objects.exists()
