"""CSV exports by PostgreSQL's COPY: the same bytes as the Python writer, and the fallback elsewhere."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backoffice.db import capabilities
from backoffice.importing import exporting
from backoffice.importing.exporting import BOM, copy_statement, csv_chunks, exporter_for, python_csv_chunks
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(not capabilities().copy, reason="COPY is PostgreSQL's")


@pytest.fixture
def orders():
    """Placed and draft orders, with cells that need quoting, converting or leaving empty."""
    gold = CustomerFactory(tier=CustomerTier.GOLD)
    Customer.objects.filter(pk=gold.pk).update(email="=HYPERLINK(1)@example.com")  # past the validators
    placed = OrderFactory(
        number="ORD-1",
        customer=gold,
        placed_at=datetime(2026, 3, 1, 23, 30, 15, 999999, tzinfo=UTC),
        discount_rate=Decimal("0.10"),
    )
    minus = ProductFactory(sku="MINUS-1")
    Product.objects.filter(pk=minus.pk).update(sku="-MINUS")
    OrderLineFactory(order=placed, product=minus, quantity=2, unit_price=Decimal("10.00"))
    OrderLineFactory(order=placed, product=ProductFactory(sku="COMMA-1"), quantity=1, unit_price=Decimal("5.55"))
    Product.objects.filter(sku="COMMA-1").update(sku='a,"b"')
    draft = OrderFactory(
        number="ORD-2",
        customer=CustomerFactory(email="silver@example.com", tier=CustomerTier.SILVER),
        status=OrderStatus.DRAFT,
        placed_at=None,  # NULL: an empty cell
    )
    OrderLineFactory(order=draft, product=ProductFactory(sku="C-1"), quantity=3, unit_price=Decimal("1.15"))
    return Order.objects.all()


def python_text(queryset=None, *, bom=True):
    exporter = exporter_for("order")
    return "".join(python_csv_chunks(exporter, exporter.queryset(queryset), exporter.select(), bom=bom))


def copy_text(queryset=None, *, bom=True, names=None):
    exporter = exporter_for("order")
    rows, columns = exporter.queryset(queryset), exporter.select(names)
    assert copy_statement(rows, columns) is not None
    return "".join(csv_chunks(exporter, rows, columns, bom=bom))


@on_postgresql
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_copy_writes_the_python_writers_bytes(orders, zone):
    with timezone.override(zone):
        expected = python_text()
        assert copy_text() == expected
    lines = expected.split("\r\n")
    # What the conversions have to agree on, so that the comparison above is not vacuous.
    assert lines[0] == BOM + (
        "order_number,placed_at,customer_email,status,sku,quantity,unit_price,line_total,discount_rate,order_total"
    )
    local = {"UTC": "2026-03-01T23:30:15+00:00", "Asia/Kolkata": "2026-03-02T05:00:15+05:30"}
    local["America/St_Johns"] = "2026-03-01T20:00:15-03:30"
    assert lines[1] == f"ORD-1,{local[zone]},'=HYPERLINK(1)@example.com,placed,'-MINUS,2,10.00,20.00,0.1000,23.00"
    assert lines[2] == f'ORD-1,{local[zone]},\'=HYPERLINK(1)@example.com,placed,"a,""b""",1,5.55,5.55,0.1000,23.00'
    # A draft: no placing time, its customer's tier rate and the total of its lines (3.45 less 5 %).
    assert lines[3] == "ORD-2,,silver@example.com,draft,C-1,3,1.15,3.45,0.0500,3.28"
    assert lines[4] == ""


@on_postgresql
def test_copy_of_filtered_orders_and_chosen_columns(orders):
    drafts = Order.objects.filter(status=OrderStatus.DRAFT)
    assert copy_text(drafts, bom=False) == python_text(drafts, bom=False)
    assert copy_text(names=["sku", "placed_at"]).split("\r\n")[1:] == [
        "2026-03-01T23:30:15+00:00,'-MINUS",
        '2026-03-01T23:30:15+00:00,"a,""b"""',
        ",C-1",
        "",
    ]


@on_postgresql
def test_copy_leaves_the_sessions_time_zone_as_it_was(orders):
    with timezone.override("Asia/Kolkata"):
        copy_text()
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"


@on_postgresql
def test_export_data_writes_orders_by_copy(orders, tmp_path, monkeypatch):
    expected = python_text().encode("utf-8")

    def no_python(*args, **kwargs):
        raise AssertionError("the Python writer was used")

    monkeypatch.setattr(exporting.Exporter, "rows", no_python)
    out = io.StringIO()
    call_command("export_data", "order", "--output", str(tmp_path / "o.csv"), stdout=out)
    assert (tmp_path / "o.csv").read_bytes() == expected
    assert out.getvalue().strip() == f"3 order row(s) written to {tmp_path / 'o.csv'}."


def test_python_writer_where_copy_does_not_apply(orders, tmp_path):
    products = exporter_for("product")  # its category path is computed in Python
    assert copy_statement(products.queryset(), products.select()) is None
    order = exporter_for("order")
    one_column = order.select(["sku"])  # csv.writer quotes a lone empty cell; COPY would not
    assert copy_statement(order.queryset(), one_column) is None
    with timezone.override(timezone.get_fixed_timezone(60)):  # no name PostgreSQL would know
        assert copy_statement(order.queryset(), order.select()) is None
    if not capabilities().copy:
        assert copy_statement(order.queryset(), order.select()) is None
    # Whichever path wrote it, the command's file is the Python writer's.
    call_command("export_data", "order", "--output", str(tmp_path / "o.csv"), stdout=io.StringIO())
    assert (tmp_path / "o.csv").read_bytes() == python_text().encode("utf-8")


@on_postgresql
def test_an_export_stopped_half_way_leaves_the_connection_usable(orders, monkeypatch):
    monkeypatch.setattr(exporting.CopyCSV, "rows_per_block", 1)
    exporter = exporter_for("order")
    with timezone.override("Asia/Kolkata"):
        chunks = csv_chunks(exporter, exporter.queryset(), exporter.select())
        next(chunks), next(chunks)  # the header, the first line: then the client goes away
        chunks.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"
    assert Order.objects.count() == 2
