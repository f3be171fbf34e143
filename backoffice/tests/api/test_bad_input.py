"""Input at the edges (huge ids, NUL bytes, dates that do not exist in UTC) is a 400 or 404, never a 500."""

import pytest

from backoffice.tests.api.fixtures import assert_error

pytestmark = pytest.mark.django_db
HUGE = 10**30


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        (f"/api/v1/products/{HUGE}/", 404, None),
        (f"/api/v1/customers/{HUGE}/", 404, None),
        (f"/api/v1/products/?category={HUGE}", 400, "category"),
        (f"/api/v1/orders/?customer={HUGE}", 400, "customer"),
        (f"/api/v1/products/?page={HUGE}", 400, "page"),
        ("/api/v1/products/?search=%00", 400, "search"),
        ("/api/v1/customers/?search=a%00b", 400, "search"),
        ("/api/v1/orders/?placed_after=0001-01-01T00:00:00%2B14:00", 400, "placed_after"),
        ("/api/v1/products/?updated_since=9999-12-31T23:59:59-14:00", 400, "updated_since"),
    ],
)
def test_query_edges(api, url, status, field):
    body = assert_error(api.get(url), status)
    assert list(body["errors"]) == ([field] if field else [])


@pytest.mark.parametrize(
    ("url", "body", "fields"),
    [
        (
            "/api/v1/orders/",
            {"customer": HUGE, "lines": [{"product": HUGE, "quantity": 1}]},
            {"customer", "lines.0.product"},
        ),
        (
            "/api/v1/orders/",
            {"customer": HUGE, "lines": [{"sku": "A-1", "quantity": HUGE}]},
            {"customer", "lines.0.quantity"},
        ),
        ("/api/v1/products/", {"sku": "ABC-1", "name": "x", "category_id": HUGE}, {"category_id"}),
        ("/api/v1/products/", {"sku": "ABC-1", "name": "x\x00y", "category_id": HUGE}, {"name", "category_id"}),
        ("/api/v1/categories/", {"name": "x", "parent": HUGE}, {"parent"}),
        ("/api/v1/tags/", ["not", "an", "object"], {"non_field_errors"}),
    ],
)
def test_body_edges(api, url, body, fields):
    response = api.post(url, body, format="json")
    assert set(assert_error(response, 400, "invalid")["errors"]) == fields
