"""An order stores its subtotal, total and line count when it is placed; with_totals() reads them."""

import importlib
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from inventory.tests.factories import ProductFactory
from orders import reports
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order, OrderLine
from orders.pricing import order_totals
from orders.recount import recount_order_totals
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

STORED = ("placed_subtotal", "placed_total", "placed_line_count")


def _stored(order):
    return tuple(getattr(Order.objects.get(pk=order.pk), name) for name in STORED)


def _computed_from_lines(order):
    """The figures as with_totals() computed them before they were stored, in Python."""
    order = Order.objects.select_related("customer").get(pk=order.pk)
    rate = order.discount_rate
    if rate is None:
        rate = {"regular": "0", "silver": "0.05", "gold": "0.10", "vip": "0.15"}[order.customer.tier]
    return order_totals(order.lines.values_list("quantity", "unit_price"), Decimal(rate))


def test_place_order_stores_subtotal_total_and_line_count(staff_user):
    customer = CustomerFactory(tier=CustomerTier.SILVER)
    tee = ProductFactory(price=Decimal("19.99"))
    cap = ProductFactory(price=Decimal("3.33"))
    order = place_order(customer=customer, lines=[(tee, 2), (cap, 3)], user=staff_user)
    # 39.98 + 9.99 = 49.97, less 5 % = 47.4715 -> 47.47
    expected = (Decimal("49.97"), Decimal("47.47"), 2)
    assert (order.placed_subtotal, order.placed_total, order.placed_line_count) == expected
    assert _stored(order) == expected
    # Saved with the placement: its one history row has them, with user and reason.
    placed = order.history.get()
    assert (placed.placed_subtotal, placed.placed_total, placed.placed_line_count) == expected
    assert (placed.history_user, placed.history_change_reason) == (staff_user, "placed")
    totals = Order.objects.with_totals().get(pk=order.pk)
    assert (totals.subtotal, totals.total, totals.line_count, totals.effective_discount_rate) == (
        *expected,
        Decimal("0.05"),
    )


@pytest.mark.parametrize(
    ("tier", "total"),
    [
        (CustomerTier.REGULAR, Decimal("33.33")),
        (CustomerTier.SILVER, Decimal("31.66")),  # 31.6635
        (CustomerTier.GOLD, Decimal("30.00")),  # 29.997
        (CustomerTier.VIP, Decimal("28.33")),  # 28.3305
    ],
)
def test_stored_total_by_tier(staff_user, tier, total):
    order = place_order(
        customer=CustomerFactory(tier=tier), lines=[(ProductFactory(price=Decimal("33.33")), 1)], user=staff_user
    )
    assert _stored(order) == (Decimal("33.33"), total, 1)


@pytest.mark.parametrize(
    ("price", "quantity", "tier", "total"),
    [
        (Decimal("10.10"), 1, CustomerTier.SILVER, Decimal("9.60")),  # 9.595: half a cent rounds up
        (Decimal("0.30"), 1, CustomerTier.VIP, Decimal("0.26")),  # 0.255
        (Decimal("0.05"), 1, CustomerTier.SILVER, Decimal("0.05")),  # 0.0475
        (Decimal("0.01"), 3, CustomerTier.GOLD, Decimal("0.03")),  # 0.027
    ],
)
def test_stored_total_rounds_as_with_totals_does_for_a_draft(staff_user, price, quantity, tier, total):
    """The same lines as a draft (computed in SQL) and placed (stored from Python): one figure."""
    customer = CustomerFactory(tier=tier)
    product = ProductFactory(price=price, stock=20)
    draft = create_draft_order(customer=customer, lines=[(product, quantity)], user=staff_user)
    assert _stored(draft) == (None, None, None)
    assert Order.objects.with_totals().get(pk=draft.pk).total == total
    placed = place_order(customer=customer, lines=[(product, quantity)], user=staff_user)
    assert _stored(placed)[1] == total
    assert Order.objects.with_totals().get(pk=placed.pk).total == total


