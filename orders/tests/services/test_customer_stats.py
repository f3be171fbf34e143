"""A customer stores its order figures (order_count, lifetime_value, last_order_at/number); the services keep them."""

import importlib
import random
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from backoffice.errors import ServiceError
from backoffice.tests.admin_support import change_url
from inventory.tests.factories import ProductFactory
from orders import services
from orders.choices import CustomerTier, OrderStatus
from orders.models import ORDER_STATS_FIELDS, Customer, Order
from orders.recount import recount_customer_stats
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _stored(customer):
    row = Customer.objects.get(pk=customer.pk)
    return (row.order_count, row.lifetime_value, row.last_order_at, row.last_order_number)


def _computed(customer):
    row = Customer.objects.with_order_stats_from_orders().get(pk=customer.pk)
    return (
        row.computed_order_count,
        row.computed_lifetime_value,
        row.computed_last_order_at,
        row.computed_last_order_number,
    )


def _placed_at(order):
    return Order.objects.get(pk=order.pk).placed_at


def _all_stored_and_computed():
    rows = Customer.objects.with_order_stats_from_orders().order_by("pk")
    stored = [(c.pk, c.order_count, c.lifetime_value, c.last_order_at, c.last_order_number) for c in rows]
    names = ("computed_order_count", "computed_lifetime_value", "computed_last_order_at", "computed_last_order_number")
    computed = [(c.pk, *(getattr(c, name) for name in names)) for c in rows]
    return stored, computed


@pytest.fixture
def pen():
    return ProductFactory(sku="PEN-1", price=Decimal("10.00"), stock=100)


@pytest.fixture
def gold():
    return CustomerFactory(tier=CustomerTier.GOLD)  # 10 %


def test_a_new_customer_has_no_orders(gold):
    assert _stored(gold) == (0, Decimal("0.00"), None, None)


def test_placing_an_order_counts_it(staff_user, gold, pen):
    order = place_order(customer=gold, lines=[(pen, 3)], user=staff_user)  # 30.00 less 10 % = 27.00
    assert _stored(gold) == (1, Decimal("27.00"), _placed_at(order), order.number)
    assert _stored(gold) == _computed(gold)


def test_two_orders_add_up_and_the_newest_is_the_last(staff_user, gold, pen):
    first = place_order(customer=gold, lines=[(pen, 1)], user=staff_user)  # 9.00
    second = place_order(customer=gold, lines=[(pen, 2)], user=staff_user)  # 18.00
    assert first.number < second.number
    assert _stored(gold) == (2, Decimal("27.00"), _placed_at(second), second.number)
    assert _stored(gold) == _computed(gold)


def test_a_draft_is_not_an_order_until_placed(staff_user, gold, pen):
    draft = create_draft_order(customer=gold, lines=[(pen, 5)], user=staff_user)
    assert _stored(gold) == (0, Decimal("0.00"), None, None) == _computed(gold)
    transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user)  # 50.00 -> 45.00
    assert _stored(gold) == (1, Decimal("45.00"), _placed_at(draft), draft.number)
    assert _stored(gold) == _computed(gold)


def test_a_customer_with_only_drafts(staff_user, gold, pen):
    create_draft_order(customer=gold, lines=[(pen, 1)], user=staff_user)
    create_draft_order(customer=gold, lines=[(pen, 2)], user=staff_user)
    recount_customer_stats()
    assert _stored(gold) == (0, Decimal("0.00"), None, None) == _computed(gold)
    assert Customer.objects.never_ordered().filter(pk=gold.pk).exists()
    assert Customer.objects.with_has_orders().get(pk=gold.pk).has_orders is False


def test_cancel_keeps_the_count_and_takes_the_value_out(staff_user, gold, pen):
    kept = place_order(customer=gold, lines=[(pen, 1)], user=staff_user)  # 9.00
    cancelled = place_order(customer=gold, lines=[(pen, 2)], user=staff_user)  # 18.00
    transition_order(order=cancelled, to_status=OrderStatus.CANCELLED, user=staff_user)
    # A cancelled order still counts as an order and stays the last one placed.
    assert _stored(gold) == (2, Decimal("9.00"), _placed_at(cancelled), cancelled.number)
    assert _stored(gold) == _computed(gold)
    assert kept.number < cancelled.number


