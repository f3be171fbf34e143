"""The API places an order at the customer's default addresses when the body names none."""

from decimal import Decimal

import pytest

from inventory.tests.factories import ProductFactory
from orders.models import Address, Order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_an_order_without_an_address_ships_to_the_default(api):
    ProductFactory(sku="PEN-1", price=Decimal("10.00"), stock=5)
    ann = CustomerFactory(first_name="Ann", last_name="Lee")
    home = Address.objects.create(customer=ann, line1="Hauptstr. 1", city="Berlin", postcode="10115", country="DE")
    ann.default_shipping_address = home
    ann.save()
    response = api.post(
        "/api/v1/orders/", {"customer": ann.pk, "lines": [{"sku": "PEN-1", "quantity": 1}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert [getattr(order, f) for f in Order.SHIPPING_FIELDS] == ["Ann Lee", "Hauptstr. 1", "", "Berlin", "10115", "DE"]
    assert [getattr(order, f) for f in Order.BILLING_FIELDS] == ["Ann Lee", "Hauptstr. 1", "", "Berlin", "10115", "DE"]
