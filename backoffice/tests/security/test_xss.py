"""A product named like a script is shown as text on every admin page that shows it."""

import pytest
from django.urls import reverse

from inventory.tests.factories import ProductFactory
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def evil_product(admin_client):
    product = ProductFactory(name=EVIL, stock=3)  # low stock: the dashboard lists it
    product._history_user = admin_client.user
    product._change_reason = "XSS test"
    product.description = EVIL
    product.save()
    place_order(customer=CustomerFactory(), lines=[(product, 1)], user=admin_client.user)  # a top seller
    return product


def assert_escaped(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert EVIL not in html
    assert ESCAPED in html


def admin_url(name, *args):
    return reverse(name, args=args)


def test_changelist_escapes_the_name(admin_client, evil_product):
    assert_escaped(admin_client.get(admin_url("admin:inventory_product_changelist")))


def test_changelist_search_escapes_the_name(admin_client, evil_product):
    assert_escaped(admin_client.get(admin_url("admin:inventory_product_changelist"), {"q": "script"}))


def test_change_form_escapes_the_name(admin_client, evil_product):
    assert_escaped(admin_client.get(admin_url("admin:inventory_product_change", evil_product.pk)))


def test_history_page_escapes_the_name(admin_client, evil_product):
    assert_escaped(admin_client.get(admin_url("admin:inventory_product_history", evil_product.pk)))


def test_dashboard_escapes_the_name(admin_client, evil_product):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert EVIL not in html
    # Listed twice: among the low-stock products and among the top sellers.
    assert html.count(ESCAPED) == 2


def test_order_change_form_escapes_the_product_name(admin_client, evil_product):
    order = evil_product.order_lines.get().order
    assert_escaped(admin_client.get(admin_url("admin:orders_order_change", order.pk)))