def test_refund_takes_the_value_out_once(staff_user, gold, pen):
    order = place_order(customer=gold, lines=[(pen, 4)], user=staff_user)  # 36.00
    for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        transition_order(order=order, to_status=status, user=staff_user)
        assert _stored(gold) == (1, Decimal("36.00"), _placed_at(order), order.number)
    transition_order(order=order, to_status=OrderStatus.REFUNDED, user=staff_user)
    assert _stored(gold) == (1, Decimal("0.00"), _placed_at(order), order.number)
    with pytest.raises(ServiceError):
        transition_order(order=order, to_status=OrderStatus.REFUNDED, user=staff_user)
    assert _stored(gold) == (1, Decimal("0.00"), _placed_at(order), order.number) == _computed(gold)


def test_the_value_is_plain_zero_once_every_order_is_cancelled(staff_user, gold, pen):
    # Prices whose float sum is not exact: SQLite's arithmetic would leave -0.0 ("-0.00") behind.
    pen.price = Decimal("202.16")
    pen.save()
    orders = [place_order(customer=gold, lines=[(pen, n)], user=staff_user) for n in (1, 3)]
    for order in orders:
        transition_order(order=order, to_status=OrderStatus.CANCELLED, user=staff_user)
    value = Customer.objects.values_list("lifetime_value", flat=True).get(pk=gold.pk)
    assert str(value) == "0.00"


def test_a_failing_order_changes_nothing(staff_user, gold, pen):
    place_order(customer=gold, lines=[(pen, 1)], user=staff_user)
    before = _stored(gold)
    scarce = ProductFactory(sku="RARE-1", price=Decimal("50.00"), stock=1)
    with pytest.raises(ServiceError) as refused:
        place_order(customer=gold, lines=[(pen, 1), (scarce, 2)], user=staff_user)
    assert refused.value.code == "insufficient_stock"
    assert _stored(gold) == before == _computed(gold)
    # A failing placement of a draft neither.
    draft = create_draft_order(customer=gold, lines=[(scarce, 2)], user=staff_user)
    with pytest.raises(ServiceError):
        transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user)
    assert _stored(gold) == before


def test_an_older_placement_counted_later_does_not_replace_the_last_order(gold):
    # Two placements of one customer at once: the one with the later time may commit first.
    now = timezone.now()
    newer = SimpleNamespace(customer_id=gold.pk, placed_at=now, number="ORD-2026-000002", placed_total=Decimal("5"))
    older = SimpleNamespace(
        customer_id=gold.pk, placed_at=now - timedelta(seconds=1), number="ORD-2026-000003", placed_total=Decimal("7")
    )
    services._count_placed_order(newer)
    services._count_placed_order(older)
    assert _stored(gold) == (2, Decimal("12.00"), now, "ORD-2026-000002")
    # Same time: the higher number is the last, as the order list sorts them.
    tie = SimpleNamespace(customer_id=gold.pk, placed_at=now, number="ORD-2026-000001", placed_total=Decimal("1"))
    services._count_placed_order(tie)
    assert _stored(gold) == (3, Decimal("13.00"), now, "ORD-2026-000002")


def test_stored_equals_computed_after_a_series_of_service_calls(staff_user):
    rng = random.Random(8)
    customers = [CustomerFactory(tier=tier) for tier in CustomerTier.values] + [CustomerFactory()]
    products = [ProductFactory(price=Decimal(f"{3 + i}.{i}9"), stock=40) for i in range(4)]
    orders = []
    for _step in range(40):
        customer = rng.choice(customers)
        lines = [(product, rng.randint(1, 3)) for product in rng.sample(products, rng.randint(1, 2))]
        move = rng.random()
        try:
            if move < 0.35:
                orders.append(place_order(customer=customer, lines=lines, user=staff_user))
            elif move < 0.5:
                orders.append(create_draft_order(customer=customer, lines=lines, user=staff_user))
            elif orders:
                order = rng.choice(orders)
                order.refresh_from_db()
                if order.allowed_transitions():
                    to = rng.choice(order.allowed_transitions())
                    transition_order(order=order, to_status=to, user=staff_user)
        except ServiceError:
            pass  # out of stock: nothing written
        stored, computed = _all_stored_and_computed()
        assert stored == computed
    statuses = set(Order.objects.values_list("status", flat=True))
    assert len(statuses) >= 3  # the series moved orders around
    assert Customer.objects.filter(order_count__gt=0).count() >= 3


