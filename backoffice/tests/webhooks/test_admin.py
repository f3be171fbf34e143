"""Webhook admin pages: endpoints (the secret shown to editors), the delivery log, redelivery."""

import pytest
from django.urls import reverse

from backoffice.tests.admin_support import change_url, changelist_url, run_action, user_with_perms
from backoffice.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def make_deliveries(endpoint, count):
    deliveries = []
    for n in range(count):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event="order.paid", event_id=f"00000000-0000-0000-0000-{n:012d}",
            payload={"id": str(n)}, status=DeliveryStatus.FAILED, attempts=1, last_status_code=500,
        )  # fmt: skip
        WebhookAttempt.objects.create(delivery=delivery, number=1, sent_at=delivery.created_at, status_code=500)
        deliveries.append(delivery)
    return deliveries


def test_endpoint_pages(boss_client, endpoint):
    assert boss_client.get(changelist_url(WebhookEndpoint)).status_code == 200
    assert boss_client.get(changelist_url(WebhookEndpoint), {"q": "ERP"}).status_code == 200
    assert boss_client.get(reverse("admin:webhooks_webhookendpoint_add")).status_code == 200
    assert endpoint.secret in boss_client.get(change_url(endpoint)).content.decode()


def test_adding_an_endpoint(boss_client, receiver):
    response = boss_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"name": "Shop front", "url": receiver.url, "events": ["order.paid", "stock.low"], "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by.username) == (["order.paid", "stock.low"], "boss")
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    response = boss_client.post(
        reverse("admin:webhooks_webhookendpoint_add"), {"name": "FTP", "url": "ftp://x.test/", "events": ["x"]}
    )
    assert set(response.context["adminform"].form.errors) == {"url", "events"}


def test_delivery_pages(boss_client, endpoint):
    (delivery,) = make_deliveries(endpoint, 1)
    assert boss_client.get(changelist_url(WebhookDelivery), {"q": str(delivery.event_id)}).status_code == 200
    page = boss_client.get(change_url(delivery))
    assert page.status_code == 200
    assert "500" in page.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_delivery_list_queries_do_not_grow_with_rows(boss_client, endpoint, rows, django_assert_max_num_queries):
    make_deliveries(endpoint, rows)
    boss_client.get(changelist_url(WebhookDelivery))  # warm the session and the content types
    with django_assert_max_num_queries(9):
        response = boss_client.get(changelist_url(WebhookDelivery))
    assert len(response.context["cl"].result_list) == rows


def test_redeliver_sends_again_and_needs_the_change_permission(admin_client_as, endpoint, receiver, immediate_tasks):
    (delivery,) = make_deliveries(endpoint, 1)
    viewer = admin_client_as(user_with_perms("viewer", "webhooks.view_webhookdelivery"))
    run_action(viewer, WebhookDelivery, "redeliver", [delivery])
    assert receiver.requests == []
    editor = admin_client_as(
        user_with_perms("editor", "webhooks.view_webhookdelivery", "webhooks.change_webhookdelivery")
    )
    run_action(editor, WebhookDelivery, "redeliver", [delivery])
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 2, 200)
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 200)]
