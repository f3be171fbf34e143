"""The recycle bin: deleted rows with who, when, why and their tags; restored through the services."""

import pytest
from django.urls import reverse

from backoffice.changesets.models import ChangeSet
from backoffice.changesets.recyclebin import deleted_versions, restore_from_bin
from backoffice.errors import ServiceError
from backoffice.tests.admin_support import messages_of, user_with_perms
from backoffice.tests.changesets.shop import assert_figures_hold, stocked
from inventory.choices import ProductStatus
from inventory.models import Category, Product, Tag
from inventory.services import delete_products
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory
from orders.models import Customer
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
BIN = reverse("admin:changesets_recycle_bin")


def restore_url(model, version):
    return reverse("admin:changesets_recycle_bin_restore", args=[model._meta.label_lower, version.history_id])


@pytest.fixture
def mug(staff_user):
    red, blue = TagFactory(name="red"), TagFactory(name="blue")
    return stocked("MUG-1", 7, user=staff_user, name="Mug", tags=[red, blue])


def test_a_deleted_product_is_listed_with_who_why_and_its_tags(boss_client, mug, staff_user):
    delete_products(products=[mug], user=staff_user, reason="deleted in admin")
    html = boss_client.get(BIN).content.decode()
    (version,) = deleted_versions(Product)
    assert (version.history_user, version.sku) == (staff_user, "MUG-1")
    assert version.history_change_reason == "deleted in admin (its stock movements went with it)"
    assert f'data-bin-row="{version.history_id}"' in html
    assert "blue, red" in html and "clerk" in html


def test_a_restored_product_comes_back_with_tags_stock_and_status_through_the_services(boss_client, mug, staff_user):
    delete_products(products=[mug], user=staff_user, reason="deleted")
    (version,) = deleted_versions(Product)
    response = boss_client.post(restore_url(Product, version))
    assert response["Location"] == reverse("admin:inventory_product_change", args=[mug.pk])
    product = Product.objects.get(pk=mug.pk)
    assert (product.name, product.stock, product.status) == ("Mug", 7, ProductStatus.PUBLISHED)
    assert sorted(product.tags.values_list("name", flat=True)) == ["blue", "red"]
    assert list(product.stock_movements.values_list("delta", "reason", "note")) == [
        (7, "adjustment", "restored from recycle bin")
    ]
    restored = ChangeSet.objects.get(kind="restore")
    rows = product.history.filter(changeset=restored).order_by("history_id")
    reasons = list(rows.values_list("history_type", "history_change_reason"))
    assert reasons[0] == ("+", "restored from recycle bin")
    assert {row.history_change_reason for row in product.history.filter(changeset=restored)} == {
        "restored from recycle bin"
    }
    assert not deleted_versions(Product).exists()
    assert_figures_hold()


def test_a_product_whose_sku_is_taken_since_says_why(boss_client, mug, staff_user):
    delete_products(products=[mug], user=staff_user, reason="deleted")
    taken = ProductFactory(sku="MUG-1", name="Other mug")
    (version,) = deleted_versions(Product)
    html = boss_client.get(BIN).content.decode()
    assert "its SKU “MUG-1” is taken since by Other mug (MUG-1)" in html
    response = boss_client.post(restore_url(Product, version), follow=True)
    assert messages_of(response) == [
        "Mug (MUG-1) cannot be restored: its SKU “MUG-1” is taken since by Other mug (MUG-1)."
    ]
    assert list(Product.objects.values_list("pk", flat=True)) == [taken.pk]


def test_a_category_whose_parent_is_gone_says_why(superuser):
    home = CategoryFactory(name="Home", slug="home")
    cups = CategoryFactory(name="Cups", slug="cups", parent=home)
    for category in (cups, home):
        category._history_user = superuser
        category.delete()
    versions = {v.name: v for v in deleted_versions(Category)}
    with pytest.raises(ServiceError) as refused:
        restore_from_bin(model=Category, history_id=versions["Cups"].history_id, user=superuser)
    assert refused.value.message == "Cups cannot be restored: its parent is gone; restore the parent first."
    restore_from_bin(model=Category, history_id=versions["Home"].history_id, user=superuser)
    restore_from_bin(model=Category, history_id=versions["Cups"].history_id, user=superuser)
    assert Category.objects.get(name="Cups").parent.name == "Home"


def test_tags_and_customers_come_back_too(superuser):
    tag = TagFactory(name="sale")
    ann = CustomerFactory(email="ann@example.com", tier="gold")
    tag.delete()
    ann.delete()
    restore_from_bin(model=Tag, history_id=deleted_versions(Tag).get().history_id, user=superuser)
    restore_from_bin(model=Customer, history_id=deleted_versions(Customer).get().history_id, user=superuser)
    assert Tag.objects.filter(name="sale").exists()
    ann = Customer.objects.get(email="ann@example.com")
    # The tier went through change_customer_tier: its own history row.
    assert ann.tier == "gold"
    assert list(ann.history.order_by("history_id").values_list("tier", flat=True))[-2:] == ["regular", "gold"]


def test_restoring_needs_the_add_permission(admin_client_as, mug, staff_user):
    delete_products(products=[mug], user=staff_user, reason="deleted")
    (version,) = deleted_versions(Product)
    viewer = admin_client_as(user_with_perms("viewer", "inventory.view_product"))
    assert "Restore" not in viewer.get(BIN).content.decode()
    assert viewer.post(restore_url(Product, version)).status_code == 403
    assert not Product.objects.exists()
    nobody = admin_client_as(user_with_perms("nobody", "orders.view_order"))
    assert nobody.get(BIN).status_code == 403
