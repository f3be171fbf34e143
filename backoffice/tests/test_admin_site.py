"""Site-wide admin pieces: sidebar by permission, low-stock badge, command search, paginator."""

import json
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.admin_site import EstimatedCountPaginator, environment_callback, sidebar_navigation
from backoffice.dashboard.badges import low_stock_badge
from backoffice.dashboard.palette import command_search
from backoffice.db import capabilities
from backoffice.tests.admin_support import ROLE_AUDITOR, user_in_role, user_with_perms
from inventory.choices import ProductStatus
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _visible(user):
    groups = sidebar_navigation(_request(user))

    def allowed(item):
        return item.get("permission", lambda request: True)(_request(user))

    return {g["title"]: [str(i["title"]) for i in g["items"] if allowed(i)] for g in groups}


def test_sidebar_groups_for_superuser(superuser):
    assert _visible(superuser) == {
        "Overview": ["Dashboard", "Jobs"],
        "Catalogue": ["Products", "Categories", "Tags", "Stock movements"],
        "Sales": ["Orders"],
        "Customers": ["Customers", "Tier rules"],
        "History": ["Change sets", "Recycle bin"],
        "Access": ["Users", "Groups", "Login attempts", "Login log"],
        "Integrations": ["API keys", "API tokens", "Webhook endpoints", "Webhook deliveries"],
    }


def test_sidebar_shows_only_permitted_items():
    user = user_with_perms("clerk2", "orders.view_order", "inventory.view_product")
    assert _visible(user) == {
        "Overview": ["Dashboard", "Jobs"],
        "Catalogue": ["Products"],
        "Sales": ["Orders"],
        "History": ["Recycle bin"],  # the deleted products they may view
    }


def test_sidebar_access_group_shows_login_records_only_with_their_permission():
    user = user_with_perms("security1", "axes.view_accessattempt")
    assert _visible(user) == {"Overview": ["Dashboard", "Jobs"], "Access": ["Login attempts"]}


def test_sidebar_in_page_hides_items_without_permission(admin_client_as):
    client = admin_client_as(user_with_perms("clerk3", "orders.view_order"))
    html = client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert reverse("admin:orders_order_changelist") in html
    assert reverse("admin:inventory_product_changelist") not in html
    assert reverse("admin:auth_user_changelist") not in html


def test_low_stock_badge_counts_products_for_sale(superuser, settings):
    settings.LOW_STOCK_THRESHOLD = 5
    ProductFactory(stock=5)
    ProductFactory(stock=0)
    ProductFactory(stock=6)
    ProductFactory(stock=1, status=ProductStatus.ARCHIVED)
    assert low_stock_badge(_request(superuser)) == "2"
    assert low_stock_badge(_request(user_with_perms("nobody"))) == ""


def test_low_stock_badge_stops_counting_past_its_cap(superuser, settings, monkeypatch):
    settings.LOW_STOCK_THRESHOLD = 5
    monkeypatch.setattr("backoffice.dashboard.badges.BADGE_CAP", 3)
    ProductFactory.create_batch(3, stock=0)
    assert low_stock_badge(_request(superuser)) == "3"
    ProductFactory(stock=2)
    assert low_stock_badge(_request(superuser)) == "3+"
    with CaptureQueriesContext(connection) as captured:
        low_stock_badge(_request(superuser))
    assert "LIMIT 4" in captured.captured_queries[-1]["sql"]


def test_environment_label(settings):
    settings.ENVIRONMENT = "staging"
    assert [str(v) for v in environment_callback(None)] == ["Staging", "warning"]


def test_command_search_over_products_customers_orders(superuser):
    ProductFactory(sku="LAMP-1", name="Desk lamp")
    customer = CustomerFactory(first_name="Lampe", last_name="Meyer", email="lm@example.com")
    OrderFactory(number="ORD-LAMP-7", customer=customer)
    results = command_search(_request(superuser), "lamp")
    assert [(r.title, str(r.description)) for r in results] == [
        ("Desk lamp (LAMP-1)", "Product"),
        ("Lampe Meyer <lm@example.com>", "Customer"),
        ("ORD-LAMP-7 (Placed)", "Order of Lampe Meyer <lm@example.com>"),
    ]
    assert results[0].link == reverse("admin:inventory_product_change", args=[Product.objects.get().pk])


