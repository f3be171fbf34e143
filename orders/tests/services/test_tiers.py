"""Rule-based tiers (orders.tiers): exact customers up and down, pinned ones kept, preview writes nothing."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, TierRule
from orders.tests.factories import CustomerFactory, OrderFactory
from orders.tiers import apply_tier_rules, preview_tier_rules, tier_history

pytestmark = pytest.mark.django_db
VIP_RULE = "tier rule: VIP when spend >= 2,000.00 in the last 365 days"
GOLD_RULE = "tier rule: Gold when orders >= 3 in the last 90 days"
NO_RULE = "tier rule: no rule met"


def _order(customer, days_ago, total, status=OrderStatus.PAID):
    return OrderFactory(
        customer=customer, status=status, placed_at=timezone.now() - timedelta(days=days_ago), placed_total=total
    )


@pytest.fixture
def rules(db):
    return [
        TierRule.objects.create(position=1, tier=CustomerTier.VIP, min_spend=Decimal("2000"), window_days=365),
        TierRule.objects.create(position=2, tier=CustomerTier.GOLD, min_orders=3, window_days=90),
        TierRule.objects.create(
            position=3, tier=CustomerTier.SILVER, min_spend=Decimal("500"), min_orders=2, window_days=365
        ),
    ]


@pytest.fixture
def shop(rules):
    people = {
        name: CustomerFactory(first_name=name, tier=tier, tier_pinned=name == "eve")
        for name, tier in [
            ("ann", CustomerTier.REGULAR),
            ("bob", CustomerTier.VIP),
            ("cat", CustomerTier.SILVER),
            ("dan", CustomerTier.GOLD),
            ("eve", CustomerTier.VIP),
            ("fay", CustomerTier.SILVER),
            ("gus", CustomerTier.REGULAR),
            ("hal", CustomerTier.REGULAR),
            ("ivy", CustomerTier.REGULAR),
        ]
    }
    _order(people["ann"], 100, Decimal("2500.00"))  # VIP: 2,500 within 365 days
    _order(people["bob"], 400, Decimal("2500.00"))  # outside every window: back to regular
    for days in (5, 10, 20):
        _order(people["cat"], days, Decimal("10.00"))  # 3 orders in 90 days: gold
    _order(people["dan"], 30, Decimal("600.00"))  # silver needs 2 orders; the cancelled one does not count
    _order(people["dan"], 20, Decimal("100.00"), status=OrderStatus.CANCELLED)
    _order(people["fay"], 50, Decimal("300.00"))  # 600 over 2 orders: stays silver
    _order(people["fay"], 60, Decimal("300.00"))
    for days in (1, 2, 3):
        _order(people["hal"], days, Decimal("1000.00"))  # meets VIP and gold: the first rule wins
    _order(people["gus"], 10, Decimal("50.00"), status=OrderStatus.DRAFT)  # a draft is no order
    for days in (100, 120, 150):
        _order(people["ivy"], days, Decimal("10.00"))  # 3 orders, but not within gold's 90 days
    return people


def _tiers():
    return {c.first_name: c.tier for c in Customer.objects.all()}


def test_the_preview_names_who_moves_up_and_down_and_writes_nothing(shop, rules):
    before = _tiers()
    with CaptureQueriesContext(connection) as queries:
        preview = preview_tier_rules()
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert _tiers() == before
    assert (preview.total, preview.up, preview.down) == (5, 3, 2)
    moves = {(m.from_tier, m.to_tier, m.reason): m.count for m in preview.moves}
    assert moves == {
        ("regular", "vip", VIP_RULE): 2,
        ("silver", "gold", GOLD_RULE): 1,
        ("vip", "regular", NO_RULE): 1,
        ("gold", "regular", NO_RULE): 1,
    }
    sample = {c.first_name: (c.target_tier, c.direction) for c in preview.sample}
    assert sample == {
        "ann": ("vip", "up"),
        "bob": ("regular", "down"),
        "cat": ("gold", "up"),
        "dan": ("regular", "down"),
        "hal": ("vip", "up"),
    }
    assert len(queries) == 3  # rules, moves grouped, the first movers


def test_applying_moves_exactly_those_customers_with_the_rule_as_reason(shop, staff_user):
    run = apply_tier_rules(user=staff_user)
    assert run.moved == {VIP_RULE: 2, GOLD_RULE: 1, NO_RULE: 2}
    assert _tiers() == {
        "ann": "vip",
        "bob": "regular",
        "cat": "gold",
        "dan": "regular",
        "eve": "vip",  # pinned: no orders, but never moved
        "fay": "silver",
        "gus": "regular",
        "hal": "vip",
        "ivy": "regular",
    }
    latest = shop["ann"].history.order_by("-history_id").first()
    assert (latest.tier, latest.history_user, latest.history_change_reason) == ("vip", staff_user, VIP_RULE)
    assert shop["dan"].history.order_by("-history_id").first().history_change_reason == NO_RULE
    assert shop["fay"].history.count() == 1  # unchanged: no history row
    assert apply_tier_rules().total == 0  # a second run finds nothing to do


def test_the_tier_history_shows_each_change_with_who_and_why(shop, staff_user):
    apply_tier_rules(user=staff_user)
    rows = [(r.previous_tier, r.tier, r.history_user, r.history_change_reason) for r in tier_history(shop["dan"])]
    assert rows == [("gold", "regular", staff_user, NO_RULE), (None, "gold", None, None)]


def test_a_dry_run_counts_and_writes_nothing(shop):
    before = _tiers()
    run = apply_tier_rules(dry_run=True)
    assert (run.total, run.dry_run) == (5, True)
    assert _tiers() == before


def test_without_active_rules_nothing_moves(shop, rules):
    TierRule.objects.update(active=False)
    assert preview_tier_rules().total == 0
    assert apply_tier_rules().total == 0
    assert _tiers()["bob"] == "vip"


def test_an_inactive_rule_is_skipped(shop, rules):
    rules[1].active = False
    rules[1].save()
    assert _tiers()["cat"] == "silver"
    apply_tier_rules()
    assert _tiers()["cat"] == "regular"  # 30.00 over 3 orders meets no other rule


def _apply_queries():
    with CaptureQueriesContext(connection) as queries:
        apply_tier_rules()
    return len(queries)


def test_applying_is_set_based_not_one_query_per_customer(rules):
    def movers(n):
        for customer in CustomerFactory.create_batch(n):
            _order(customer, 10, Decimal("2500.00"))
        CustomerFactory.create_batch(n, tier=CustomerTier.GOLD)  # no orders: down to regular

    movers(2)
    small = _apply_queries()
    movers(40)
    large = _apply_queries()
    assert Customer.objects.filter(tier=CustomerTier.VIP).count() == 42
    assert small == large


def test_the_command_runs_the_rules(shop):
    out = StringIO()
    call_command("apply_tier_rules", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == "5 customers would move."
    assert _tiers()["ann"] == "regular"
    call_command("apply_tier_rules", stdout=out)
    assert out.getvalue().splitlines()[-1] == "5 customers moved."
    assert _tiers()["ann"] == "vip"


def test_the_daily_scheduled_task_applies_the_rules(shop, settings):
    from orders.tasks import apply_tier_rules_daily

    assert settings.JOB_SCHEDULE["tier-rules"] == {"task": "orders.tasks.apply_tier_rules_daily", "every": 24 * 3600}
    result = apply_tier_rules_daily.call()
    assert result == {"moved": 5, "by_reason": {VIP_RULE: 2, GOLD_RULE: 1, NO_RULE: 2}, "dry_run": False}
    assert _tiers()["cat"] == "gold"
    assert shop["ann"].history.order_by("-history_id").first().history_change_reason == VIP_RULE
