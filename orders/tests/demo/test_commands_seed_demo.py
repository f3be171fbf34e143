"""``manage.py seed_demo``: the same seed gives the same shop, and the shop is consistent."""

import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from backoffice.db import capabilities
from inventory.models import Category, Product, StockMovement, Tag
from orders.choices import REVENUE_STATUSES
from orders.models import Customer, Order, OrderLine, OrderNumber
from orders.pricing import TIER_DISCOUNT_RATES, apply_discount, order_totals
from orders.services import next_order_number

pytestmark = pytest.mark.django_db

SMALL = ["--products", "20", "--customers", "10", "--orders", "30", "--seed", "7"]


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, verbosity=0)
    return out.getvalue()


def fingerprint():
    """Everything seed_demo decides, without ids, dates and the order number's year."""
    lines = defaultdict(list)
    for number, sku, quantity, unit_price in OrderLine.objects.values_list(
        "order__number", "product__sku", "quantity", "unit_price"
    ).order_by("order__number", "product__sku"):
        lines[number.rsplit("-", 1)[1]].append((sku, quantity, unit_price))
    orders = [
        (number.rsplit("-", 1)[1], email, status, rate, lines[number.rsplit("-", 1)[1]])
        for number, email, status, rate in Order.objects.values_list(
            "number", "customer__email", "status", "discount_rate"
        ).order_by("number")
    ]
    products = list(
        Product.objects.values_list(
            "sku", "name", "category__name", "price", "stock", "status", "allow_backorder"
        ).order_by("sku")
    )
    customers = list(Customer.objects.values_list("email", "first_name", "last_name", "tier").order_by("email"))
    movements = sorted(StockMovement.objects.values_list("product__sku", "delta", "stock_after", "reason"))
    return orders, products, customers, movements


def revenue_line(output):
    return re.search(r"Revenue \(placed to delivered\): ([\d,.]+)\.", output).group(1)


def test_a_small_run_creates_exactly_what_was_asked():
    output = seed(*SMALL)
    assert Product.objects.filter(sku__startswith="SEED-").count() == 20
    assert Customer.objects.count() == 10
    assert Order.objects.count() == 30
    assert Category.objects.count() == 15
    assert Tag.objects.count() == 15
    line_count = OrderLine.objects.count()
    assert output.startswith(f"Seeded 20 products, 10 customers, 30 orders ({line_count} lines)")
    assert Order.objects.filter(number__regex=r"^ORD-\d{4}-0000(0[1-9]|[12]\d|30)$").count() == 30


def test_the_same_seed_gives_the_same_numbers_and_totals():
    first_output = seed(*SMALL)
    first = fingerprint()
    for model in (StockMovement, OrderLine, Order, OrderNumber, Product, Customer):
        model.objects.all().delete()
    second_output = seed(*SMALL)
    assert fingerprint() == first
    assert revenue_line(second_output) == revenue_line(first_output)
    for model in (StockMovement, OrderLine, Order, OrderNumber, Product, Customer):
        model.objects.all().delete()
    other_output = seed(*SMALL[:-1], "8")
    assert fingerprint() != first
    assert revenue_line(other_output) != revenue_line(first_output)


