from decimal import Decimal

import factory
from django.utils import timezone

from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order, OrderLine


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    tier = CustomerTier.REGULAR


class OrderFactory(factory.django.DjangoModelFactory):
    """A raw order row for query tests; real orders are made by ``orders.services.place_order``."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"ORD-TEST-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    status = OrderStatus.PLACED
    placed_at = factory.LazyFunction(timezone.now)
    discount_rate = None


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("20.00")
