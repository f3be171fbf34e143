"""Stock movements out (export only): the exporter, ``export_data stockmovement`` and the mixin's rules."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from backoffice.admin_io import ImportExportAdminMixin
from backoffice.importing.exporting import csv_chunks, exporter_for
from inventory.choices import MovementReason
from inventory.models import StockMovement
from inventory.services import adjust_stock, restock
from inventory.tests.factories import ProductFactory, UserFactory
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HEADER = ["time", "sku", "product_name", "change", "stock_after", "reason", "note", "order_number", "user"]


@pytest.fixture
def movements(staff_user):
    mug = ProductFactory(sku="MUG-1", name="=Mug", stock=0)
    restock(product=mug, quantity=10, user=staff_user, note="delivery 7")
    adjust_stock(product=mug, delta=-2, reason=MovementReason.ADJUSTMENT, user=None, note="-broken")
    order = place_order(customer=CustomerFactory(), lines=[(mug, 3)], user=staff_user)
    for minute, movement in enumerate(StockMovement.objects.order_by("pk")):
        StockMovement.objects.filter(pk=movement.pk).update(created_at=datetime(2026, 3, 1, 9, minute, tzinfo=UTC))
    return order


def rows_of(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_exporter_writes_the_ledger_oldest_first(movements):
    exporter = exporter_for("stockmovement")
    text = "".join(csv_chunks(exporter, exporter.queryset(), exporter.select()))
    assert rows_of(text) == [
        HEADER,
        ["2026-03-01T09:00:00+00:00", "MUG-1", "'=Mug", "10", "10", "restock", "delivery 7", "", "clerk"],
        ["2026-03-01T09:01:00+00:00", "MUG-1", "'=Mug", "-2", "8", "adjustment", "'-broken", "", ""],
        ["2026-03-01T09:02:00+00:00", "MUG-1", "'=Mug", "-3", "5", "sale", "", movements.number, "clerk"],
    ]


def test_exporter_labels_are_the_models_names():
    exporter = exporter_for("stockmovement")
    labels = [str(exporter.label(c)) for c in exporter.columns]
    assert labels == ["time", "SKU", "product name", "change", "stock after", "reason", "note", "order number", "by"]


def test_export_data_command_writes_the_movements(movements, tmp_path, capsys):
    target = tmp_path / "movements.csv"
    out = io.StringIO()
    call_command("export_data", "stockmovement", "--output", str(target), stdout=out)
    assert out.getvalue().strip() == f"3 stockmovement row(s) written to {target}."
    rows = rows_of(target.read_text(encoding="utf-8"))
    assert [r[3:6] for r in rows[1:]] == [["10", "10", "restock"], ["-2", "8", "adjustment"], ["-3", "5", "sale"]]


def test_export_data_command_xlsx(movements, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "movements.xlsx"
    call_command("export_data", "stockmovement", "--output", str(target), stdout=io.StringIO())
    sheet = load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert values[2][:6] == (datetime(2026, 3, 1, 9, 1), "MUG-1", "'=Mug", -2, 8, "adjustment")


class MovementIO(ImportExportAdminMixin, admin.ModelAdmin):
    pass


@override_settings(ROOT_URLCONF="backoffice.urls")
def test_mixin_treats_stock_movements_as_export_only():
    model_admin = MovementIO(StockMovement, admin.site)
    user = UserFactory(username="auditor")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_stockmovement", "export_stockmovement", "add_stockmovement"])
    )
    request = RequestFactory().get("/")
    request.user = user
    assert model_admin.has_export_permission(request) is True
    assert model_admin.has_import_permission(request) is False
    assert list(model_admin.get_import_resource_classes(request)[0]().get_export_order()) == HEADER
    with pytest.raises(PermissionDenied):
        model_admin.import_action(request)
    user.user_permissions.set(Permission.objects.filter(codename="view_stockmovement"))
    request.user = type(user).objects.get(pk=user.pk)
    assert model_admin.has_export_permission(request) is False
