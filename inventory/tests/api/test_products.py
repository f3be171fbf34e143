from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.tests.api.fixtures import assert_error
from inventory.choices import ProductStatus
from inventory.models import Category, Product
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory
from orders.recount import recount_units_sold
from orders.tests.factories import OrderLineFactory

URL = "/api/v1/products/"
pytestmark = pytest.mark.django_db


def detail(product):
    return f"{URL}{product.pk}/"


@pytest.fixture
def catalogue():
    """Three products, one per price source; the mug has sold 3 units, the poster takes backorders."""
    clothing = CategoryFactory(name="Clothing", default_price=Decimal("15.00"))
    misc = CategoryFactory(name="Misc", default_price=None)
    summer, cotton = TagFactory(name="summer"), TagFactory(name="cotton")
    shirt = ProductFactory(
        sku="SHIRT-1", name="Shirt", category=clothing, price=Decimal("25.50"), stock=4, tags=[summer, cotton]
    )
    cap = ProductFactory(sku="CAP-1", name="Cap", category=clothing, price=None, stock=0, status=ProductStatus.DRAFT)
    mug = ProductFactory(sku="MUG-1", name="Mug", category=misc, price=None, stock=0, allow_backorder=True)
    OrderLineFactory(product=mug, quantity=3, unit_price=Decimal("10.00"))
    recount_units_sold()  # the factory writes the line without the services that keep the counter
    return {"shirt": shirt, "cap": cap, "mug": mug, "clothing": clothing, "misc": misc}


def test_list_shows_prices_sources_units_sold_and_availability(api, catalogue):
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = {row["sku"]: row for row in body["results"]}
    assert [row["sku"] for row in body["results"]] == ["CAP-1", "MUG-1", "SHIRT-1"]  # by name
    shirt = rows["SHIRT-1"]
    assert shirt["category"] == {"id": catalogue["clothing"].pk, "name": "Clothing"}
    assert shirt["tags"] == ["cotton", "summer"]
    assert (shirt["price"], shirt["effective_price"], shirt["price_source"], shirt["is_default_price"]) == (
        "25.50",
        "25.50",
        "own",
        False,
    )
    assert (shirt["stock"], shirt["available"], shirt["units_sold"], shirt["has_orders"]) == (4, True, 0, False)
    cap = rows["CAP-1"]
    assert (cap["price"], cap["effective_price"], cap["price_source"], cap["is_default_price"]) == (
        None,
        "15.00",
        "category",
        True,
    )
    assert (cap["available"], cap["status"]) == (False, "draft")
    mug = rows["MUG-1"]
    assert (mug["effective_price"], mug["price_source"], mug["units_sold"], mug["available"], mug["has_orders"]) == (
        "10.00",
        "site",
        3,
        True,
        True,
    )


def test_retrieve(api, catalogue):
    response = api.get(detail(catalogue["shirt"]))
    assert response.status_code == 200
    assert response.json()["sku"] == "SHIRT-1"
    assert api.get(f"{URL}999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=draft", ["CAP-1"]),
        ("tag=summer", ["SHIRT-1"]),
        ("price_min=12&price_max=20", ["CAP-1"]),
        ("price_min=25.50", ["SHIRT-1"]),
        ("available=true", ["MUG-1", "SHIRT-1"]),
        ("available=false", ["CAP-1"]),
        ("has_orders=true", ["MUG-1"]),
        ("has_orders=false", ["CAP-1", "SHIRT-1"]),
        ("search=shi", ["SHIRT-1"]),
        ("search=cotton", ["SHIRT-1"]),
        ("ordering=-effective_price", ["SHIRT-1", "CAP-1", "MUG-1"]),
        ("ordering=-units_sold,sku", ["MUG-1", "CAP-1", "SHIRT-1"]),
        ("updated_since=2000-01-01T00:00:00Z", ["CAP-1", "MUG-1", "SHIRT-1"]),
        ("updated_since=2999-01-01T00:00:00Z", []),
    ],
)
def test_filters_search_and_ordering(api, catalogue, query, expected):
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    assert [row["sku"] for row in response.json()["results"]] == expected


def test_filter_by_category(api, catalogue):
    response = api.get(f"{URL}?category={catalogue['misc'].pk}")
    assert [row["sku"] for row in response.json()["results"]] == ["MUG-1"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=gone", "status"),
        ("category=abc", "category"),
        ("category=999999", "category"),
        ("tag=nosuchtag", "tag"),
        ("price_min=cheap", "price_min"),
        ("price_max=1e999", "price_max"),
        ("available=maybe", "available"),
        ("updated_since=2026-13-45", "updated_since"),
        ("ordering=cost", "ordering"),
        ("ordering=", "ordering"),
        ("colour=red", "colour"),
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page=abc", "page"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(api, catalogue, query, field):
    body = assert_error(api.get(f"{URL}?{query}"), 400, code="invalid")
    assert list(body["errors"]) == [field]


def test_unknown_ordering_and_parameter_messages(api, catalogue):
    body = assert_error(api.get(f"{URL}?ordering=cost"), 400)
    assert body["errors"]["ordering"] == [
        "Cannot order by cost. Order by one or more of: sku, name, effective_price, stock, units_sold, status, "
        "created_at, updated_at (prefix - for descending)."
    ]
    body = assert_error(api.get(f"{URL}?colour=red"), 400)
    assert body["errors"]["colour"][0].startswith("Unknown query parameter. This list accepts: available, category,")


def _list_queries(api, count):
    category = CategoryFactory()
    tag = TagFactory()
    products = Product.objects.bulk_create(
        Product(sku=f"BULK-{n:04d}", name=f"Bulk {n}", category=category, price=Decimal("1.00")) for n in range(count)
    )
    Product.tags.through.objects.bulk_create(Product.tags.through(product=p, tag=tag) for p in products)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"{URL}?page_size=500")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    return len(queries)


def test_query_count_does_not_grow_with_rows(api):
    few = _list_queries(api, 5)
    Product.objects.all().delete()
    Category.objects.all().delete()
    many = _list_queries(api, 500)
    assert few == many
