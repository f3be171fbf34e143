from decimal import Decimal

import pytest

from backoffice.tests.api.fixtures import assert_error
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

URL = "/api/v1/products/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(name="Clothing", default_price=Decimal("15.00"))


def new_product(category, **overrides):
    body = {
        "sku": "tee-blue-m",
        "name": "Blue tee",
        "category_id": category.pk,
        "tags": ["summer"],
        "price": "19.90",
        "cost": "7.00",
        "status": "published",
        "stock": 999,
    }
    body.update(overrides)
    return body


def test_create_normalizes_sku_sets_tags_publishes_and_records_history(client_as, role_users, category):
    TagFactory(name="summer")
    response = client_as("catalog").post(URL, new_product(category), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sku"] == "TEE-BLUE-M"
    assert body["slug"] == "blue-tee"
    assert body["category"] == {"id": category.pk, "name": "Clothing"}
    assert body["tags"] == ["summer"]
    assert (body["effective_price"], body["price_source"], body["status"]) == ("19.90", "own", "published")
    assert body["stock"] == 0  # read-only: stock changes only through adjust-stock
    assert body["published_at"] is not None
    product = Product.objects.get(sku="TEE-BLUE-M")
    history = list(product.history.order_by("history_id"))
    assert {h.history_user for h in history} == {role_users["catalog"]}
    assert {h.history_change_reason for h in history} == {"api: create"}
    assert history[-1].status == ProductStatus.PUBLISHED


def test_create_refuses_unknown_tag_bad_sku_and_duplicate_sku(api, category):
    ProductFactory(sku="TAKEN-1", category=category)
    body = assert_error(
        api.post(URL, new_product(category, sku="x", tags=["nope"], category_id=999999), format="json"), 400, "invalid"
    )
    assert body["errors"] == {
        "sku": [
            "Enter a SKU of 3 to 32 characters: letters, digits and dashes, "
            "starting and ending with a letter or digit (for example TSHIRT-RED-L)."
        ],
        "category_id": ["There is no category with id 999999."],
        "tags": ["There is no tag named nope. Create it first under /api/v1/tags/."],
    }
    body = assert_error(api.post(URL, new_product(category, sku=" taken-1 ", tags=[]), format="json"), 400)
    assert body["errors"] == {"sku": ["Another product already has this SKU."]}
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"price": "-1.00"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1e30"}, "price"),
        ({"status": "sold"}, "status"),
        ({"tags": "summer"}, "tags"),
        ({"name": ""}, "name"),
        ({"category_id": "first"}, "category_id"),
    ],
)
def test_create_bad_values_are_field_errors(api, category, override, field):
    body = assert_error(api.post(URL, new_product(category, **{"tags": [], **override}), format="json"), 400, "invalid")
    assert list(body["errors"]) == [field]


def test_patch_changes_price_with_history_and_keeps_stock(client_as, role_users, category):
    product = ProductFactory(sku="MUG-1", category=category, price=Decimal("9.00"), stock=7)
    response = client_as("catalog").patch(f"{URL}{product.pk}/", {"price": None, "stock": 0}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["price"], body["effective_price"], body["price_source"], body["stock"]) == (
        None,
        "15.00",
        "category",
        7,
    )
    latest = product.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.price) == (
        role_users["catalog"],
        "api: update",
        None,
    )


def test_put_replaces_tags(api, category):
    old, new = TagFactory(name="old"), TagFactory(name="new")
    product = ProductFactory(sku="MUG-1", category=category, tags=[old])
    body = new_product(category, sku="MUG-1", tags=["new"], status="published")
    response = api.put(f"{URL}{product.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["tags"] == ["new"]
    assert list(product.tags.all()) == [new]
    latest = product.history.latest()
    assert [row.tag.name for row in latest.tags.all()] == ["new"]
    assert latest.history_change_reason == "api: update"


def test_status_change_goes_through_the_catalogue_rules(api, category):
    product = ProductFactory(sku="MUG-1", category=category, status=ProductStatus.ARCHIVED)
    body = assert_error(api.patch(f"{URL}{product.pk}/", {"status": "draft", "name": "Renamed"}, format="json"), 400)
    assert body["errors"] == {"status": ["Cannot change the status to draft: archived (publish them first)."]}
    product.refresh_from_db()
    assert (product.status, product.name) == (ProductStatus.ARCHIVED, product.name)
    assert Product.objects.get(pk=product.pk).name != "Renamed"  # the whole update was rolled back


def test_malformed_json_is_400(api, category):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    body = assert_error(response, 400, "parse_error")
    assert body["detail"].startswith("JSON parse error")


def test_adjust_stock_through_the_service(client_as, role_users, category):
    product = ProductFactory(sku="MUG-1", category=category, stock=10)
    url = f"{URL}{product.pk}/adjust-stock/"
    response = client_as("catalog").post(url, {"delta": -4, "note": "broken in storage"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stock"] == 6
    movement = StockMovement.objects.get(product=product)
    assert (movement.delta, movement.stock_after, movement.reason, movement.note, movement.user) == (
        -4,
        6,
        MovementReason.ADJUSTMENT,
        "broken in storage",
        role_users["catalog"],
    )
    latest = product.history.latest()
    assert (latest.stock, latest.history_user, latest.history_change_reason) == (
        6,
        role_users["catalog"],
        "stock -4 (adjustment): broken in storage",
    )


def test_adjust_stock_refusals(api, category):
    product = ProductFactory(sku="MUG-1", category=category, stock=2)
    url = f"{URL}{product.pk}/adjust-stock/"
    body = assert_error(api.post(url, {"delta": -5, "note": "count"}, format="json"), 409, "insufficient_stock")
    assert body["errors"] == {"delta": ["Not enough stock of MUG-1: 2 in stock, 5 requested."]}
    assert_error(api.post(url, {"delta": 0, "note": "count"}, format="json"), 400, "zero_stock_change")
    body = assert_error(api.post(url, {"delta": "many"}, format="json"), 400, "invalid")
    assert set(body["errors"]) == {"delta", "note"}
    body = assert_error(api.post(url, {"delta": 3, "note": "   "}, format="json"), 400)
    assert list(body["errors"]) == ["note"]
    product.refresh_from_db()
    assert product.stock == 2
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("auditor", 403), ("clerk", 403), ("catalog", 200), ("superuser", 200)]
)
def test_adjust_stock_permission(client_as, category, role, expected):
    product = ProductFactory(sku="MUG-1", category=category, stock=2)
    response = client_as(role).post(f"{URL}{product.pk}/adjust-stock/", {"delta": 1, "note": "found"}, format="json")
    assert response.status_code == expected


def test_put_without_status_keeps_it(api, category):
    product = ProductFactory(sku="MUG-1", category=category, status=ProductStatus.PUBLISHED)
    body = {"sku": "MUG-1", "name": "Mug", "category_id": category.pk}
    response = api.put(f"{URL}{product.pk}/", body, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "published")
    created = api.post(URL, {"sku": "CUP-1", "name": "Cup", "category_id": category.pk}, format="json")
    assert (created.status_code, created.json()["status"], created.json()["published_at"]) == (201, "draft", None)
