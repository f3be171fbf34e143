"""PostgreSQL bulk helpers: key reservation, ``= ANY(array)`` lookups, UPDATE from arrays."""

from decimal import Decimal

import pytest

from backoffice.db import capabilities
from backoffice.importing import pgcopy
from inventory.models import Product, Tag
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(not capabilities().copy, reason="PostgreSQL only"),
]


def test_reserved_keys_are_fresh_and_never_handed_out_again():
    before = TagFactory(name="before").pk
    keys = list(pgcopy.reserve_ids(Tag, 5))
    assert len(set(keys)) == 5 and min(keys) > before
    assert TagFactory(name="after").pk > max(keys)
    assert pgcopy.reserve_ids(Tag, 0) == []


def test_column_in_and_update_rows():
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    pot = ProductFactory(sku="POT-1", name="Pot", category=kitchen, price=Decimal("5.00"))
    pan = ProductFactory(sku="PAN-1", name="Pan", category=kitchen, price=Decimal("7.00"))
    ProductFactory(sku="CUP-1", category=kitchen)
    found = Product.objects.filter(pgcopy.column_in(Product, "sku", ["POT-1", "PAN-1", "NONE"]))
    assert sorted(found.values_list("sku", flat=True)) == ["PAN-1", "POT-1"]
    pot.name, pot.price, pot.category_id = "Big pot", None, garden.pk
    pan.name, pan.price = "Pan", Decimal("8.50")
    assert pgcopy.update_rows(Product, [pot, pan], ["name", "price", "category_id"]) == 2
    rows = sorted(Product.objects.values_list("sku", "name", "price", "category__name"))
    assert rows == [
        ("CUP-1", Product.objects.get(sku="CUP-1").name, Decimal("20.00"), "Kitchen"),
        ("PAN-1", "Pan", Decimal("8.50"), "Kitchen"),
        ("POT-1", "Big pot", None, "Garden"),
    ]
