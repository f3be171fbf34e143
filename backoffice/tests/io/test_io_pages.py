"""The import and export pages: crumbs and heading, column labels, what the export will hold, preview keys."""

import pytest
from django.urls import reverse

from backoffice.tests.io.helpers import csv_bytes, login
from backoffice.tests.io.test_admin_import import upload
from inventory.choices import ProductStatus
from inventory.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:inventory_product_export")
IMPORT_URL = reverse("admin:inventory_product_import")
CHANGELIST = reverse("admin:inventory_product_changelist")
ORDER_EXPORT_URL = reverse("admin:orders_order_export")


@pytest.fixture
def catalogue():
    cups = CategoryFactory(name="Cups")
    ProductFactory(sku="TEE-1", name="Red tee", category=cups)
    ProductFactory(sku="TEE-2", name="Blue tee", category=cups, status=ProductStatus.DRAFT)
    ProductFactory(sku="MUG-1", name="Mug", category=cups)


def crumbs(html):
    start = html.index('id="io-breadcrumbs"')
    return html[start : html.index("</nav>", start)]


def test_export_page_names_columns_by_verbose_name_and_keeps_machine_headers(client, superuser, catalogue):
    login(client, superuser)
    form = client.get(EXPORT_URL).context["form"]
    labels = {name: str(field.label) for name, field in form.fields.items() if name.startswith("productcolumns_")}
    assert labels["productcolumns_sku"] == "SKU (column sku)"
    assert labels["productcolumns_allow_backorder"] == "Allow backorder (column allow_backorder)"
    assert labels["productcolumns_price"] == "Price (column price)"
    assert len(labels) == 10


def test_export_page_says_which_rows_and_how_many(client, superuser, catalogue):
    login(client, superuser)
    response = client.get(EXPORT_URL + "?q=tee&status__exact=draft")
    html = response.content.decode()
    assert response.context["export_count"] == 1
    assert response.context["export_filters"] == [("q", "tee"), ("status__exact", "draft")]
    assert "<code>q = tee</code>, <code>status__exact = draft</code>" in html
    assert "It will hold 1 row (products)." in html
    whole = client.get(EXPORT_URL).content.decode()
    assert "No filter or search is applied: the file holds the whole list." in whole
    assert "It will hold 3 rows (products)." in whole


def test_export_page_counts_order_lines_for_orders(client, superuser):
    from orders.tests.factories import OrderLineFactory

    line = OrderLineFactory(quantity=2)
    OrderLineFactory(order=line.order)
    OrderLineFactory()
    login(client, superuser)
    html = client.get(ORDER_EXPORT_URL).content.decode()
    assert "It will hold 3 rows (order lines)." in html


def test_import_and_export_pages_have_a_crumb_and_a_heading(client, superuser, catalogue):
    login(client, superuser)
    html = client.get(IMPORT_URL).content.decode()
    trail = crumbs(html)
    assert f'href="{CHANGELIST}"' in trail and ">Products</a>" in trail
    assert 'aria-current="page">Import</span>' in trail
    assert '<h2 id="io-heading"' in html and "Import products</h2>" in html
    html = client.get(EXPORT_URL).content.decode()
    assert 'aria-current="page">Export</span>' in crumbs(html)
    assert "Export products</h2>" in html


def test_preview_lists_new_and_updated_keys_first_fifty(client, superuser, catalogue):
    login(client, superuser)
    rows = [["sku", "name", "category"], ["TEE-1", "Red tee v2", "Cups"], ["MUG-1", "Mug", "Cups"]]
    rows += [[f"NEW-{i:03d}", f"New {i}", "Cups"] for i in range(53)]
    response = upload(client, csv_bytes(rows))
    report = response.context["report"]
    assert (report.new, report.updated, report.unchanged) == (53, 1, 1)
    assert report.new_keys == [f"NEW-{i:03d}" for i in range(50)]
    assert report.updated_keys == ["TEE-1"]
    html = response.content.decode()
    new_line = html[html.index('id="import-new-keys"') :]
    assert "NEW-000, NEW-001" in new_line and "NEW-049 and 3 more" in new_line
    assert "NEW-050" not in html
    updated = html[html.index('id="import-updated-keys"') :]
    assert "Will be updated:</span>" in updated and "TEE-1\n" in updated[: updated.index("</p>")]


def test_order_export_columns_have_names_too(client, superuser):
    login(client, superuser)
    form = client.get(ORDER_EXPORT_URL).context["form"]
    labels = [str(field.label) for name, field in form.fields.items() if name.startswith("ordercolumns_")]
    assert labels == [
        "Order number (column order_number)",
        "Placed at (column placed_at)",
        "Customer email (column customer_email)",
        "Status (column status)",
        "SKU (column sku)",
        "Quantity (column quantity)",
        "Unit price (column unit_price)",
        "Line total (column line_total)",
        "Discount rate (column discount_rate)",
        "Order total (column order_total)",
    ]
