"""``delete_category`` / ``delete_categories``: a category in use stays, and says why."""

import pytest

from backoffice.errors import ServiceError
from inventory.category_services import CATEGORY_IN_USE, SKIP_CATEGORY_IN_USE, delete_categories, delete_category
from inventory.models import Category
from inventory.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def in_use(name, products, children):
    return CATEGORY_IN_USE % {"name": name, "products": products, "children": children}


def test_an_empty_category_is_deleted_with_history(staff_user):
    empty = CategoryFactory(name="Empty")
    delete_category(category=empty, user=staff_user, reason="deleted in admin")
    assert not Category.objects.filter(pk=empty.pk).exists()
    gone = Category.history.get(id=empty.pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (staff_user, "deleted in admin")


@pytest.mark.parametrize(("products", "children"), [(2, 0), (0, 1), (1, 2)])
def test_a_category_with_products_or_subcategories_is_refused_and_nothing_is_written(staff_user, products, children):
    shoes = CategoryFactory(name="Shoes")
    ProductFactory.create_batch(products, category=shoes)
    CategoryFactory.create_batch(children, parent=shoes)
    with pytest.raises(ServiceError) as refused:
        delete_category(category=shoes, user=staff_user, reason="deleted")
    assert (refused.value.code, refused.value.message) == ("protected", in_use("Shoes", products, children))
    assert Category.objects.filter(pk=shoes.pk).exists()
    assert not Category.history.filter(id=shoes.pk, history_type="-").exists()


def test_bulk_deletes_the_empty_ones_and_names_each_refused_one(staff_user):
    hats, socks, empty = CategoryFactory(name="Hats"), CategoryFactory(name="Socks"), CategoryFactory(name="Empty")
    ProductFactory(category=hats)
    CategoryFactory(parent=socks)
    result = delete_categories(categories=[socks, empty, hats], user=staff_user, reason="deleted")
    assert (result.changed, dict(result.skipped)) == (1, {str(SKIP_CATEGORY_IN_USE): [hats, socks]})
    assert result.message == f"{in_use('Hats', 1, 0)} {in_use('Socks', 0, 1)}"
    assert set(Category.objects.filter(pk__in=[hats.pk, socks.pk, empty.pk]).values_list("name", flat=True)) == {
        "Hats",
        "Socks",
    }
