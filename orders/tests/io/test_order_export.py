"""Orders export one row per line, with the order's discount rate and total."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.importing.exporting import csv_chunks, exporter_for
from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Order
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
ORD1 = ["ORD-1", "2026-03-01T10:30:00+00:00"]
ORD2 = ["ORD-2", "2026-03-02T09:00:00+00:00"]


@pytest.fixture
def orders():
    gold = CustomerFactory(email="gold@example.com", tier=CustomerTier.GOLD)
    placed = timezone.make_aware(datetime(2026, 3, 1, 10, 30))
    first = OrderFactory(number="ORD-1", customer=gold, placed_at=placed, discount_rate=Decimal("0.10"))
    OrderLineFactory(order=first, product=ProductFactory(sku="A-1"), quantity=2, unit_price=Decimal("10.00"))
    OrderLineFactory(order=first, product=ProductFactory(sku="B-1"), quantity=1, unit_price=Decimal("5.55"))
    draft = OrderFactory(
        number="ORD-2",
        customer=CustomerFactory(email="new@example.com"),
        status=OrderStatus.DRAFT,
        placed_at=timezone.make_aware(datetime(2026, 3, 2, 9, 0)),
    )
    OrderLineFactory(order=draft, product=ProductFactory(sku="C-1"), quantity=3, unit_price=Decimal("1.00"))


def rows(queryset=None):
    exporter = exporter_for("order")
    text = "".join(csv_chunks(exporter, exporter.queryset(queryset), exporter.select(), bom=False))
    return list(csv.reader(io.StringIO(text)))


def test_one_row_per_line_with_order_totals(orders):
    # 25.55 less 10 % = 22.995 -> 23.00; a draft shows its customer's current tier rate (regular: 0).
    assert rows() == [
        [
            "order_number",
            "placed_at",
            "customer_email",
            "status",
            "sku",
            "quantity",
            "unit_price",
            "line_total",
            "discount_rate",
            "order_total",
        ],
        [*ORD1, "gold@example.com", "placed", "A-1", "2", "10.00", "20.00", "0.1000", "23.00"],
        [*ORD1, "gold@example.com", "placed", "B-1", "1", "5.55", "5.55", "0.1000", "23.00"],
        [*ORD2, "new@example.com", "draft", "C-1", "3", "1.00", "3.00", "0.0000", "3.00"],
    ]


def test_only_the_given_orders(orders):
    assert [r[4] for r in rows(Order.objects.filter(status=OrderStatus.DRAFT))[1:]] == ["C-1"]


def test_query_count_does_not_grow_with_rows(orders, django_assert_num_queries):
    exporter = exporter_for("order")
    with django_assert_num_queries(1):
        list(exporter.rows(exporter.queryset(), exporter.select()))


def test_export_data_command_for_orders(orders, tmp_path):
    call_command("export_data", "order", "--output", str(tmp_path / "o.csv"), stdout=io.StringIO())
    written = list(csv.reader(io.StringIO((tmp_path / "o.csv").read_text(encoding="utf-8-sig"))))
    assert written == rows()
    assert [r[9] for r in written[1:]] == ["23.00", "23.00", "3.00"]


def test_order_total_is_the_one_with_totals_gives(orders):
    totals = {o.number: f"{o.total:.2f}" for o in Order.objects.with_totals()}
    assert totals == {"ORD-1": "23.00", "ORD-2": "3.00"}
    assert {r[0]: r[9] for r in rows()[1:]} == totals
