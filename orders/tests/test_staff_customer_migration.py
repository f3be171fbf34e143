"""orders 0008: the blank customers made for staff go; those with orders stay, and are reported."""

import importlib

import pytest
from django.apps import apps

from inventory.tests.factories import UserFactory
from orders.choices import OrderStatus
from orders.models import Customer
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("orders.migrations.0008_remove_blank_staff_customers")


def test_blank_staff_customers_are_removed_and_those_with_orders_kept(capsys):
    blank = CustomerFactory(user=UserFactory(username="clerk"), email=None)
    buyer = CustomerFactory(user=UserFactory(username="boss"))
    OrderFactory(customer=buyer, status=OrderStatus.DRAFT)
    shopper = Customer.objects.get(user=UserFactory(username="dee", is_staff=False))  # made by the signal
    guest = CustomerFactory()
    migration.remove_staff_customers(apps, None)
    assert set(Customer.objects.values_list("pk", flat=True)) == {buyer.pk, shopper.pk, guest.pk}
    assert not Customer.objects.filter(pk=blank.pk).exists()
    printed = capsys.readouterr().out
    assert "Removed 1 blank customer(s) made for staff users." in printed
    assert f"Kept customer #{buyer.pk} of staff user boss: it has orders." in printed