def test_placing_a_draft_fixes_prices_and_stores_totals(staff_user):
    customer = CustomerFactory(tier=CustomerTier.REGULAR)
    mug = ProductFactory(price=Decimal("10.00"), stock=5)
    draft = create_draft_order(customer=customer, lines=[(mug, 3)], user=staff_user)
    shown = Order.objects.with_totals().get(pk=draft.pk)
    assert (shown.subtotal, shown.total, shown.line_count) == (Decimal("30.00"), Decimal("30.00"), 1)

    # Until it is placed a draft follows today's prices (its lines) and its customer's tier.
    mug.price = Decimal("12.50")
    mug.save()
    customer.tier = CustomerTier.GOLD
    customer.save()
    shown = Order.objects.with_totals().get(pk=draft.pk)
    assert (shown.subtotal, shown.effective_discount_rate, shown.total) == (
        Decimal("30.00"),  # the line still has the price it was drafted at
        Decimal("0.10"),
        Decimal("27.00"),
    )

    placed = transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user, reason="customer paid")
    expected = (Decimal("37.50"), Decimal("33.75"), 1)  # 3 x 12.50, less 10 %
    assert (placed.placed_subtotal, placed.placed_total, placed.placed_line_count) == expected
    assert (draft.placed_subtotal, draft.placed_total, draft.placed_line_count) == expected  # caller's instance
    assert _stored(draft) == expected
    latest = draft.history.latest()
    assert (latest.status, latest.placed_total, latest.history_change_reason) == (
        "placed",
        Decimal("33.75"),
        "customer paid",
    )
    assert draft.history.earliest().placed_total is None  # the draft had none

    # Placed: prices and rate no longer move the order's figures.
    mug.price = Decimal("99.00")
    mug.save()
    customer.tier = CustomerTier.REGULAR
    customer.save()
    shown = Order.objects.with_totals().get(pk=draft.pk)
    assert (shown.subtotal, shown.effective_discount_rate, shown.total, shown.line_count) == (
        Decimal("37.50"),
        Decimal("0.10"),
        Decimal("33.75"),
        1,
    )


def test_cancel_and_refund_keep_the_stored_totals_and_revenue_leaves_them_out(staff_user):
    customer = CustomerFactory(tier=CustomerTier.GOLD)
    pen = ProductFactory(price=Decimal("10.00"), stock=50)
    kept = place_order(customer=customer, lines=[(pen, 1)], user=staff_user)  # 9.00
    cancelled = place_order(customer=customer, lines=[(pen, 2)], user=staff_user)  # 18.00
    refunded = place_order(customer=customer, lines=[(pen, 4)], user=staff_user)  # 36.00
    transition_order(order=cancelled, to_status=OrderStatus.CANCELLED, user=staff_user)
    transition_order(order=refunded, to_status=OrderStatus.PAID, user=staff_user)
    transition_order(order=refunded, to_status=OrderStatus.REFUNDED, user=staff_user)

    assert _stored(kept) == (Decimal("10.00"), Decimal("9.00"), 1)
    assert _stored(cancelled) == (Decimal("20.00"), Decimal("18.00"), 1)
    assert _stored(refunded) == (Decimal("40.00"), Decimal("36.00"), 1)
    totals = dict(Order.objects.with_totals().values_list("number", "total"))
    assert totals == {
        kept.number: Decimal("9.00"),
        cancelled.number: Decimal("18.00"),
        refunded.number: Decimal("36.00"),
    }

    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    assert reports.revenue_between(start, end) == Decimal("9.00")
    assert reports.average_order_value(start, end) == Decimal("9.00")
    stats = Customer.objects.with_order_stats_from_orders().get(pk=customer.pk)
    assert (stats.order_count, stats.lifetime_value, stats.last_order_number) == (3, Decimal("9.00"), refunded.number)
    assert (stats.computed_order_count, stats.computed_lifetime_value, stats.computed_last_order_number) == (
        3,
        Decimal("9.00"),
        refunded.number,
    )


def test_customer_stats_sum_the_stored_totals(staff_user):
    ann = CustomerFactory(tier=CustomerTier.VIP)
    bob = CustomerFactory()
    pen = ProductFactory(price=Decimal("3.33"), stock=100)
    first = place_order(customer=ann, lines=[(pen, 3)], user=staff_user)  # 9.99 less 15 % = 8.4915 -> 8.49
    second = place_order(customer=ann, lines=[(pen, 7)], user=staff_user)  # 23.31 -> 19.8135 -> 19.81
    create_draft_order(customer=ann, lines=[(pen, 50)], user=staff_user)  # never counts
    Order.objects.filter(pk=first.pk).update(placed_at=timezone.now() - timedelta(days=3))
    stats = {c.pk: c for c in Customer.objects.with_order_stats_from_orders()}
    assert (stats[ann.pk].computed_order_count, stats[ann.pk].computed_lifetime_value) == (2, Decimal("28.30"))
    assert (stats[ann.pk].computed_last_order_number, stats[ann.pk].computed_last_order_at) == (
        second.number,
        Order.objects.get(pk=second.pk).placed_at,
    )
    bob_figures = (stats[bob.pk].computed_order_count, stats[bob.pk].computed_lifetime_value)
    assert (*bob_figures, stats[bob.pk].computed_last_order_at) == (0, Decimal("0.00"), None)
    # The stored figure is what is summed: the lines are not read again.
    Order.objects.filter(pk=second.pk).update(placed_total=Decimal("1.00"))
    assert Customer.objects.with_order_stats_from_orders().get(pk=ann.pk).computed_lifetime_value == Decimal("9.49")


