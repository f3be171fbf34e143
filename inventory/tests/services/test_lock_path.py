"""One locking path for products: every lock a service takes is in ascending pk order, at one strength.

Each test captures every statement a service sends and checks each one that locks products: it
orders by the primary key ascending right before its ``FOR ... UPDATE``, and across statements a
transaction never asks for a product below one it already holds (batches ascend). The strength
is ``FOR NO KEY UPDATE`` where the database has it (``FOR UPDATE`` when deleting, and on MariaDB).
Runs where the database takes row locks (PostgreSQL, MariaDB); SQLite takes none.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.db import capabilities
from inventory import services
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product
from inventory.tests.factories import ProductFactory, TagFactory
from orders.choices import OrderStatus
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Q = r"[\"`]?"  # PostgreSQL quotes names with ", MariaDB with `
PRODUCT_ID = rf"{Q}inventory_product{Q}\.{Q}id{Q}"
LOCK = re.compile(r"FOR (NO KEY )?UPDATE")
LOCKED_IDS = re.compile(rf"FROM {Q}inventory_product{Q} WHERE {PRODUCT_ID} IN \(([\d, ]+)\)")
ASCENDING_LOCK = re.compile(rf"ORDER BY {PRODUCT_ID} ASC FOR (NO KEY )?UPDATE")


@pytest.fixture(autouse=True)
def _row_locks_only():
    if not capabilities().row_locks:
        pytest.skip("SQLite takes no row locks (it serialises writers)")


def product_locks(queries):
    """``[(ids locked, strength)]`` of every statement that locks products, in the order sent."""
    locks = []
    for query in queries:
        sql = query["sql"]
        if not LOCK.search(sql) or "inventory_product" not in sql:
            continue
        assert LOCKED_IDS.search(sql), f"a product lock that is not services.products_to_lock: {sql}"
        assert ASCENDING_LOCK.search(sql), f"a product lock not in ascending pk order: {sql}"
        ids = [int(pk) for pk in LOCKED_IDS.search(sql).group(1).split(",")]
        locks.append((ids, LOCK.search(sql).group(0)))
    return locks


def assert_one_lock_path(queries, *, strength=None):
    """Every product lock ascends, never below a product already held, all at ``strength``."""
    strength = strength or ("FOR NO KEY UPDATE" if capabilities().no_key_update else "FOR UPDATE")
    locks = product_locks(queries)
    assert locks, "the service locked no products"
    held = set()
    for ids, used in locks:
        assert used == strength
        new = set(ids) - held
        assert not held or not new or min(new) > max(held), f"{sorted(new)} locked after {sorted(held)}"
        held |= new
    return locks


def captured(run):
    with CaptureQueriesContext(connection) as queries:
        run()
    return queries.captured_queries


@pytest.fixture
def products():
    tag = TagFactory(name="summer")
    return [ProductFactory(sku=f"LOCK-{i}", stock=20, tags=[tag]) for i in range(5)]


@pytest.mark.parametrize("change", [services.publish_products, services.unpublish_products, services.archive_products])
def test_bulk_status_changes_lock_in_ascending_batches(products, staff_user, monkeypatch, change):
    Product.objects.filter(pk__in=[p.pk for p in products[::2]]).update(status=ProductStatus.DRAFT)
    monkeypatch.setattr(services, "BULK_BATCH", 2)  # three batches of the five products
    queries = captured(lambda: change(products=Product.objects.order_by("-pk"), user=staff_user))
    locks = assert_one_lock_path(queries)
    assert [ids for ids, _ in locks] == [sorted(ids) for ids, _ in locks]
    assert sorted(pk for ids, _ in locks for pk in ids) == sorted(p.pk for p in products)


def test_placing_an_order_locks_its_products_in_ascending_order(products, staff_user):
    lines = [(product, 1) for product in reversed(products)]  # the lines in descending pk order
    assert_one_lock_path(captured(lambda: place_order(customer=CustomerFactory(), lines=lines, user=staff_user)))


def test_placing_and_cancelling_a_draft_lock_in_ascending_order(products, staff_user):
    draft = create_draft_order(customer=CustomerFactory(), lines=[(p, 2) for p in reversed(products)], user=staff_user)
    assert_one_lock_path(captured(lambda: transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user)))
    assert_one_lock_path(
        captured(lambda: transition_order(order=draft, to_status=OrderStatus.CANCELLED, user=staff_user))
    )


def test_stock_changes_lock_in_ascending_order(products, staff_user, monkeypatch):
    changes = dict.fromkeys(reversed(products), 1)
    assert_one_lock_path(
        captured(lambda: services.apply_stock_changes(changes=changes, reason=MovementReason.RESTOCK, user=staff_user))
    )
    monkeypatch.setattr(services, "BULK_BATCH", 2)
    locks = assert_one_lock_path(
        captured(
            lambda: services.apply_stock_changes_bulk(changes=changes, reason=MovementReason.IMPORT, user=staff_user)
        )
    )
    assert len(locks) == 3


def test_deleting_locks_in_ascending_order_for_update(products, staff_user):
    queries = captured(lambda: services.delete_products(products=list(reversed(products)), user=staff_user))
    assert_one_lock_path(queries, strength="FOR UPDATE")
    assert not Product.objects.exists()
