import pytest

from inventory.choices import ProductStatus
from inventory.models import Product
from inventory.services import archive_products, delete_products, publish_products, unpublish_products
from inventory.tests.factories import ProductFactory, TagFactory
from orders.tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def statuses():
    return dict(Product.objects.values_list("sku", "status"))


def test_publish_sets_status_and_date_with_history(staff_user):
    tag = TagFactory(name="summer")
    draft = ProductFactory(sku="A-1", status=ProductStatus.DRAFT, tags=[tag])
    ProductFactory(sku="B-1", status=ProductStatus.PUBLISHED)
    result = publish_products(products=Product.objects.all(), user=staff_user, reason="spring launch")
    assert result.changed == 1
    assert {k: [p.sku for p in v] for k, v in result.skipped.items()} == {"already published": ["B-1"]}
    assert result.summary("products", "published") == ("1 products published. 1 skipped: already published (1).")
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    record = draft.history.first()
    assert (record.history_user, record.history_change_reason, record.status, record.history_type) == (
        staff_user,
        "spring launch",
        "published",
        "~",
    )
    # The bulk history keeps the tags, so a revert to this version would not drop them.
    assert [t.tag.name for t in record.tags.all()] == ["summer"]


def test_unpublish_skips_drafts_and_archived(staff_user):
    ProductFactory(sku="A-1", status=ProductStatus.PUBLISHED)
    ProductFactory(sku="B-1", status=ProductStatus.DRAFT)
    ProductFactory(sku="C-1", status=ProductStatus.ARCHIVED)
    result = unpublish_products(products=Product.objects.all(), user=staff_user)
    assert result.changed == 1 and result.skipped_count == 2
    assert statuses() == {"A-1": "draft", "B-1": "draft", "C-1": "archived"}


def test_archive(staff_user):
    ProductFactory(sku="A-1", status=ProductStatus.PUBLISHED)
    ProductFactory(sku="B-1", status=ProductStatus.ARCHIVED)
    result = archive_products(products=Product.objects.all(), user=staff_user)
    assert (result.changed, result.skipped_count) == (1, 1)
    assert statuses() == {"A-1": "archived", "B-1": "archived"}
    assert Product.history.filter(history_change_reason="archived").count() == 1


def test_delete_refuses_products_in_orders_by_name(staff_user):
    keep = ProductFactory(sku="SOLD-1", name="Sold tee")
    ProductFactory(sku="FREE-1", name="Free tee")
    OrderLineFactory(product=keep)
    result = delete_products(products=Product.objects.all(), user=staff_user)
    assert result.changed == 1
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["SOLD-1"]
    assert result.message == (
        "1 product(s) appear in orders and were not deleted: Sold tee (SOLD-1). "
        "Archive them instead: archiving keeps them out of the shop and keeps the order history."
    )
    deleted = Product.history.filter(history_type="-").get()
    assert (deleted.sku, deleted.history_user) == ("FREE-1", staff_user)
