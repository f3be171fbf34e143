from decimal import Decimal

import pytest

from inventory.choices import ProductStatus
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory
from orders.choices import OrderStatus
from orders.recount import recount_units_sold
from orders.tests.factories import OrderFactory, OrderLineFactory


@pytest.fixture
def catalogue(db):
    """Four products whose columns differ in every way the list shows.

    shirt: own price 20.00, stock 10, published, tag summer, 2 units sold (+1 on a cancelled order)
    hat:   category default 15.00, stock 3 (low), draft
    socks: site default 10.00, stock 0 (out), published
    boots: own price 50.00, stock -2 with backorders (backorder), archived, on a draft order only
    """
    priced = CategoryFactory(name="Hats", slug="hats", default_price=Decimal("15.00"))
    plain = CategoryFactory(name="Basics", slug="basics")
    summer = TagFactory(name="summer", slug="summer")
    shirt = ProductFactory(sku="SHIRT-1", name="Alpha shirt", category=plain, price=Decimal("20.00"), tags=[summer])
    hat = ProductFactory(sku="HAT-1", name="Beta hat", category=priced, price=None, stock=3, status=ProductStatus.DRAFT)
    socks = ProductFactory(sku="SOCK-1", name="Gamma socks", category=plain, price=None, stock=0)
    boots = ProductFactory(
        sku="BOOT-1",
        name="Delta boots",
        category=plain,
        price=Decimal("50.00"),
        stock=-2,
        allow_backorder=True,
        status=ProductStatus.ARCHIVED,
    )
    OrderLineFactory(order=OrderFactory(status=OrderStatus.PAID), product=shirt, quantity=2)
    OrderLineFactory(order=OrderFactory(status=OrderStatus.CANCELLED), product=shirt, quantity=1)
    OrderLineFactory(order=OrderFactory(status=OrderStatus.DRAFT, placed_at=None), product=boots, quantity=4)
    recount_units_sold()  # the factories write lines without the services that keep the counter
    return {"shirt": shirt, "hat": hat, "socks": socks, "boots": boots, "summer": summer, "hats": priced}
