from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inventory.choices import ProductStatus
from inventory.models import Product, may_hold_stock
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory
from orders.choices import OrderStatus
from orders.querysets import units_sold_from_lines
from orders.recount import recount_units_sold
from orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(settings):
    """Five products covering every price source, stock state and status."""
    settings.DEFAULT_PRODUCT_PRICE = Decimal("10.00")
    shirts = CategoryFactory(name="Shirts", default_price=Decimal("25.00"))
    mugs = CategoryFactory(name="Mugs", default_price=None)
    summer, cotton = TagFactory(name="summer"), TagFactory(name="cotton")
    return {
        "own": ProductFactory(
            sku="TEE-RED", name="Red tee", category=shirts, price=Decimal("19.99"), stock=12, tags=[summer, cotton]
        ),
        "category": ProductFactory(sku="TEE-BLUE", name="Blue tee", category=shirts, price=None, stock=0),
        "site": ProductFactory(sku="MUG-1", name="Mug", category=mugs, price=None, stock=3, tags=[cotton]),
        "backorder": ProductFactory(
            sku="MUG-2", name="Big mug", category=mugs, stock=0, allow_backorder=True, status=ProductStatus.DRAFT
        ),
        "archived": ProductFactory(sku="OLD-1", name="Old hat", category=mugs, stock=1, status=ProductStatus.ARCHIVED),
    }


def skus(queryset):
    return sorted(queryset.values_list("sku", flat=True))


def test_published_keeps_only_published_products(catalogue):
    assert skus(Product.objects.published()) == ["MUG-1", "TEE-BLUE", "TEE-RED"]


def test_available_means_stock_or_backorder(catalogue):
    assert skus(Product.objects.available()) == ["MUG-1", "MUG-2", "OLD-1", "TEE-RED"]


def test_availability_adjectives_split_the_catalogue_as_available_does(catalogue):
    """in stock + backorder only = available; unavailable = the rest (the admin's availability filter)."""
    ProductFactory(sku="MUG-3", category=catalogue["site"].category, stock=2, allow_backorder=True)
    products = Product.objects
    assert skus(products.in_stock()) == ["MUG-1", "MUG-3", "OLD-1", "TEE-RED"]
    assert skus(products.backorder_only()) == ["MUG-2"]
    assert skus(products.unavailable()) == ["TEE-BLUE"]
    assert sorted(skus(products.in_stock()) + skus(products.backorder_only())) == skus(products.available())
    assert sorted(skus(products.available()) + skus(products.unavailable())) == skus(products.all())


@pytest.mark.parametrize(
    ("stock", "allow_backorder", "allowed"), [(0, False, True), (-1, False, False), (-1, True, True)]
)
def test_may_hold_stock_is_the_database_constraint(catalogue, stock, allow_backorder, allowed):
    """The Python rule agrees with ``product_stock_gte_0``: what it refuses, the database refuses."""
    assert may_hold_stock(stock, allow_backorder) is allowed
    product = catalogue["own"]
    try:
        with transaction.atomic():
            Product.objects.filter(pk=product.pk).update(stock=stock, allow_backorder=allow_backorder)
        stored = True
    except IntegrityError:
        stored = False
    assert stored is allowed


def test_low_stock_uses_threshold_and_skips_archived(catalogue, settings):
    assert skus(Product.objects.low_stock(3)) == ["MUG-1", "MUG-2", "TEE-BLUE"]
    settings.LOW_STOCK_THRESHOLD = 0
    assert skus(Product.objects.low_stock()) == ["MUG-2", "TEE-BLUE"]


def test_effective_price_falls_back_to_category_then_site_default(catalogue):
    rows = {p.sku: (p.effective_price, p.price_source) for p in Product.objects.with_effective_price()}
    assert rows["TEE-RED"] == (Decimal("19.99"), "own")
    assert rows["TEE-BLUE"] == (Decimal("25.00"), "category")
    assert rows["MUG-1"] == (Decimal("10.00"), "site")


def test_effective_price_is_sortable(catalogue):
    ordered = Product.objects.with_effective_price().order_by("effective_price", "sku")
    # MUG-1 10.00 (site), MUG-2 and OLD-1 20.00 (factory price), TEE-RED 19.99, TEE-BLUE 25.00
    assert list(ordered.values_list("sku", flat=True)) == ["MUG-1", "TEE-RED", "MUG-2", "OLD-1", "TEE-BLUE"]


def test_units_sold_counts_only_orders_that_are_sales(catalogue):
    red = catalogue["own"]
    OrderLineFactory(product=red, quantity=2, order=OrderFactory(status=OrderStatus.PLACED))
    OrderLineFactory(product=red, quantity=3, order=OrderFactory(status=OrderStatus.DELIVERED))
    OrderLineFactory(product=red, quantity=7, order=OrderFactory(status=OrderStatus.CANCELLED))
    OrderLineFactory(product=red, quantity=9, order=OrderFactory(status=OrderStatus.DRAFT))
    sold = dict(
        Product.objects.annotate(units_sold_from_lines=units_sold_from_lines()).values_list(
            "sku", "units_sold_from_lines"
        )
    )
    assert sold == {"TEE-RED": 5, "TEE-BLUE": 0, "MUG-1": 0, "MUG-2": 0, "OLD-1": 0}


def test_has_orders_counts_any_line(catalogue):
    OrderLineFactory(product=catalogue["site"], order=OrderFactory(status=OrderStatus.CANCELLED))
    OrderLineFactory(product=catalogue["own"], order=OrderFactory(status=OrderStatus.PAID))
    recount_units_sold()
    flags = dict(Product.objects.with_has_orders().values_list("sku", "has_orders"))
    assert flags == {"TEE-RED": True, "TEE-BLUE": False, "MUG-1": True, "MUG-2": False, "OLD-1": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tee", ["TEE-BLUE", "TEE-RED"]),
        ("mug-", ["MUG-1", "MUG-2"]),
        ("COTTON", ["MUG-1", "TEE-RED"]),
        ("summer", ["TEE-RED"]),
        ("  ", ["MUG-1", "MUG-2", "OLD-1", "TEE-BLUE", "TEE-RED"]),
        ("nothing", []),
    ],
)
def test_search_matches_sku_name_and_tag_names_without_duplicates(catalogue, text, expected):
    result = Product.objects.search(text)
    assert sorted(p.sku for p in result) == expected  # no row twice although two tags match


def test_with_available_annotates_what_available_filters(catalogue):
    flags = dict(Product.objects.with_available().values_list("sku", "available"))
    assert flags == {"TEE-RED": True, "TEE-BLUE": False, "MUG-1": True, "MUG-2": True, "OLD-1": True}
    assert sorted(sku for sku, flag in flags.items() if flag) == skus(Product.objects.available())
