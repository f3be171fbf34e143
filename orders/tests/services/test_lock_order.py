"""Where the products are locked while placing an order depends on what the database can do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.db import capabilities
from inventory.tests.factories import ProductFactory
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def first_index(queries, predicate):
    return next(i for i, q in enumerate(queries) if predicate(q["sql"].upper()))


@pytest.fixture(autouse=True)
def _postgres_only():
    if not capabilities().no_key_update:
        pytest.skip("SQLite takes no row locks; the statement order is checked on PostgreSQL")


@pytest.mark.parametrize("no_key_update", [True, False])
def test_products_are_locked_before_lines_only_without_no_key_update(staff_user, monkeypatch, no_key_update):
    # MariaDB has no FOR NO KEY UPDATE: there a line's insert takes a shared lock on its product,
    # so two orders of one product would deadlock upgrading it; the lock must come first.
    monkeypatch.setattr(connection.features, "has_select_for_no_key_update", no_key_update)
    product = ProductFactory(stock=5)
    with CaptureQueriesContext(connection) as captured:
        place_order(customer=CustomerFactory(), lines=[(product, 1)], user=staff_user)
    queries = captured.captured_queries
    first_lock = first_index(queries, lambda sql: "FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql)
    first_line = first_index(queries, lambda sql: sql.startswith('INSERT INTO "ORDERS_ORDERLINE"'))
    assert (first_lock < first_line) is (not no_key_update)
