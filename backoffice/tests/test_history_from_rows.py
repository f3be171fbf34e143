"""record_history_from_rows (PostgreSQL's INSERT ... SELECT) writes what record_bulk_history writes."""

import pytest

from backoffice.db import capabilities
from backoffice.history import record_bulk_history, record_history_from_rows
from inventory.models import Product
from inventory.tests.factories import ProductFactory, TagFactory

pytestmark = pytest.mark.django_db

SKIP = {"history_id", "history_date"}


def _history(product):
    rows = []
    for record in product.history.order_by("history_id"):
        values = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields if f.attname not in SKIP}
        values["tags"] = sorted(link.tag_id for link in record.tags.all())
        rows.append(values)
    return rows


def test_the_same_history_rows_and_tag_snapshots_as_the_python_path(staff_user):
    summer, basics = TagFactory(name="summer"), TagFactory(name="basics")
    first = ProductFactory(sku="ROW-1", price="12.50", tags=[summer, basics])
    second = ProductFactory(sku="ROW-2", price=None, tags=[])
    products = list(Product.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    before = {p.pk: p.history.count() for p in products}

    record_bulk_history(Product, products, user=staff_user, reason="by python")
    assert record_history_from_rows(Product, products, user=staff_user, reason="by python") == 2

    for product in products:
        python_row, database_row = _history(product)[before[product.pk] :]
        assert database_row == python_row
        assert (database_row["history_user_id"], database_row["history_change_reason"]) == (staff_user.pk, "by python")
        assert database_row["history_type"] == "~"
    assert _history(first)[-1]["tags"] == sorted([summer.pk, basics.pk])
    assert _history(second)[-1]["tags"] == []


def test_nothing_to_record():
    assert record_history_from_rows(Product, [], user=None, reason="none") == 0


def test_it_is_the_database_path_on_postgresql(staff_user, django_assert_num_queries):
    products = [ProductFactory(sku=f"ROW-{i}", tags=[TagFactory()]) for i in range(3, 8)]
    if not capabilities().arrays:
        pytest.skip("elsewhere it is record_bulk_history")
    with django_assert_num_queries(2):  # the history rows, then the tag snapshots: whatever the count
        record_history_from_rows(Product, products, user=staff_user, reason="five")
    assert Product.history.filter(history_change_reason="five").count() == 5
