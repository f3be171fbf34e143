"""PostgreSQL: the lists and sums over placed orders read the stored figures, never their lines."""

import json
from decimal import Decimal

import pytest
from django.db import connection

from backoffice.db import capabilities
from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier
from orders.models import Customer, Order
from orders.services import create_draft_order, place_order
from orders.tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(not capabilities().planner_estimates, reason="EXPLAIN ANALYZE's plan is PostgreSQL's"),
]


def executed_relations(sql, params=()):
    """``{table: loops}`` of every scan that ran at least once in ``EXPLAIN ANALYZE`` of ``sql``."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    loops = {}

    def walk(node):
        if "Relation Name" in node and node.get("Actual Loops", 0) > 0:
            loops[node["Relation Name"]] = loops.get(node["Relation Name"], 0) + node["Actual Loops"]
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return loops


def queryset_relations(queryset):
    sql, params = queryset.query.sql_with_params()
    return executed_relations(sql, params)


@pytest.fixture
def orders(staff_user):
    customer = CustomerFactory(tier=CustomerTier.GOLD)
    pen = ProductFactory(price=Decimal("2.00"), stock=100)
    mug = ProductFactory(price=Decimal("5.00"), stock=100)
    placed = [place_order(customer=customer, lines=[(pen, n), (mug, 1)], user=staff_user) for n in (1, 2, 3)]
    draft = create_draft_order(customer=customer, lines=[(pen, 1)], user=staff_user)
    return {"customer": customer, "placed": placed, "draft": draft}


def test_with_totals_of_placed_orders_reads_only_the_orders(orders):
    placed = Order.objects.filter(pk__in=[o.pk for o in orders["placed"]]).with_totals()
    assert sorted(placed.values_list("total", flat=True)) == [Decimal("6.30"), Decimal("8.10"), Decimal("9.90")]
    assert queryset_relations(placed.values("number", "subtotal", "total", "line_count")) == {"orders_order": 1}


def test_with_totals_of_a_draft_computes_from_its_lines(orders):
    draft = Order.objects.filter(pk=orders["draft"].pk).with_totals()
    assert draft.get().total == Decimal("1.80")
    relations = queryset_relations(draft.values("number", "subtotal", "total", "line_count"))
    assert relations.keys() == {"orders_order", "orders_orderline", "orders_customer"}


def test_the_order_list_query_reads_no_lines_for_placed_orders(orders):
    from django.db.models import F

    listed = (
        Order.objects.exclude(pk=orders["draft"].pk)
        .with_totals()
        .select_related("customer")
        .order_by(F("placed_at").desc(nulls_last=True), "-pk")[:500]
    )
    assert "orders_orderline" not in queryset_relations(listed)


def test_computed_customer_stats_read_only_orders_and_customers(orders):
    stats = Customer.objects.with_order_stats_from_orders().filter(pk=orders["customer"].pk)
    assert stats.get().computed_lifetime_value == Decimal("24.30")
    assert queryset_relations(stats).keys() == {"orders_customer", "orders_order"}


def test_the_customer_list_reads_only_customers(orders):
    # The admin's and the API's customer list: the stored figures, no order read at all.
    stats = Customer.objects.with_discount_rate().with_has_orders().filter(pk=orders["customer"].pk)
    assert (stats.get().lifetime_value, stats.get().has_orders) == (Decimal("24.30"), True)
    assert queryset_relations(stats).keys() == {"orders_customer"}


def test_the_customer_cover_index_holds_what_the_stats_read():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'order_customer_cover_idx'")
        (definition,) = cursor.fetchone()
    assert "(customer_id, placed_at DESC, number DESC) INCLUDE (status, placed_total)" in definition
