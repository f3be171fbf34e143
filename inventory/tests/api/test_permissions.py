"""Who may do what on the catalogue endpoints: the roles of ``setup_roles``, as in the admin."""

import pytest

from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "auditor", "clerk", "catalog", "superuser"]
# role -> expected status for (read, write)
EXPECTED = {
    "anonymous": (401, 401),
    "auditor": (200, 403),
    "clerk": (200, 403),  # the clerk looks the catalogue up, changes nothing in it
    "catalog": (200, None),
    "superuser": (200, None),
}
WRITE_OK = {"post": 201, "patch": 200, "put": 200, "delete": 204}


@pytest.fixture
def rows():
    category = CategoryFactory(name="Clothing")
    return {
        "product": ProductFactory(sku="SHIRT-1", category=category),
        "category": CategoryFactory(name="Empty"),
        "tag": TagFactory(name="summer"),
        "clothing": category,
    }


def _requests(rows):
    product, category, tag = rows["product"], rows["category"], rows["tag"]
    new_product = {"sku": "NEW-1", "name": "New", "category_id": rows["clothing"].pk}
    return [
        ("get", "/api/v1/products/", None),
        ("get", f"/api/v1/products/{product.pk}/", None),
        ("post", "/api/v1/products/", new_product),
        ("patch", f"/api/v1/products/{product.pk}/", {"name": "Renamed"}),
        ("get", "/api/v1/categories/", None),
        ("post", "/api/v1/categories/", {"name": "New"}),
        ("put", f"/api/v1/categories/{category.pk}/", {"name": "Renamed"}),
        ("delete", f"/api/v1/categories/{category.pk}/", None),
        ("get", "/api/v1/tags/", None),
        ("post", "/api/v1/tags/", {"name": "winter"}),
        ("delete", f"/api/v1/tags/{tag.pk}/", None),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_as, rows, role):
    client = client_as(role)
    read, write = EXPECTED[role]
    for method, url, body in _requests(rows):
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        expected = read if method == "get" else (write or WRITE_OK[method])
        assert response.status_code == expected, (role, method, url, response.content[:300])
        if expected in (401, 403):
            assert response.json()["code"] in ("not_authenticated", "permission_denied")


def test_anonymous_gets_401_with_bearer_challenge(client_as, rows):
    response = client_as("anonymous").get("/api/v1/products/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }
