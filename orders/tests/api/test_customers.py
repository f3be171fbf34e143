from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.tests.api.fixtures import assert_error
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

URL = "/api/v1/customers/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def customers():
    """Ada (gold) has two orders, one a draft; Bob (regular) has none."""
    ada = CustomerFactory(email="ada@example.com", first_name="Ada", last_name="Able", tier=CustomerTier.GOLD)
    bob = CustomerFactory(email="bob@example.com", first_name="Bob", last_name="Baker")
    long_ago = timezone.now() - timedelta(days=40)
    old = OrderFactory(customer=ada, number="ORD-1", placed_at=long_ago, discount_rate=Decimal("0.10"))
    OrderLineFactory(order=old, quantity=2, unit_price=Decimal("50.00"))
    recent = OrderFactory(
        customer=ada, number="ORD-2", placed_at=long_ago + timedelta(days=30), discount_rate=Decimal("0.10")
    )
    OrderLineFactory(order=recent, quantity=1, unit_price=Decimal("10.00"))
    OrderFactory(customer=ada, number="ORD-3", status=OrderStatus.DRAFT, placed_at=None)
    return {"ada": ada, "bob": bob, "recent": recent}


def _shop_customers(response):
    """The role users get customer profiles too (signal); keep the ones the test made."""
    return [row for row in response.json()["results"] if row["email"].endswith("@example.com")]


def test_list_shows_discount_and_order_stats(api, customers):
    response = api.get(URL)
    assert response.status_code == 200
    ada, bob = _shop_customers(response)
    assert (ada["email"], ada["tier"], ada["discount_rate"], ada["order_count"], ada["lifetime_value"]) == (
        "ada@example.com",
        "gold",
        "0.1000",
        2,
        "99.00",  # (100.00 + 10.00) less 10 %
    )
    assert ada["last_order"]["number"] == "ORD-2"
    assert ada["last_order"]["placed_at"] == customers["recent"].placed_at.isoformat().replace("+00:00", "Z")
    assert (bob["order_count"], bob["lifetime_value"], bob["last_order"], bob["discount_rate"]) == (
        0,
        "0.00",
        None,
        "0.0000",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=gold", ["ada@example.com"]),
        ("has_orders=true", ["ada@example.com"]),
        ("has_orders=false&search=example", ["bob@example.com"]),
        ("ordered_since={since}", ["ada@example.com"]),
        ("search=baker", ["bob@example.com"]),
        ("ordering=-order_count&search=example", ["ada@example.com", "bob@example.com"]),
        ("ordering=-lifetime_value&search=example", ["ada@example.com", "bob@example.com"]),
        ("ordering=lifetime_value&search=example", ["bob@example.com", "ada@example.com"]),
    ],
)
def test_filters(api, customers, query, expected):
    since = (timezone.now() - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = api.get(f"{URL}?{query.format(since=since)}")
    assert response.status_code == 200, response.json()
    assert [row["email"] for row in response.json()["results"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [("tier=platinum", "tier"), ("ordered_since=yesterday", "ordered_since"), ("ordering=phone", "ordering")],
)
def test_bad_filters(api, customers, query, field):
    assert list(assert_error(api.get(f"{URL}?{query}"), 400)["errors"]) == [field]


def test_create_and_update_with_history(client_as, role_users):
    client = client_as("clerk")
    body = {"email": "new@example.com", "first_name": "Nia", "last_name": "New", "tier": "silver"}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["tier"], created["discount_rate"], created["order_count"]) == ("silver", "0.0500", 0)
    customer = Customer.objects.get(pk=created["id"])
    response = client.patch(f"{URL}{customer.pk}/", {"tier": "vip", "phone": "+49 30 1234"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["tier"], response.json()["discount_rate"], response.json()["phone"]) == (
        "vip",
        "0.1500",
        "+49 30 1234",
    )
    history = list(customer.history.order_by("history_id").values_list("history_change_reason", "history_user", "tier"))
    clerk = role_users["clerk"].pk
    assert history == [
        ("api: create", clerk, "silver"),
        ("api: update", clerk, "silver"),
        ("api: update", clerk, "vip"),
    ]


def test_bad_customer_input(api, customers):
    body = assert_error(api.post(URL, {"email": "ada@example.com", "tier": "platinum"}, format="json"), 400)
    assert set(body["errors"]) == {"email", "tier"}
    body = assert_error(api.post(URL, {"email": "not-an-email"}, format="json"), 400)
    assert body["errors"] == {"email": ["Enter a valid email address."]}


def _add_customers(start, stop):
    Customer.objects.bulk_create(
        Customer(email=f"bulk{n}@example.com", last_name=f"B{n:04d}") for n in range(start, stop)
    )
    for customer in Customer.objects.filter(email__startswith="bulk").order_by("pk")[start : start + 3]:
        OrderLineFactory(order=OrderFactory(customer=customer))


def _list_queries(api, expected_rows, expected_orders):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"{URL}?page_size=500&search=bulk")
    assert len(response.json()["results"]) == expected_rows
    assert sum(row["order_count"] for row in response.json()["results"]) == expected_orders
    return len(queries)


def test_query_count_does_not_grow_with_rows(api):
    _add_customers(0, 5)
    few = _list_queries(api, 5, 3)
    _add_customers(5, 500)
    assert _list_queries(api, 500, 6) == few


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("anonymous", 401, 401),
        ("auditor", 200, 403),
        ("clerk", 200, 201),
        ("catalog", 403, 403),
        ("superuser", 200, 201),
    ],
)
def test_permission_matrix(client_as, role, read, write):
    client = client_as(role)
    assert client.get(URL).status_code == read
    assert client.post(URL, {"email": f"{role}@example.com"}, format="json").status_code == write
