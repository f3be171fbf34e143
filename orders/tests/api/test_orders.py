from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.tests.api.fixtures import assert_error
from inventory.choices import MovementReason, ProductStatus
from inventory.models import StockMovement
from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Order, OrderLine
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

URL = "/api/v1/orders/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return {
        "shirt": ProductFactory(sku="SHIRT-1", name="Shirt", price=Decimal("25.00"), stock=10),
        "mug": ProductFactory(sku="MUG-1", name="Mug", price=Decimal("8.50"), stock=2),
        "draft": ProductFactory(sku="DRAFT-1", status=ProductStatus.DRAFT),
        "gold": CustomerFactory(email="gold@example.com", first_name="Gina", last_name="Gold", tier=CustomerTier.GOLD),
    }


def order_body(shop, lines=None, **extra):
    body = {
        "customer": shop["gold"].pk,
        "lines": lines
        if lines is not None
        else [{"sku": "shirt-1", "quantity": 2}, {"product": shop["mug"].pk, "quantity": 1}],
        "shipping_city": "Berlin",
        "shipping_country": "DE",
    }
    body.update(extra)
    return body


def test_create_places_the_order_through_the_service(client_as, role_users, shop):
    response = client_as("clerk").post(URL, order_body(shop), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "placed"
    assert body["customer"] == {"id": shop["gold"].pk, "email": "gold@example.com", "name": "Gina Gold"}
    assert (body["subtotal"], body["discount_rate"], body["total"], body["line_count"]) == (
        "58.50",
        "0.1000",
        "52.65",
        2,
    )
    assert [
        (line["product"]["sku"], line["quantity"], line["unit_price"], line["line_total"]) for line in body["lines"]
    ] == [
        ("SHIRT-1", 2, "25.00", "50.00"),
        ("MUG-1", 1, "8.50", "8.50"),
    ]
    assert (body["shipping_name"], body["shipping_city"], body["shipping_country"]) == ("Gina Gold", "Berlin", "DE")
    shop["shirt"].refresh_from_db()
    assert shop["shirt"].stock == 8
    order = Order.objects.get(number=body["number"])
    assert (order.created_by, order.history.get().history_user, order.history.get().history_change_reason) == (
        role_users["clerk"],
        role_users["clerk"],
        "placed",
    )
    sale = StockMovement.objects.get(product=shop["shirt"])
    assert (sale.delta, sale.reason, sale.order, sale.user) == (-2, MovementReason.SALE, order, role_users["clerk"])


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        ([{"sku": "NOPE-1", "quantity": 1}], {"lines.0.sku": ["There is no product with SKU NOPE-1."]}),
        ([{"product": 999999, "quantity": 1}], {"lines.0.product": ["There is no product with id 999999."]}),
        (
            [{"sku": "SHIRT-1", "quantity": -1}],
            {"lines.0.quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        ([{"sku": "SHIRT-1", "quantity": "two"}], {"lines.0.quantity": ["A valid integer is required."]}),
        ([{"quantity": 1}], {"lines.0": ["Give either sku or product (an id), not both and not neither."]}),
        ([], {"lines": ["This list may not be empty."]}),
        ("SHIRT-1", {"lines": ['Expected a list of items but got type "str".']}),
    ],
)
def test_bad_lines_are_400_per_line(api, shop, lines, errors):
    body = assert_error(api.post(URL, order_body(shop, lines=lines), format="json"), 400, "invalid")
    assert body["errors"] == errors
    assert not Order.objects.exists()


def test_refusals_of_the_service(api, shop):
    body = assert_error(api.post(URL, order_body(shop, lines=[{"sku": "MUG-1", "quantity": 3}]), format="json"), 409)
    assert (body["code"], body["errors"]) == (
        "insufficient_stock",
        {"lines": ["Not enough stock of MUG-1: 2 in stock, 3 requested."]},
    )
    body = assert_error(api.post(URL, order_body(shop, lines=[{"sku": "DRAFT-1", "quantity": 1}]), format="json"), 400)
    assert (body["code"], body["errors"]) == (
        "product_not_for_sale",
        {"lines": ["DRAFT-1 cannot be ordered: it is draft. Publish it first."]},
    )
    body = assert_error(api.post(URL, order_body(shop, customer=999999), format="json"), 400)
    assert body["errors"] == {"customer": ["There is no customer with id 999999."]}
    assert not Order.objects.exists()
    shop["mug"].refresh_from_db()
    assert shop["mug"].stock == 2


def test_transition(client_as, role_users, shop):
    client = client_as("clerk")
    number = client.post(URL, order_body(shop), format="json").json()["number"]
    response = client.post(
        f"{URL}{number}/transition/", {"status": "cancelled", "reason": "customer asked"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    shop["shirt"].refresh_from_db()
    assert shop["shirt"].stock == 10
    latest = Order.objects.get(number=number).history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "cancelled",
        role_users["clerk"],
        "customer asked",
    )
    body = assert_error(client.post(f"{URL}{number}/transition/", {"status": "paid"}, format="json"), 409)
    assert body["code"] == "invalid_transition"
    assert body["errors"]["status"] == [
        f"Order {number} cannot move from cancelled to paid. Allowed from cancelled: nothing (final status)."
    ]
    body = assert_error(client.post(f"{URL}{number}/transition/", {"status": "lost"}, format="json"), 400, "invalid")
    assert body["errors"] == {"status": ['"lost" is not a valid choice.']}
    assert client.post(f"{URL}ORD-NOPE/transition/", {"status": "paid"}, format="json").status_code == 404


@pytest.fixture
def history():
    """Three placed orders at known times and totals, and a cancelled one."""
    now = timezone.now()
    regular = CustomerFactory(email="reg@example.com")
    rows = {}
    for number, days_ago, price, status in [
        ("ORD-A", 30, "100.00", OrderStatus.PLACED),
        ("ORD-B", 10, "40.00", OrderStatus.PAID),
        ("ORD-C", 1, "5.00", OrderStatus.PLACED),
        ("ORD-D", 2, "60.00", OrderStatus.CANCELLED),
    ]:
        order = OrderFactory(number=number, customer=regular, placed_at=now - timedelta(days=days_ago), status=status)
        OrderLineFactory(order=order, unit_price=Decimal(price))
        rows[number] = order
    rows["other"] = OrderFactory(number="ORD-E", placed_at=now - timedelta(days=5))
    OrderLineFactory(order=rows["other"], unit_price=Decimal("7.00"))
    rows["customer"] = regular
    rows["now"] = now
    return rows


def _numbers(response):
    assert response.status_code == 200, response.json()
    return sorted(row["number"] for row in response.json()["results"])


def test_filters(api, history):
    def stamp(days):
        return (history["now"] - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert _numbers(api.get(f"{URL}?status=paid")) == ["ORD-B"]
    assert _numbers(api.get(f"{URL}?customer={history['customer'].pk}")) == ["ORD-A", "ORD-B", "ORD-C", "ORD-D"]
    assert _numbers(api.get(f"{URL}?placed_after={stamp(11)}&placed_before={stamp(1.5)}")) == [
        "ORD-B",
        "ORD-D",
        "ORD-E",
    ]
    assert _numbers(api.get(f"{URL}?total_min=7&total_max=60")) == ["ORD-B", "ORD-D", "ORD-E"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("customer=abc", "customer"),
        ("placed_after=not-a-date", "placed_after"),
        ("total_min=lots", "total_min"),
        ("ordering=total", "ordering"),
        ("page=2", "page"),
        ("cursor=garbage", "cursor"),
        ("page_size=501", "page_size"),
    ],
)
def test_bad_filters(api, history, query, field):
    assert list(assert_error(api.get(f"{URL}?{query}"), 400)["errors"]) == [field]


def test_cursor_pagination_walks_every_order_once_newest_first(api, history):
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["number"] for row in body["results"]]
        url = body["next"]
    assert seen == ["ORD-E", "ORD-D", "ORD-C", "ORD-B", "ORD-A"]  # newest created first


def test_list_query_count_does_not_grow_with_rows(api):
    customer = CustomerFactory()
    products = [ProductFactory(), ProductFactory()]

    def add(start, stop):
        orders = Order.objects.bulk_create(
            Order(number=f"ORD-BULK-{n:05d}", customer=customer, status=OrderStatus.PLACED, placed_at=timezone.now())
            for n in range(start, stop)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=order, product=product, quantity=1, unit_price=Decimal("2.00"))
            for order in orders
            for product in products
        )

    def queries(expected):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"{URL}?page_size=500")
        rows = response.json()["results"]
        assert len(rows) == expected
        assert {(row["line_count"], row["total"], len(row["lines"])) for row in rows} == {(2, "4.00", 2)}
        return len(captured)

    add(0, 5)
    few = queries(5)
    add(5, 500)
    assert queries(500) == few


@pytest.mark.parametrize(
    ("role", "read", "create", "transition"),
    [
        ("anonymous", 401, 401, 401),
        ("auditor", 200, 403, 403),
        ("clerk", 200, 201, 200),
        ("catalog", 403, 403, 403),
        ("superuser", 200, 201, 200),
    ],
)
def test_permission_matrix(client_as, shop, role, read, create, transition):
    client = client_as(role)
    existing = OrderFactory(customer=shop["gold"])
    assert client.get(URL).status_code == read
    assert client.get(f"{URL}{existing.number}/").status_code == read
    assert (
        client.post(URL, order_body(shop, lines=[{"sku": "SHIRT-1", "quantity": 1}]), format="json").status_code
        == create
    )
    response = client.post(f"{URL}{existing.number}/transition/", {"status": "paid"}, format="json")
    assert response.status_code == transition
    assert client.delete(f"{URL}{existing.number}/").status_code in (401, 403, 405)
