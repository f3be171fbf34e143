"""``manage.py load_demo``: the demo shop, exactly once, with recent dates and a first history row each."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from backoffice.db import capabilities
from inventory.models import Category, Product, StockMovement, Tag
from inventory.tests.factories import ProductFactory, UserFactory
from orders.demo.load import HISTORY_REASON
from orders.models import Address, Customer, Order, OrderLine
from orders.services import place_order

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each test loads the demo fixture

FIXTURE_COUNTS = {
    Category: 15,
    Tag: 15,
    Product: 60,
    StockMovement: 296,
    Customer: 30,
    Address: 30,
    Order: 100,
    OrderLine: 207,
}


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model: model.objects.count() for model in FIXTURE_COUNTS}


def test_loads_exactly_the_fixture_and_a_second_run_adds_nothing():
    output = load()
    assert counts() == FIXTURE_COUNTS
    assert "Loaded demo data: 15 categories, 15 tags, 60 products, 296 stock movements" in output
    history_rows = Product.history.count() + Order.history.count()

    assert load().strip() == "Demo data already present; nothing loaded."
    assert counts() == FIXTURE_COUNTS
    assert Product.history.count() + Order.history.count() == history_rows


def test_a_staff_user_made_first_is_no_customer_in_the_way():
    UserFactory(username="admin", is_superuser=True)  # as ensure_admin before the first load
    load()
    assert counts() == FIXTURE_COUNTS


def test_nothing_is_loaded_into_a_shop_that_has_products():
    ProductFactory(sku="OWN-1")
    assert load().strip() == "Demo data already present; nothing loaded."
    assert Product.objects.count() == 1
    assert Order.objects.count() == 0


def test_catalogue_shape():
    load()
    assert Counter(Product.objects.values_list("status", flat=True)) == {"published": 51, "draft": 5, "archived": 4}
    assert Product.objects.filter(price__isnull=True).count() == 20
    sources = Counter(Product.objects.with_effective_price().values_list("price_source", flat=True))
    assert sources == {"own": 40, "category": 18, "site": 2}
    assert sorted(Product.objects.filter(stock=0).values_list("sku", flat=True)) == [
        "ACC-BEA-MUS", "KIT-BRD-OAK", "SWT-REC-FOR-L", "TRS-LIN-NAT-M",
    ]  # fmt: skip
    backordered = dict(Product.objects.filter(stock__lt=0).values_list("sku", "stock"))
    assert backordered == {"JKT-DWN-BLK-L": -5, "KNT-MER-NVY-M": -3, "BAG-WKD-BRN": -2, "BED-THR-WOL": -1}
    assert Product.objects.filter(allow_backorder=True).count() == 4
    assert Category.objects.filter(parent__isnull=True).count() == 3
    assert Category.objects.filter(default_price__isnull=False).count() == 7
    assert Product.tags.through.objects.count() == 99


def test_every_products_stock_is_the_sum_of_its_movements():
    load()
    sums = dict(StockMovement.objects.values("product").annotate(total=Sum("delta")).values_list("product", "total"))
    for pk, stock in Product.objects.values_list("pk", "stock"):
        assert stock == sums.get(pk, 0)
    assert Counter(StockMovement.objects.values_list("reason", flat=True)) == {
        "sale": 194, "restock": 60, "refund": 20, "cancellation": 19, "adjustment": 3,
    }  # fmt: skip


def test_order_lines_carry_the_effective_price_and_orders_the_tier_rate():
    load()
    effective = dict(Product.objects.with_effective_price().values_list("pk", "effective_price"))
    lines = list(OrderLine.objects.values_list("product_id", "unit_price"))
    assert len(lines) == 207
    assert all(unit_price == effective[product_id] for product_id, unit_price in lines)
    rates = {"regular": Decimal("0"), "silver": Decimal("0.05"), "gold": Decimal("0.10"), "vip": Decimal("0.15")}
    for order in Order.objects.exclude(status="draft").select_related("customer"):
        assert order.discount_rate == rates[order.customer.tier]
    assert not Order.objects.filter(status="draft", placed_at__isnull=False).exists()
    revenue = Order.objects.revenue().with_totals().aggregate(revenue=Sum("total"))["revenue"]
    assert Decimal(revenue).quantize(Decimal("0.01")) == Decimal("10710.54")


def test_statuses_tiers_and_customers_without_orders():
    load()
    assert Counter(Order.objects.values_list("status", flat=True)) == {
        "delivered": 35, "shipped": 19, "placed": 11, "cancelled": 10, "refunded": 10, "paid": 9, "draft": 6,
    }  # fmt: skip
    assert Counter(Customer.objects.values_list("tier", flat=True)) == {"regular": 14, "silver": 8, "gold": 5, "vip": 3}
    assert Customer.objects.never_ordered().count() == 5


def test_dates_are_moved_so_the_newest_order_is_a_few_hours_old():
    before = timezone.now()
    load()
    placed = Order.objects.exclude(placed_at=None).values_list("placed_at", flat=True)
    newest = placed.order_by("-placed_at").first()
    assert before - timedelta(hours=3, seconds=1) <= newest <= timezone.now() - timedelta(hours=3, seconds=-1)
    oldest = placed.order_by("placed_at").first()
    assert timedelta(days=89) < newest - oldest < timedelta(days=90)
    assert Order.objects.filter(placed_at__gte=timezone.now() - timedelta(days=30)).count() == 31
    # Nothing, not even a late status change or restock, lies in the future.
    assert not Order.objects.filter(updated_at__gt=timezone.now()).exists()
    assert not StockMovement.objects.filter(created_at__gt=timezone.now()).exists()
    assert not Product.objects.filter(published_at__gt=timezone.now()).exists()


def test_every_loaded_object_gets_one_creation_history_row():
    load()
    for model, count in FIXTURE_COUNTS.items():
        if model is StockMovement:
            continue
        rows = model.history.all()
        assert rows.count() == count
        assert set(rows.values_list("history_type", "history_change_reason", "history_user")) == {
            ("+", HISTORY_REASON, None)
        }
    # The product's tags are part of its first snapshot, so reverting to it keeps them.
    assert apps.get_model("inventory", "HistoricalProduct_tags").objects.count() == 99


def test_the_order_number_sequence_continues_after_the_demo_orders():
    load()
    staff_user = UserFactory(username="clerk")  # staff: a profile, no customer
    customer = Customer.objects.get(email="anna.schmidt@example.com")
    product = Product.objects.get(sku="TSH-STR-NVY-M")
    order = place_order(customer=customer, lines=[(product, 1)], user=staff_user)
    tail = int(order.number.rsplit("-", 1)[1])
    # MySQL's AUTO_INCREMENT does not go back after earlier tests' rollbacks; elsewhere it is exact.
    assert tail == 101 if not capabilities().auto_increment_gaps else tail > 100


def test_nothing_is_loaded_over_existing_customers():
    # A shopper's account made before loading: its customer has an id the demo customers would overwrite.
    shopper = UserFactory(username="clerk", is_staff=False)
    profile = Customer.objects.get(user=shopper)
    output = load()
    assert output.strip() == (
        "Demo data not loaded: the database already has 1 customers, which the demo's rows would overwrite. "
        "Load it into a fresh database, before creating users (`make run` does it in that order)."
    )
    assert list(Customer.objects.all()) == [profile]
    assert Customer.objects.get().email == "clerk@shop.test"
    assert Order.objects.count() == 0 and Category.objects.count() == 0
