"""Tier rules in the admin: the table, the preview (writes nothing) and applying it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backoffice.tests.admin_support import change_url, changelist_url, user_with_perms
from orders.admin.tier_rule import APPLY_QUEUED
from orders.choices import CustomerTier
from orders.models import Customer, TierRule
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
PREVIEW = reverse("admin:orders_tierrule_preview_changes")
APPLY = reverse("admin:orders_tierrule_apply")
REASON = "tier rule: VIP when spend >= 2,000.00 in the last 365 days"


@pytest.fixture
def rule(db):
    return TierRule.objects.create(position=1, tier=CustomerTier.VIP, min_spend=Decimal("2000"), window_days=365)


@pytest.fixture
def movers(rule):
    ann = CustomerFactory(first_name="Ann", email="ann@example.com")
    OrderFactory(customer=ann, placed_at=timezone.now() - timedelta(days=3), placed_total=Decimal("2100.00"))
    bob = CustomerFactory(first_name="Bob", email="bob@example.com", tier=CustomerTier.GOLD)
    pinned = CustomerFactory(first_name="Pia", tier=CustomerTier.GOLD, tier_pinned=True)
    return {"ann": ann, "bob": bob, "pinned": pinned}


def test_smoke_pages(boss_client, rule):
    assert boss_client.get(changelist_url(TierRule)).status_code == 200
    assert boss_client.get(reverse("admin:orders_tierrule_add")).status_code == 200
    assert boss_client.get(change_url(rule)).status_code == 200
    assert boss_client.get(reverse("admin:orders_tierrule_history", args=[rule.pk])).status_code == 200
    assert PREVIEW in boss_client.get(changelist_url(TierRule)).content.decode()


def test_a_rule_without_a_threshold_is_refused(boss_client):
    response = boss_client.post(
        reverse("admin:orders_tierrule_add"), {"position": 1, "tier": "gold", "window_days": 90}
    )
    assert response.status_code == 200 and "needs something to measure" in response.content.decode()
    response = boss_client.post(
        reverse("admin:orders_tierrule_add"), {"position": 1, "tier": "gold", "min_orders": 3, "window_days": 90}
    )
    assert response.status_code == 302
    assert str(TierRule.objects.get()) == "Gold when orders >= 3 in the last 90 days"


def test_the_preview_shows_who_moves_and_writes_nothing(boss_client, movers):
    page = boss_client.get(PREVIEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 customers would move: 1 up, 1 down." in html
    assert escape(REASON) in html and "tier rule: no rule met" in html
    assert [c.pk for c in page.context["preview"].sample] == [movers["ann"].pk, movers["bob"].pk]
    assert dict(Customer.objects.values_list("first_name", "tier")) == {"Ann": "regular", "Bob": "gold", "Pia": "gold"}


def test_applying_moves_them_through_the_service(boss_client, movers, superuser):
    response = boss_client.post(APPLY, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [str(APPLY_QUEUED)]  # queued for a worker; the test run's backend runs it at once
    assert dict(Customer.objects.values_list("first_name", "tier")) == {"Ann": "vip", "Bob": "regular", "Pia": "gold"}
    latest = movers["ann"].history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, REASON)


def test_a_viewer_previews_but_cannot_apply(admin_client_as, movers):
    # A clerk: changes customers, only views the rules.
    client = admin_client_as(user_with_perms("viewer", "orders.view_tierrule", "orders.change_customer"))
    assert client.get(PREVIEW).status_code == 200
    assert "Apply these changes" not in client.get(PREVIEW).content.decode()
    assert client.post(APPLY).status_code == 403
    assert client.get(APPLY).status_code == 405
    assert Customer.objects.get(pk=movers["ann"].pk).tier == "regular"