def test_command_search_respects_permissions():
    ProductFactory(sku="LAMP-1", name="Desk lamp")
    OrderFactory(number="ORD-LAMP-7")
    user = user_with_perms("po", "orders.view_order")
    assert [r.title for r in command_search(_request(user), "lamp")] == ["ORD-LAMP-7 (Placed)"]


def test_command_search_endpoint(boss_client):
    ProductFactory(sku="LAMP-1", name="Desk lamp")
    response = boss_client.get(reverse("admin:search"), {"s": "lamp"})
    assert response.status_code == 200
    assert "Desk lamp (LAMP-1)" in response.content.decode()


def test_paginator_counts_exactly_when_small_or_filtered():
    ProductFactory.create_batch(3)
    assert EstimatedCountPaginator(Product.objects.order_by("pk"), 2).count == 3
    assert EstimatedCountPaginator(Product.objects.filter(stock__gt=100).order_by("pk"), 2).count == 0


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="pg_class.reltuples is PostgreSQL's")
def test_paginator_uses_the_planner_estimate_for_huge_tables(monkeypatch):
    ProductFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
        cursor.execute("UPDATE pg_class SET reltuples = 12345 WHERE oid = 'inventory_product'::regclass")
    # From the threshold on (equal included) the estimate, below it the exact count: one query either way.
    for threshold, expected in [(12_345, 12_345), (10_000, 12_345), (12_346, 3)]:
        monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", threshold)
        with CaptureQueriesContext(connection) as queries:
            assert EstimatedCountPaginator(Product.objects.order_by("pk"), 2).count == expected
        assert len(queries) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="pg_class.reltuples is PostgreSQL's")
@pytest.mark.parametrize(
    ("threshold", "label"),
    [(12_344, "about 12345"), (12_345, "about 12345"), (12_346, "3")],
    ids=["threshold-1", "threshold", "threshold+1"],
)
def test_the_product_list_says_about_from_the_threshold_on(monkeypatch, admin_client_as, superuser, threshold, label):
    """The planner believes 12,345 rows: "about" from a threshold of exactly that on, the exact 3 above it."""
    ProductFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
        cursor.execute("UPDATE pg_class SET reltuples = 12345 WHERE oid = 'inventory_product'::regclass")
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", threshold)
    html = admin_client_as(superuser).get(reverse("admin:inventory_product_changelist")).content.decode()
    shown = re.search(r'data-count="(\d+)"( data-estimated)?>\s*(?:-\s*)?((?:about )?\d+)', html)
    assert shown, html
    assert shown.group(3) == label
    assert bool(shown.group(2)) is label.startswith("about")


def test_paginator_threshold_is_ten_thousand():
    assert EstimatedCountPaginator.ESTIMATE_FROM == 10_000
    assert EstimatedCountPaginator.EXACT_UP_TO == 1_000


