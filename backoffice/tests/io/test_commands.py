"""``import_data`` / ``export_data``: the admin's rules, a summary, a non-zero exit when refused."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from backoffice.tests.admin_support import user_with_perms
from backoffice.tests.io.helpers import csv_bytes
from inventory.models import Product
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "goods.csv"
    path.write_bytes(csv_bytes([["sku", "name", "category", "stock", "colour"], ["A-10", "A", "Cat", "3", "red"]]))
    return path


@pytest.fixture
def staff_user(db):
    """The clerk may import products in the admin, so from the command line too."""
    return user_with_perms("clerk", "inventory.import_product", "inventory.add_product", "inventory.change_product")


def test_import_writes_with_history_by_the_given_user(good_csv, staff_user):
    out, _err = call("import_data", "product", str(good_csv), "--user", "clerk")
    assert "note: Column(s) ignored, not known for products: colour." in out
    assert "will create category Cat" not in out and "created category Cat" in out
    assert out.strip().endswith("goods.csv imported: 1 new, 0 updated, 0 unchanged products.")
    record = Product.objects.get(sku="A-10").history.get()
    assert (record.history_user, record.history_change_reason) == (staff_user, "import goods.csv")


def test_import_needs_the_permissions_the_admin_asks_for(good_csv):
    user_with_perms("viewer", "inventory.import_product", "inventory.view_product")
    with pytest.raises(CommandError) as refused:
        call("import_data", "product", str(good_csv), "--user", "viewer")
    assert str(refused.value) == (
        "viewer may not import products: the admin's import needs inventory.add_product, inventory.change_product. "
        "Give the permissions in the admin, or import as a user who has them."
    )
    assert not Product.objects.exists()


def test_dry_run_writes_nothing(good_csv):
    out, _err = call("import_data", "product", str(good_csv), "--dry-run")
    assert "will create category Cat" in out
    assert "goods.csv checked (dry run, nothing written): 1 new, 0 updated, 0 unchanged products." in out
    assert Product.objects.count() == 0


def test_refused_import_exits_non_zero_and_lists_errors(tmp_path, staff_user):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes([["sku", "name", "category", "price"], ["A-10", "A", "C", "1"], ["B-10", "B", "C", "x"]])
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_data", "product", str(path), "--user", "clerk", stdout=io.StringIO(), stderr=err)
    assert str(caught.value) == "bad.csv: nothing was imported; 1 error(s) found. Fix them and import the file again."
    assert "error: Line 3, column price: “x” is not a number." in err.getvalue()
    assert Product.objects.count() == 0


def test_file_over_the_size_limit_and_unknown_user(good_csv, settings):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call("import_data", "product", str(good_csv), "--user", "nobody")
    settings.IMPORT_MAX_FILE_SIZE = 10
    with pytest.raises(CommandError, match="^The file is 50 bytes; the largest file an import accepts is 10 bytes.$"):
        call("import_data", "product", str(good_csv), "--dry-run")


def test_export_csv_and_xlsx_files(tmp_path):
    category = CategoryFactory(name="Cat")
    ProductFactory(sku="B-10", name="+1 idea", category=category, price=Decimal("-0") + Decimal("2.50"), stock=4)
    ProductFactory(sku="A-10", name="Plain", category=category, tags=[TagFactory(name="x")], stock=0)
    out, _err = call("export_data", "product", "--output", str(tmp_path / "p.csv"))
    assert out.strip() == f"2 product row(s) written to {tmp_path / 'p.csv'}."
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_text(encoding="utf-8-sig"))))
    assert [r[:2] + r[4:6] + [r[7]] for r in rows] == [
        ["sku", "name", "tags", "price", "stock"],
        ["A-10", "Plain", "x", "20.00", "0"],
        ["B-10", "'+1 idea", "", "2.50", "4"],
    ]
    call("export_data", "product", "--output", str(tmp_path / "p.xlsx"))
    sheet = load_workbook(tmp_path / "p.xlsx").active
    assert [c.value for c in sheet[3]][:2] == ["B-10", "'+1 idea"]
    assert sheet["H3"].value == 4


def test_a_real_import_needs_a_user(good_csv):
    with pytest.raises(CommandError, match="^Say who imports with --user <username>"):
        call("import_data", "product", str(good_csv))
    assert Product.objects.count() == 0


def test_export_round_trips_through_import(tmp_path, staff_user):
    ProductFactory(sku="A-10", name="=cmd", category=CategoryFactory(name="Cat"), stock=2)
    call("export_data", "product", "--output", str(tmp_path / "p.csv"))
    out, _err = call("import_data", "product", str(tmp_path / "p.csv"), "--user", "clerk")
    assert out.strip().endswith("p.csv imported: 0 new, 0 updated, 1 unchanged products.")


def test_xlsx_to_stdout_is_refused():
    with pytest.raises(CommandError, match="XLSX is a binary format"):
        call("export_data", "product", "--format", "xlsx")
