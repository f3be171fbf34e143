"""Dashboard figures against values computed by hand on a small, dated data set."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.dashboard.page import dashboard_figures
from backoffice.tests.admin_support import result_pks, user_with_perms
from inventory.tests.factories import ProductFactory
from orders.choices import OrderStatus
from orders.models import Customer
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

# Own queries (permissions, sidebar badge, the figures) plus the session's; the same with any data.
DASHBOARD_QUERIES = 12


def _at(days_ago, hour=12):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def shop(superuser):
    """Revenue: today 100, yesterday 50, 3 days ago 36 (40 less 10%), 10 days ago 80, 40 days ago 200.

    A cancelled order today (990) and a draft never count. Pen sells 18 units in 30 days, mug 3.
    """
    pen = ProductFactory(sku="PEN-1", name="Pen", price=Decimal("10.00"), stock=50)
    mug = ProductFactory(sku="MUG-1", name="Mug", price=Decimal("20.00"), stock=2)
    ann = CustomerFactory(email="ann@example.com")
    old = CustomerFactory(email="old@example.com")
    Customer.objects.filter(pk=old.pk).update(created_at=_at(40))

    def order(number, status, days_ago, lines, rate="0.00", hour=12):
        o = OrderFactory(
            number=number, customer=ann, status=status, placed_at=_at(days_ago, hour), discount_rate=Decimal(rate)
        )
        for product, quantity, price in lines:
            OrderLineFactory(order=o, product=product, quantity=quantity, unit_price=Decimal(price))
        return o

    orders = {
        "t1": order("T1", OrderStatus.PLACED, 0, [(pen, 10, "10.00")]),
        "x": order("X", OrderStatus.CANCELLED, 0, [(mug, 99, "10.00")], hour=13),
        "y1": order("Y1", OrderStatus.PAID, 1, [(mug, 1, "50.00")]),
        "d3": order("D3", OrderStatus.SHIPPED, 3, [(mug, 2, "20.00")], rate="0.10"),
        "d10": order("D10", OrderStatus.DELIVERED, 10, [(pen, 8, "10.00")]),
        "d40": order("D40", OrderStatus.DELIVERED, 40, [(mug, 4, "50.00")]),
    }
    OrderFactory(number="DRAFT", customer=ann, status=OrderStatus.DRAFT, placed_at=None)
    return {"pen": pen, "mug": mug, **orders}


def _figures(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return dashboard_figures(request)


def test_revenue_kpis_and_changes(superuser, shop):
    today, seven, thirty = _figures(superuser)["revenue_kpis"]
    assert (today.value, today.change) == ("100.00", Decimal("100.0"))
    assert (seven.value, seven.change) == ("186.00", Decimal("132.5"))
    assert (thirty.value, thirty.change) == ("266.00", Decimal("33.0"))
    assert thirty.footer == "previous period: 200.00"


def test_other_kpis_and_status_counts(superuser, shop):
    CustomerFactory(user=superuser)  # linked to a staff user by hand: still not a new customer
    figures = _figures(superuser)
    average, new_customers = figures["other_kpis"]
    assert average.value == "66.50"  # 266.00 over 4 revenue orders
    assert new_customers.value == "1"  # ann; "old" joined 40 days ago; staff are not customers
    assert {row["status"]: row["count"] for row in figures["status_counts"]} == {
        "draft": 1,
        "placed": 1,
        "paid": 1,
        "shipped": 1,
        "delivered": 2,
        "cancelled": 1,
        "refunded": 0,
    }


def test_lists_and_chart(superuser, shop):
    figures = _figures(superuser)
    assert [(p["sku"], p["units"]) for p in figures["top_products"]] == [("PEN-1", 18), ("MUG-1", 3)]
    assert [o["number"] for o in figures["latest_orders"]] == ["X", "T1", "Y1", "D3", "D10", "D40"]
    assert figures["latest_orders"][1]["total"] == "100.00"
    assert [p["sku"] for p in figures["low_stock"]] == ["MUG-1"]
    chart = dict(figures["chart_rows"])
    today = timezone.localdate()
    assert len(figures["chart_rows"]) == 30
    assert chart[today] == Decimal("100.00")
    assert chart[today - timedelta(days=3)] == Decimal("36.00")
    assert chart[today - timedelta(days=10)] == Decimal("80.00")
    assert sum(chart.values()) == Decimal("266.00")


def test_cards_link_to_what_they_count(boss_client, superuser, shop):
    today_kpi, _seven, thirty = _figures(superuser)["revenue_kpis"]
    assert result_pks(boss_client.get(today_kpi.link)) == [shop["t1"].pk]
    assert sorted(result_pks(boss_client.get(thirty.link))) == sorted(shop[n].pk for n in ["t1", "y1", "d3", "d10"])
    new_customers = _figures(superuser)["other_kpis"][1]
    expected = Customer.objects.exclude(email="old@example.com").values_list("pk", flat=True)
    assert sorted(result_pks(boss_client.get(new_customers.link))) == sorted(expected)
    paid = next(row for row in _figures(superuser)["status_counts"] if row["status"] == "paid")
    assert result_pks(boss_client.get(paid["link"])) == [shop["y1"].pk]


def test_page_renders_and_query_count_is_bounded(boss_client, shop):
    boss_client.get(reverse("admin:index"))  # the first page of a session may differ
    with CaptureQueriesContext(connection) as before:
        response = boss_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "266.00" in html and "+132.5%" in html and "PEN-1" in html
    customer = Customer.objects.get(email="ann@example.com")
    for index in range(30):
        o = OrderFactory(customer=customer, status=OrderStatus.PAID, placed_at=_at(index % 20))
        OrderLineFactory(order=o, product=ProductFactory(stock=1))
    with CaptureQueriesContext(connection) as after:
        boss_client.get(reverse("admin:index"))
    assert len(after) == len(before) == DASHBOARD_QUERIES, [q["sql"][:120] for q in after]


def test_revenue_figures_come_from_one_query(superuser, shop):
    with CaptureQueriesContext(connection) as queries:
        figures = _figures(superuser)
    # Revenue per day (all the KPIs, the average and the chart), new customers, orders by
    # status, latest orders, top products, low stock: one query each.
    assert len(queries) == 6
    line_queries = [q["sql"] for q in queries if "orders_orderline" in q["sql"]]
    assert len(line_queries) == 3  # revenue per day, latest orders' totals, top products
    assert [k.value for k in figures["revenue_kpis"]] == ["100.00", "186.00", "266.00"]
    # The latest orders' badges use the order list's status colours.
    assert [(o["number"], o["status_type"]) for o in figures["latest_orders"]] == [
        ("X", "danger"),
        ("T1", "info"),
        ("Y1", "primary"),
        ("D3", "warning"),
        ("D10", "success"),
        ("D40", "success"),
    ]


def test_user_without_order_permission_sees_no_sales_figures(admin_client_as, shop):
    client = admin_client_as(user_with_perms("stock", "inventory.view_product"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "revenue_kpis" not in response.context
    assert [p["sku"] for p in response.context["low_stock"]] == ["MUG-1"]
