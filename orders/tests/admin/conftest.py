from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory


@pytest.fixture
def sales(db):
    """Three customers and four orders with known totals.

    ann (gold, 10%): ORD-A1 paid 5 days ago: 2 x 20.00 + 1 x 10.00 = 50.00 subtotal, 45.00 total
                     ORD-A2 placed 40 days ago: 1 x 30.00, rate kept at 0.05 -> 28.50
    bob (regular):   ORD-B1 cancelled 100 days ago: 1 x 20.00
    cat (vip):       no orders; ORD-C1 is her draft (drafts do not count as orders)
    """
    now = timezone.now()
    mug = ProductFactory(sku="MUG-1", name="Mug", price=Decimal("20.00"), stock=50)
    pen = ProductFactory(sku="PEN-1", name="Pen", price=Decimal("10.00"), stock=50)
    ann = CustomerFactory(first_name="Ann", last_name="Archer", email="ann@example.com", tier=CustomerTier.GOLD)
    bob = CustomerFactory(first_name="Bob", last_name="Baker", email="bob@example.com")
    cat = CustomerFactory(first_name="Cat", last_name="Cole", email="cat@example.com", tier=CustomerTier.VIP)
    a1 = OrderFactory(
        number="ORD-A1",
        customer=ann,
        status=OrderStatus.PAID,
        placed_at=now - timedelta(days=5),
        discount_rate=Decimal("0.10"),
    )
    OrderLineFactory(order=a1, product=mug, quantity=2, unit_price=Decimal("20.00"))
    OrderLineFactory(order=a1, product=pen, quantity=1, unit_price=Decimal("10.00"))
    a2 = OrderFactory(
        number="ORD-A2",
        customer=ann,
        status=OrderStatus.PLACED,
        placed_at=now - timedelta(days=40),
        discount_rate=Decimal("0.05"),
    )
    OrderLineFactory(order=a2, product=pen, quantity=1, unit_price=Decimal("30.00"))
    b1 = OrderFactory(
        number="ORD-B1",
        customer=bob,
        status=OrderStatus.CANCELLED,
        placed_at=now - timedelta(days=100),
        discount_rate=Decimal("0.00"),
    )
    OrderLineFactory(order=b1, product=mug, quantity=1, unit_price=Decimal("20.00"))
    c1 = OrderFactory(number="ORD-C1", customer=cat, status=OrderStatus.DRAFT, placed_at=None)
    OrderLineFactory(order=c1, product=mug, quantity=3, unit_price=Decimal("20.00"))
    return {"ann": ann, "bob": bob, "cat": cat, "a1": a1, "a2": a2, "b1": b1, "c1": c1, "mug": mug, "pen": pen}
