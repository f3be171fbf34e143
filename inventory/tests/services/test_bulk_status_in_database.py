"""Bulk status changes on PostgreSQL: one statement per batch, the same rows and history as the Python path."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from backoffice.bulk import BulkResult
from backoffice.db import capabilities
from inventory import services
from inventory.choices import ProductStatus
from inventory.models import Product
from inventory.tests.factories import ProductFactory, TagFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not capabilities().arrays, reason="the single statement is PostgreSQL's"),
]
EARLIER = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RULES = {
    ProductStatus.PUBLISHED: {ProductStatus.PUBLISHED: services.SKIP_ALREADY_PUBLISHED},
    ProductStatus.DRAFT: {
        ProductStatus.DRAFT: services.SKIP_ALREADY_DRAFT,
        ProductStatus.ARCHIVED: services.SKIP_ARCHIVED,
    },
    ProductStatus.ARCHIVED: {ProductStatus.ARCHIVED: services.SKIP_ALREADY_ARCHIVED},
}


@pytest.fixture
def catalogue():
    summer, basics = TagFactory(name="summer"), TagFactory(name="basics")
    ProductFactory(sku="DRAFT-1", status=ProductStatus.DRAFT, tags=[summer, basics])
    ProductFactory(sku="DRAFT-2", status=ProductStatus.DRAFT, tags=[])
    ProductFactory(sku="LIVE-1", status=ProductStatus.PUBLISHED, tags=[summer])
    ProductFactory(sku="OLD-1", status=ProductStatus.ARCHIVED, tags=[basics])
    Product.objects.filter(sku__in=["LIVE-1", "OLD-1"]).update(published_at=EARLIER)
    Product.objects.filter(sku="DRAFT-2").update(published_at=EARLIER)  # published once, unpublished since


class _Undo(Exception):
    pass


def outcome(set_status, to_status, user):
    """What one path does to the catalogue (products, history with tag snapshots, result); then undone."""
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    result = BulkResult()
    try:
        with transaction.atomic():
            set_status(
                ids, result, user=user, reason="by test", to_status=to_status, now=NOW, skip_rules=RULES[to_status]
            )
            products = list(Product.objects.order_by("sku").values("sku", "status", "published_at", "updated_at"))
            history = []
            for record in Product.history.filter(history_change_reason="by test").order_by("history_id"):
                values = {
                    f.attname: getattr(record, f.attname)
                    for f in record._meta.concrete_fields
                    if f.attname not in {"history_id", "history_date"}
                }
                values["tags"] = sorted(link.tag.name for link in record.tags.all())
                history.append(values)
            raise _Undo
    except _Undo:
        pass
    skipped = {str(why): [p.sku for p in items] for why, items in result.skipped.items()}
    return products, history, result.changed, skipped


@pytest.mark.parametrize("to_status", [ProductStatus.PUBLISHED, ProductStatus.DRAFT, ProductStatus.ARCHIVED])
def test_the_same_products_history_and_skips_as_the_python_path(catalogue, staff_user, to_status):
    in_database = outcome(services._set_status_in_database, to_status, staff_user)
    in_python = outcome(services._set_status_in_python, to_status, staff_user)
    assert in_database == in_python
    products, history, changed, skipped = in_database
    assert changed == len(history) > 0
    assert all(
        (h["history_type"], h["history_user_id"], h["status"]) == ("~", staff_user.pk, to_status) for h in history
    )
    if to_status == ProductStatus.PUBLISHED:
        # A first publication is dated now; a product published before keeps its date.
        assert {p["sku"]: p["published_at"] for p in products} == {
            "DRAFT-1": NOW,
            "DRAFT-2": EARLIER,
            "LIVE-1": EARLIER,
            "OLD-1": EARLIER,
        }
        assert [h["tags"] for h in history] == [["basics", "summer"], [], ["basics"]]
        assert skipped == {"already published": ["LIVE-1"]}


def test_one_statement_per_batch(catalogue, staff_user, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(services, "BULK_BATCH", 2)
    drafts = Product.objects.filter(status=ProductStatus.DRAFT)
    with django_assert_num_queries(4):  # the ids, SAVEPOINT, one statement for the batch of two, RELEASE
        result = services.publish_products(products=drafts, user=staff_user, reason="launch")
    assert result.changed == 2
    assert Product.history.filter(history_change_reason="launch").count() == 2
    everything = Product.objects.all()
    # Four products in batches of two: two statements, and one query loading the skipped product.
    with django_assert_num_queries(6):
        result = services.archive_products(products=everything, user=staff_user, reason="closing")
    assert (result.changed, [p.sku for p in result.skipped["already archived"]]) == (3, ["OLD-1"])
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.ARCHIVED}
