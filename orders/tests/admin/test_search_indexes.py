"""The order list's index and the trigram indexes behind order and customer search (PostgreSQL)."""

import pytest
from django.db import connection

from backoffice.db import capabilities
from orders.models import Order
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(not capabilities().trigram, reason="pg_trgm and INCLUDE are PostgreSQL's"),
]


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def test_indexes_exist():
    orders = _indexes("orders_order")
    customers = _indexes("orders_customer")
    lines = _indexes("orders_orderline")
    assert "gin_trgm_ops" in orders["orders_order_number_trgm"]
    for column in ("email", "last_name", "first_name", "phone"):
        assert "gin_trgm_ops" in customers[f"orders_customer_{column}_trgm"]
    assert "placed_at DESC NULLS LAST, id DESC" in orders["order_placed_id_idx"]
    assert "INCLUDE (order_id, quantity)" in lines["orderline_product_cover_idx"]


def _plan(queryset):
    with connection.cursor() as cursor:
        for table in ("orders_order", "orders_customer", "orders_orderline"):
            cursor.execute(f"ANALYZE {table}")
        # Tiny tables are scanned whole; forbid that to see which index the planner can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_order_list_is_an_index_scan():
    OrderFactory.create_batch(3)
    plan = _plan(Order.objects.all()[:25])
    assert "order_placed_id_idx" in plan
    assert "Sort" not in plan


def test_order_search_uses_the_trigram_indexes():
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    customer = CustomerFactory(email="zed@example.com", last_name="Zimmer")
    OrderFactory(customer=customer)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")  # no plain btree walks either
    queryset, _duplicates = site.get_model_admin(Order).get_search_results(
        RequestFactory().get("/"), Order.objects.all(), "zimm"
    )
    plan = _plan(queryset)
    assert "orders_order_number_trgm" in plan
    assert "orders_customer_last_name_trgm" in plan and "orders_customer_email_trgm" in plan
    assert list(queryset) == list(Order.objects.filter(customer=customer))