def _spoil_the_figures():
    Customer.objects.update(
        order_count=7, lifetime_value=Decimal("1.23"), last_order_at=timezone.now(), last_order_number="X"
    )


@pytest.fixture
def shop(staff_user, pen):
    ann, bob, cat = CustomerFactory(tier=CustomerTier.GOLD), CustomerFactory(), CustomerFactory()
    a1 = place_order(customer=ann, lines=[(pen, 2)], user=staff_user)  # 18.00
    a2 = place_order(customer=ann, lines=[(pen, 1)], user=staff_user)  # 9.00
    transition_order(order=a1, to_status=OrderStatus.CANCELLED, user=staff_user)
    b1 = place_order(customer=bob, lines=[(pen, 3)], user=staff_user)  # 30.00
    create_draft_order(customer=cat, lines=[(pen, 1)], user=staff_user)
    return {
        "ann": ann,
        "bob": bob,
        "cat": cat,
        "expected": {
            "ann": (2, Decimal("9.00"), _placed_at(a2), a2.number),
            "bob": (1, Decimal("30.00"), _placed_at(b1), b1.number),
            "cat": (0, Decimal("0.00"), None, None),
        },
    }


def test_recount_sets_every_customer_from_the_orders(shop):
    _spoil_the_figures()
    # ann and bob from their orders; cat zeroed (the staff user has a profile, no customer).
    assert recount_customer_stats() == 3
    assert {name: _stored(shop[name]) for name in ("ann", "bob", "cat")} == shop["expected"]
    stored, computed = _all_stored_and_computed()
    assert stored == computed
    assert recount_customer_stats() == 2  # again: customers without orders are zero already, not written


def test_recount_of_some_customers(shop):
    _spoil_the_figures()
    assert recount_customer_stats([shop["bob"].pk, shop["cat"].pk]) == 2
    assert _stored(shop["bob"]) == shop["expected"]["bob"]
    assert _stored(shop["cat"]) == shop["expected"]["cat"]
    assert _stored(shop["ann"])[0] == 7  # not asked for: left as it was
    assert recount_customer_stats([]) == 0


def test_the_migration_backfills_every_customer(shop):
    _spoil_the_figures()
    migration = importlib.import_module("orders.migrations.0006_customer_order_stats")
    migration.backfill_customer_stats(apps, SimpleNamespace(connection=connection))
    assert {name: _stored(shop[name]) for name in ("ann", "bob", "cat")} == shop["expected"]


def test_the_figures_are_not_in_the_history(staff_user, gold, pen):
    history_fields = {f.name for f in Customer.history.model._meta.fields}
    assert history_fields.isdisjoint(ORDER_STATS_FIELDS)
    assert "tier" in history_fields
    versions = gold.history.count()
    place_order(customer=gold, lines=[(pen, 1)], user=staff_user)
    assert gold.history.count() == versions  # an order is no change of the customer


def test_saving_a_customer_read_before_an_order_keeps_the_order_counted(staff_user, gold, pen):
    stale = Customer.objects.get(pk=gold.pk)
    order = place_order(customer=gold, lines=[(pen, 1)], user=staff_user)
    stale.phone = "+49 30 1234"
    stale.save()  # as an admin form or the API would, holding order_count 0
    assert _stored(gold) == (1, Decimal("9.00"), _placed_at(order), order.number)
    assert Customer.objects.get(pk=gold.pk).phone == "+49 30 1234"


def test_reverting_a_customer_keeps_its_order_figures(boss_client, staff_user, gold, pen):
    gold.first_name = "Ann"
    gold.save()
    first = gold.history.order_by("history_id").first()
    order = place_order(customer=gold, lines=[(pen, 2)], user=staff_user)  # 18.00
    form = {"first_name": "Anna", "last_name": gold.last_name, "email": gold.email, "tier": "gold", "notes": ""}
    form.update({"addresses-TOTAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"})  # the address book inline
    assert boss_client.post(change_url(gold), {**form, "phone": ""}).status_code == 302
    url = reverse("admin:orders_customer_simple_history", args=[gold.pk, first.history_id])
    revert = {**form, "first_name": first.first_name, "phone": ""}
    response = boss_client.post(url, {**revert, "_save": "1"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=gold.pk).first_name == first.first_name
    assert _stored(gold) == (1, Decimal("18.00"), _placed_at(order), order.number)
    # The history page (its diffs) still renders.
    assert boss_client.get(reverse("admin:orders_customer_history", args=[gold.pk])).status_code == 200
