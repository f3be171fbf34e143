from decimal import Decimal

import pytest

from backoffice.tests.api.fixtures import assert_error
from inventory.category_services import CATEGORY_IN_USE
from inventory.models import Category, Tag
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_category_crud_with_history(client_as, role_users):
    client = client_as("catalog")
    response = client.post("/api/v1/categories/", {"name": "Home & Garden", "default_price": "12.50"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["slug"], body["default_price"], body["parent"], body["product_count"]) == (
        "Home & Garden",
        "home-garden",
        "12.50",
        None,
        0,
    )
    url = f"/api/v1/categories/{body['id']}/"
    ProductFactory(category_id=body["id"])
    response = client.patch(url, {"default_price": None}, format="json")
    assert (response.status_code, response.json()["default_price"], response.json()["product_count"]) == (200, None, 1)
    category = Category.objects.get(pk=body["id"])
    reasons = list(category.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [("api: create", role_users["catalog"].pk), ("api: update", role_users["catalog"].pk)]


def test_category_with_products_or_children_cannot_be_deleted(api):
    parent = CategoryFactory(name="Clothing")
    CategoryFactory(name="Shirts", parent=parent)
    ProductFactory(category=parent)
    body = assert_error(api.delete(f"/api/v1/categories/{parent.pk}/"), 409, "protected")
    assert body["detail"] == (
        "Category Clothing still has 1 product(s) and 1 subcategory(ies). Move them to another category first."
    )
    # The service's message: the admin's delete page and bulk action give the same one.
    assert body["detail"] == CATEGORY_IN_USE % {"name": "Clothing", "products": 1, "children": 1}
    assert Category.objects.filter(pk=parent.pk).exists()
    assert not Category.history.filter(id=parent.pk, history_type="-").exists()


def test_empty_category_is_deleted_with_history(client_as, role_users):
    category = CategoryFactory(name="Empty")
    response = client_as("catalog").delete(f"/api/v1/categories/{category.pk}/")
    assert response.status_code == 204
    assert not Category.objects.filter(pk=category.pk).exists()
    deleted = Category.history.filter(id=category.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (role_users["catalog"], "api: delete")


def test_category_bad_input(api):
    CategoryFactory(name="Taken")
    body = assert_error(api.post("/api/v1/categories/", {"name": "Taken", "default_price": "-3"}, format="json"), 400)
    assert set(body["errors"]) == {"name", "default_price"}
    body = assert_error(api.get("/api/v1/categories/?parent=x"), 400)
    assert list(body["errors"]) == ["parent"]


def test_category_cannot_be_its_own_ancestor(api):
    root = CategoryFactory(name="Root")
    child = CategoryFactory(name="Child", parent=root)
    body = assert_error(api.patch(f"/api/v1/categories/{root.pk}/", {"parent": child.pk}, format="json"), 400)
    assert body["errors"] == {"parent": ["A category cannot be its own ancestor."]}


def test_category_list_filter_and_ordering(api):
    root = CategoryFactory(name="Root")
    CategoryFactory(name="B child", parent=root, default_price=Decimal("1.00"))
    CategoryFactory(name="A child", parent=root)
    response = api.get(f"/api/v1/categories/?parent={root.pk}&ordering=-name")
    assert [row["name"] for row in response.json()["results"]] == ["B child", "A child"]


def test_tag_crud(client_as, role_users):
    client = client_as("catalog")
    response = client.post("/api/v1/tags/", {"name": "Summer Sale"}, format="json")
    assert response.status_code == 201
    tag_id = response.json()["id"]
    assert (response.json()["slug"], response.json()["product_count"]) == ("summer-sale", 0)
    ProductFactory(tags=[Tag.objects.get(pk=tag_id)])
    response = client.put(f"/api/v1/tags/{tag_id}/", {"name": "Summer", "slug": "summer"}, format="json")
    assert (response.status_code, response.json()["name"], response.json()["product_count"]) == (200, "Summer", 1)
    assert Tag.objects.get(pk=tag_id).history.latest().history_change_reason == "api: update"
    assert client.delete(f"/api/v1/tags/{tag_id}/").status_code == 204
    assert not Tag.objects.exists()
    assert Tag.history.get(id=tag_id, history_type="-").history_user == role_users["catalog"]


def test_tag_search_and_duplicates(api):
    TagFactory(name="cotton")
    TagFactory(name="linen")
    assert [row["name"] for row in api.get("/api/v1/tags/?search=cot").json()["results"]] == ["cotton"]
    body = assert_error(api.post("/api/v1/tags/", {"name": "cotton"}, format="json"), 400)
    assert list(body["errors"]) == ["name"]