def test_seeded_data_is_consistent():
    output = seed(*SMALL)
    effective = dict(Product.objects.with_effective_price().values_list("pk", "effective_price"))
    rows = list(OrderLine.objects.values_list("order_id", "product_id", "quantity", "unit_price"))
    assert all(unit_price == effective[product_id] for _, product_id, _, unit_price in rows)
    # One line per product per order, and no order without lines.
    assert len({(order_id, product_id) for order_id, product_id, _, _ in rows}) == len(rows)
    assert {order_id for order_id, *_ in rows} == set(Order.objects.values_list("pk", flat=True))
    # Drafts are not placed and keep no rate; placed orders keep their customer's tier rate.
    for status, placed_at, rate, tier in Order.objects.values_list(
        "status", "placed_at", "discount_rate", "customer__tier"
    ):
        if status == "draft":
            assert (placed_at, rate) == (None, None)
        else:
            assert placed_at is not None and rate == TIER_DISCOUNT_RATES[tier]
    # The revenue the summary reports is the one the order totals add up to.
    subtotal = defaultdict(Decimal)
    for order_id, _, quantity, unit_price in rows:
        subtotal[order_id] += quantity * unit_price
    holding = set(Order.objects.filter(status__in=REVENUE_STATUSES).values_list("pk", flat=True))
    revenue = sum(
        apply_discount(subtotal[pk], rate)
        for pk, rate in Order.objects.filter(status__in=REVENUE_STATUSES).values_list("pk", "discount_rate")
    )
    assert revenue_line(output) == f"{revenue:,.2f}"
    # Each placed order stores what its lines add up to (orders.pricing.order_totals); drafts store nothing.
    lines_of = defaultdict(list)
    for order_id, _, quantity, unit_price in rows:
        lines_of[order_id].append((quantity, unit_price))
    for pk, status, rate, *stored in Order.objects.values_list(
        "pk", "status", "discount_rate", "placed_subtotal", "placed_total", "placed_line_count"
    ):
        expected = [None, None, None] if status == "draft" else list(order_totals(lines_of[pk], rate))
        assert stored == expected, pk
    # Units sold are the units on orders that hold stock, as the services keep them.
    sold = defaultdict(int)
    for order_id, product_id, quantity, _ in rows:
        if order_id in holding:
            sold[product_id] += quantity
    assert dict(Product.objects.filter(units_sold__gt=0).values_list("pk", "units_sold")) == dict(sold)
    # Each customer's stored order figures are what its orders add up to.
    stats = ["order_count", "lifetime_value", "last_order_at", "last_order_number"]
    for row in Customer.objects.with_order_stats_from_orders().values("pk", *stats, *[f"computed_{f}" for f in stats]):
        assert [row[f] for f in stats] == [row[f"computed_{f}"] for f in stats], row["pk"]
    assert Customer.objects.filter(order_count__gt=0).count() >= 1
    # Stock is the sum of each product's movements, and only products for sale were ordered.
    sums = dict(StockMovement.objects.values("product").annotate(t=Sum("delta")).values_list("product", "t"))
    for pk, stock, backorder in Product.objects.values_list("pk", "stock", "allow_backorder"):
        assert stock == sums.get(pk, 0)
        assert stock >= 0 or backorder
    assert not OrderLine.objects.filter(product__status="draft").exists()
    assert Counter(Customer.objects.with_has_orders().values_list("has_orders", flat=True))[False] >= 1


def test_refuses_a_database_with_orders_unless_appending():
    seed(*SMALL)
    with pytest.raises(CommandError) as refused:
        seed(*SMALL)
    assert str(refused.value) == (
        "The database already has 30 orders; seed_demo fills an empty shop so that its figures are reproducible. "
        "Run it against a fresh database, or pass --append to add to the existing data."
    )
    assert Order.objects.count() == 30

    seed(*SMALL, "--append")
    assert Order.objects.count() == 60
    assert Product.objects.count() == 40
    assert Customer.objects.count() == 20
    assert Category.objects.count() == 15  # reused, not duplicated
    # The next real order continues after the seeded numbers (MySQL's AUTO_INCREMENT never goes back
    # after a rollback, so there it may continue from further up).
    tail = int(next_order_number().rsplit("-", 1)[1])
    assert tail == 61 if not capabilities().auto_increment_gaps else tail > 60


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orders", "-1"], "--orders must be at least 0 (got -1)."),
        (["--lines-per-order", "0"], "--lines-per-order must be at least 1 (got 0)."),
        (["--products", "0", "--orders", "5"], "Orders need products: pass --products N (at least 1)."),
    ],
)
def test_bad_arguments_get_a_clear_message(args, message):
    with pytest.raises(CommandError) as refused:
        seed(*args)
    assert str(refused.value) == message
    assert Order.objects.count() == 0