def _planner_rows(queryset):
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="the row estimate is PostgreSQL's EXPLAIN")
def test_paginator_counts_a_filtered_list_exactly_up_to_its_cap_then_estimates(monkeypatch):
    ProductFactory.create_batch(7, status=ProductStatus.PUBLISHED)
    ProductFactory.create_batch(2, status=ProductStatus.DRAFT)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
    published = Product.objects.filter(status=ProductStatus.PUBLISHED).order_by("pk")

    exact = EstimatedCountPaginator(published, 2)
    with CaptureQueriesContext(connection) as queries:
        assert exact.count == 7
    assert len(queries) == 1
    assert exact.estimated is False

    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 5)
    capped = EstimatedCountPaginator(published, 2)
    with CaptureQueriesContext(connection) as queries:
        count = capped.count
    assert len(queries) == 1
    assert capped.estimated is True
    # The planner's figure for the filtered query, never below the rows counted (6: the cap and one).
    assert count == max(6, _planner_rows(published)) == 7


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="the row estimate is PostgreSQL's EXPLAIN")
def test_paginator_counts_exactly_when_the_planner_knows_less_than_was_counted(monkeypatch):
    # A product search (pk = ANY(ARRAY(...))) is estimated at a handful of rows, whatever it matches.
    ProductFactory.create_batch(20, name="Quilted blanket")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
    found = Product.objects.search("quilted").order_by("pk")
    assert _planner_rows(found) <= 13  # no more than the cap and one: the planner knows less than was counted
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 12)
    paginator = EstimatedCountPaginator(found, 5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 20
    assert len(queries) == 1
    assert paginator.estimated is False
    assert len(paginator.page(4).object_list) == 5


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="the row estimate is PostgreSQL's EXPLAIN")
def test_a_filtered_list_past_the_cap_says_about(monkeypatch, admin_client_as, superuser):
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 2)
    ProductFactory.create_batch(4, status=ProductStatus.PUBLISHED, name="Quilted blanket")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
    client = admin_client_as(superuser)
    url = reverse("admin:inventory_product_changelist")
    for query in ("?status__exact=published", "?q=quilted"):
        html = client.get(url + query).content.decode()
        count = re.search(r'data-count="(\d+)" data-estimated>\s*(?:-\s*)?about (\d+)', html)
        assert count, html
        assert count.group(1) == count.group(2)
        assert int(count.group(1)) >= 3
    html = client.get(url + "?status__exact=draft").content.decode()
    assert 'data-count="0">' in html


def test_auditor_dashboard_and_lists(admin_client_as):
    client = admin_client_as(user_in_role(ROLE_AUDITOR, "audrey"))
    assert client.get(reverse("admin:index")).status_code == 200
    for name in ["orders_order", "orders_customer", "inventory_product"]:
        page = client.get(reverse(f"admin:{name}_changelist"))
        assert page.status_code == 200
        assert page.context["action_form"] is None


def test_user_and_group_pages_use_unfold_forms(boss_client, superuser):
    from unfold.forms import UserChangeForm

    page = boss_client.get(reverse("admin:auth_user_change", args=[superuser.pk]))
    assert page.status_code == 200
    assert isinstance(page.context["adminform"].form, UserChangeForm)
    assert boss_client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert boss_client.get(reverse("admin:auth_user_changelist"))["X-Frame-Options"] == "DENY"


def test_admin_pages_load_the_nowrap_stylesheet(boss_client):
    html = boss_client.get(reverse("admin:inventory_product_changelist")).content.decode()
    assert "/static/backoffice/admin.css" in html


CHANGELISTS = [
    "inventory_product",
    "inventory_category",
    "inventory_tag",
    "inventory_stockmovement",
    "orders_order",
    "orders_customer",
]


def _changelist_queries(client, name, params=None):
    url = reverse(f"admin:{name}_changelist")
    client.get(url, params or {})  # the first page of a session may differ
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_changelist_makes_at_most_8_queries_at_any_size(boss_client, superuser):
    from inventory.services import adjust_stock

    def add_rows(count):
        for _index in range(count):
            product = ProductFactory(stock=10)
            order = OrderFactory()
            OrderLineFactory(order=order, product=product)
            adjust_stock(product=product, delta=1, reason="restock", user=superuser)

    add_rows(5)
    small = {name: _changelist_queries(boss_client, name) for name in CHANGELISTS}
    add_rows(55)
    large = {name: _changelist_queries(boss_client, name) for name in CHANGELISTS}
    show_all = {name: _changelist_queries(boss_client, name, {"all": ""}) for name in CHANGELISTS}
    # Session (read, user, save: 5 with the save's transaction), count, rows, sidebar badge.
    assert small == large == show_all == dict.fromkeys(CHANGELISTS, 8)
