"""Admin export: the changelist's filters and search, CSV and XLSX, chosen columns, permissions, safety."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backoffice.tests.io.helpers import login
from backoffice.tests.io.test_admin_import import with_perms
from inventory.choices import ProductStatus
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:inventory_product_export")
CHANGELIST = reverse("admin:inventory_product_changelist")
ALL_COLUMNS = ["sku", "name", "description", "category", "tags", "price", "cost", "stock", "allow_backorder", "status"]


@pytest.fixture
def products():
    clothing = CategoryFactory(name="Clothing")
    tees = CategoryFactory(name="Tshirts", parent=clothing)
    red = TagFactory(name="red")
    ProductFactory(sku="TEE-1", name="Red tee", category=tees, price=Decimal("19.90"), stock=5, tags=[red])
    ProductFactory(sku="TEE-2", name="=HYPERLINK(1)", category=tees, price=None, stock=0, status=ProductStatus.DRAFT)
    ProductFactory(sku="MUG-1", name="-mug", description="@home\tx", category=clothing, stock=-3, allow_backorder=True)


def export(client, query="", file_format="0", columns=ALL_COLUMNS):
    data = {"resource": "0", "format": file_format}
    data.update({f"productcolumns_{name}": "on" for name in columns})
    return client.post(EXPORT_URL + query, data)


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_streams_all_columns(client, superuser, products):
    login(client, superuser)
    response = export(client)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    rows = csv_rows(response)
    assert rows[0] == ALL_COLUMNS
    assert rows[1:] == [
        ["MUG-1", "'-mug", "'@home\tx", "Clothing", "", "20.00", "8.00", "-3", "yes", "published"],
        ["TEE-1", "Red tee", "", "Clothing > Tshirts", "red", "19.90", "8.00", "5", "no", "published"],
        ["TEE-2", "'=HYPERLINK(1)", "", "Clothing > Tshirts", "", "", "8.00", "0", "no", "draft"],
    ]


def test_export_honours_search_and_filters_and_column_choice(client, superuser, products):
    login(client, superuser)
    rows = csv_rows(export(client, "?q=tee", columns=["sku", "price"]))
    assert rows == [["sku", "price"], ["TEE-1", "19.90"], ["TEE-2", ""]]
    rows = csv_rows(export(client, "?q=tee&status__exact=draft", columns=["sku"]))
    assert rows == [["sku"], ["TEE-2"]]


def test_export_form_offers_csv_and_xlsx_and_keeps_the_filters(client, superuser, products):
    login(client, superuser)
    response = client.get(EXPORT_URL + "?q=tee")
    form = response.context["form"]
    assert [label for _value, label in form.fields["format"].choices] == ["Select format", "csv", "xlsx"]
    changelist = client.get(CHANGELIST + "?q=tee").content.decode()
    assert f"{EXPORT_URL}?q=tee" in changelist


def test_xlsx_export_keeps_numbers_and_makes_text_inert(client, superuser, products):
    login(client, superuser)
    response = export(client, file_format="1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ALL_COLUMNS
    mug = rows[1]
    assert mug[:3] == ["MUG-1", "'-mug", "'@home\tx"]
    assert mug[7] == -3 and isinstance(mug[7], int)
    assert rows[3][1] == "'=HYPERLINK(1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_needs_view_and_export_permissions(client, products):
    no_export = with_perms("view_product", username="viewer")
    login(client, no_export)
    assert client.get(EXPORT_URL).status_code == 403
    assert export(client).status_code == 403
    assert EXPORT_URL not in client.get(CHANGELIST).content.decode()

    exporter = with_perms("view_product", "export_product", username="exporter")
    login(client, exporter)
    assert client.get(EXPORT_URL).status_code == 200
    assert EXPORT_URL in client.get(CHANGELIST).content.decode()
    assert export(client).status_code == 200


def test_order_export_is_one_row_per_line(client, superuser):
    from orders.tests.factories import OrderFactory, OrderLineFactory

    login(client, superuser)
    order = OrderFactory(number="ORD-1")
    OrderLineFactory(order=order, product=ProductFactory(sku="A-1"), quantity=2, unit_price=Decimal("3.00"))
    OrderLineFactory(order=order, product=ProductFactory(sku="B-1"), quantity=1, unit_price=Decimal("4.00"))
    response = client.post(
        reverse("admin:orders_order_export"),
        {"resource": "0", "format": "0", "ordercolumns_order_number": "on", "ordercolumns_sku": "on"},
    )
    assert csv_rows(response) == [["order_number", "sku"], ["ORD-1", "A-1"], ["ORD-1", "B-1"]]