def test_with_totals_reads_the_stored_figures_of_placed_orders_and_the_lines_of_drafts(staff_user):
    customer = CustomerFactory(tier=CustomerTier.SILVER)
    pen = ProductFactory(price=Decimal("2.50"), stock=100)
    placed = place_order(customer=customer, lines=[(pen, 4)], user=staff_user)
    draft = create_draft_order(customer=customer, lines=[(pen, 4)], user=staff_user)
    for order in (placed, draft):
        row = Order.objects.with_totals().get(pk=order.pk)
        assert (
            (row.subtotal, row.total, row.line_count)
            == _computed_from_lines(order)
            == (
                Decimal("10.00"),
                Decimal("9.50"),
                1,
            )
        )
    # A line written behind the services' back: only the draft's figures follow it.
    OrderLine.objects.filter(order__in=[placed, draft]).update(quantity=8)
    rows = {o.pk: (o.subtotal, o.total, o.line_count) for o in Order.objects.with_totals()}
    assert rows[placed.pk] == (Decimal("10.00"), Decimal("9.50"), 1)
    assert rows[draft.pk] == (Decimal("20.00"), Decimal("19.00"), 1)


def test_with_totals_computes_a_placed_row_loaded_without_them():
    """Rows loaded in bulk (COPY, old fixtures) before a recount: computed from the lines, as before."""
    order = OrderFactory(discount_rate=Decimal("0.10"))
    OrderLine.objects.bulk_create(
        [OrderLine(order=order, product=ProductFactory(), quantity=3, unit_price=Decimal("3.33"))]
    )
    assert _stored(order) == (None, None, None)
    row = Order.objects.with_totals().get(pk=order.pk)
    assert (row.subtotal, row.total, row.line_count) == (Decimal("9.99"), Decimal("8.99"), 1)  # 8.991


def _shop_loaded_in_bulk():
    """Orders of every status with lines, their stored figures wiped as a COPY would leave them."""
    gold = CustomerFactory(tier=CustomerTier.GOLD)
    vip = CustomerFactory(tier=CustomerTier.VIP)
    orders = {
        "kept_rate": OrderFactory(customer=gold, discount_rate=Decimal("0.05")),  # rate kept at placement
        "no_rate": OrderFactory(customer=vip, discount_rate=None),  # falls back to the tier's
        "cancelled": OrderFactory(customer=gold, status=OrderStatus.CANCELLED, discount_rate=Decimal("0.10")),
        "draft": OrderFactory(customer=gold, status=OrderStatus.DRAFT, placed_at=None),
        "empty": OrderFactory(customer=vip, discount_rate=Decimal("0.15")),
    }
    for key, lines in {
        "kept_rate": [(3, "3.33"), (1, "10.10")],
        "no_rate": [(2, "0.30")],
        "cancelled": [(1, "99.99")],
        "draft": [(5, "1.00")],
    }.items():
        for quantity, price in lines:
            OrderLineFactory(order=orders[key], quantity=quantity, unit_price=Decimal(price))
    Order.objects.update(placed_subtotal=None, placed_total=None, placed_line_count=None)
    return orders


EXPECTED_AFTER_RECOUNT = {
    "kept_rate": (Decimal("20.09"), Decimal("19.09"), 2),  # 20.09 less 5 % = 19.0855
    "no_rate": (Decimal("0.60"), Decimal("0.51"), 1),  # vip 15 %: 0.51
    "cancelled": (Decimal("99.99"), Decimal("89.99"), 1),  # 89.991
    "draft": (None, None, None),  # drafts keep NULL
    "empty": (Decimal("0.00"), Decimal("0.00"), 0),
}


def test_recount_order_totals_sets_what_with_totals_computed_from_the_lines():
    orders = _shop_loaded_in_bulk()
    before = {o.pk: (o.subtotal, o.total, o.line_count) for o in Order.objects.with_totals()}
    assert recount_order_totals() == 4
    assert {key: _stored(order) for key, order in orders.items()} == EXPECTED_AFTER_RECOUNT
    after = {o.pk: (o.subtotal, o.total, o.line_count) for o in Order.objects.with_totals()}
    assert after == before  # the same figures, now read from the orders' own rows
    assert recount_order_totals() == 3  # again: the same (the empty order is already counted)
    assert {key: _stored(order) for key, order in orders.items()} == EXPECTED_AFTER_RECOUNT


def test_recount_order_totals_of_some_orders():
    orders = _shop_loaded_in_bulk()
    assert recount_order_totals([orders["no_rate"].pk, orders["draft"].pk]) == 1
    assert _stored(orders["no_rate"]) == EXPECTED_AFTER_RECOUNT["no_rate"]
    assert _stored(orders["kept_rate"]) == _stored(orders["draft"]) == (None, None, None)
    assert recount_order_totals([]) == 0


def test_the_migration_backfills_placed_orders():
    orders = _shop_loaded_in_bulk()
    migration = importlib.import_module("orders.migrations.0005_order_placed_totals")
    migration.backfill_placed_totals(apps, SimpleNamespace(connection=connection))
    assert {key: _stored(order) for key, order in orders.items()} == EXPECTED_AFTER_RECOUNT
