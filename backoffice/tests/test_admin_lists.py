"""Changelist pages read only the columns they show; everything else keeps whole rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.tests.admin_support import change_url, changelist_url
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _q(table, column):
    return f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(column)}"


def _rows_query(captured, table):
    queries = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f"SELECT {_q(table, 'id')}")]
    assert len(queries) == 1, queries
    return queries[0]


@pytest.mark.parametrize(
    ("model", "factory", "shown", "unread"),
    [
        (
            Product,
            ProductFactory,
            [("inventory_product", "sku"), ("inventory_category", "name")],
            ["description", "cost"],
        ),
        (Order, OrderFactory, [("orders_order", "number"), ("orders_customer", "email")], ["shipping_line1", "notes"]),
    ],
)
def test_a_list_page_reads_only_its_columns(boss_client, model, factory, shown, unread):
    factory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        assert boss_client.get(changelist_url(model)).status_code == 200
    sql = _rows_query(captured, model._meta.db_table)
    assert all(_q(table, column) in sql for table, column in shown)
    assert not any(connection.ops.quote_name(column) in sql for column in unread)


def test_the_change_form_reads_whole_rows(boss_client):
    product = ProductFactory(description="Thick wool.")
    with CaptureQueriesContext(connection) as captured:
        response = boss_client.get(change_url(product))
    assert "Thick wool." in response.content.decode()
    assert any(_q("inventory_product", "description") in q["sql"] for q in captured.captured_queries)
