"""Stock movements through the admin: export only (StockMovementAdmin with ImportExportAdminMixin)."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse

from backoffice.admin_io import ImportExportAdminMixin
from backoffice.tests.io.helpers import login
from backoffice.tests.io.test_admin_import import with_perms
from inventory.models import StockMovement
from inventory.services import restock
from inventory.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def url(name):
    return reverse(f"admin:inventory_stockmovement_{name}")


@pytest.fixture
def movements(staff_user):
    mug = ProductFactory(sku="MUG-1", name="Mug", stock=0)
    cup = ProductFactory(sku="CUP-1", name="Cup", stock=0)
    restock(product=mug, quantity=4, user=staff_user, note="box 1")
    restock(product=cup, quantity=2, user=staff_user, note="box 2")


def test_the_admin_uses_the_mixin():
    assert isinstance(admin.site._registry[StockMovement], ImportExportAdminMixin)


def test_export_button_only_and_import_refused(client, superuser, movements):
    login(client, superuser)
    html = client.get(url("changelist")).content.decode()
    assert url("export") in html
    assert url("import") not in html
    assert client.get(url("import")).status_code == 403
    assert client.post(url("process_import"), {}).status_code == 403


def test_export_holds_the_filtered_movements(client, superuser, movements):
    login(client, superuser)
    data = {"resource": "0", "format": "0"}
    data.update({f"stockmovementcolumns_{name}": "on" for name in ["sku", "change", "stock_after", "note", "user"]})
    response = client.post(url("export") + "?q=MUG", data)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(body))) == [
        ["sku", "change", "stock_after", "note", "user"],
        ["MUG-1", "4", "4", "box 1", "clerk"],
    ]


def test_export_needs_view_and_export_permissions(client, movements):
    viewer = with_perms("view_stockmovement", username="viewer")
    login(client, viewer)
    assert client.get(url("export")).status_code == 403
    exporter = with_perms("view_stockmovement", "export_stockmovement", username="exporter")
    login(client, exporter)
    response = client.get(url("export"))
    assert response.status_code == 200
    assert "It will hold 2 rows (stock movements)." in response.content.decode()
