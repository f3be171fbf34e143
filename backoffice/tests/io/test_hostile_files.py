"""Files an adversarial run crafted: each one a clear refusal, nothing written, never a traceback."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from backoffice.importing.exporting import cell
from backoffice.importing.formulas import could_run
from backoffice.tests.io.helpers import csv_bytes, errors, run, xlsx_bytes
from backoffice.tests.io.test_export_copy import copy_text, on_postgresql, python_text
from inventory.models import Category, Product
from inventory.tests.factories import ProductFactory
from orders.tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
HEADER = ["sku", "name", "category", "price", "stock"]
GOOD = ["GOOD-1", "Good", "Cat", "1.00", "1"]
LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


def with_part(data, name, transform):
    """The workbook ``data`` with its part ``name`` rewritten by ``transform(bytes) -> bytes``."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            out.writestr(info, transform(content) if info.filename == name else content)
    return target.getvalue()


def with_doctype(content):
    """A sheet whose first text cell is ``&lol2;`` behind a DOCTYPE defining it (billion laughs)."""
    body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
    return LAUGHS + body.replace(b"<is><t>Good</t></is>", b"<is><t>&lol2;</t></is>")


def with_external_doctype(content):
    doctype = b'<!DOCTYPE x SYSTEM "file:///etc/passwd">'
    if content.startswith(b"<?xml"):
        return content.replace(b"?>", b"?>" + doctype, 1)
    return doctype + content


def imported(report):
    return report.committed, errors(report), Product.objects.count(), Category.objects.count()


def test_cr_only_csv_with_a_million_columns_is_refused(staff_user):
    data = ("," * 1_000_000 + "\r" + "A-1,B\r").encode()
    report = run("product", data, user=staff_user)
    assert imported(report) == (
        False,
        [(0, "", "The header has more than 200 columns; an import file has at most 200.")],
        0,
        0,
    )


def test_cr_only_csv_is_read_line_by_line(staff_user):
    data = b"sku,name,category,price\rCR-1,Old Mac,Cat,2.50\r"
    report = run("product", data, user=staff_user)
    assert report.committed
    assert list(Product.objects.values_list("sku", "name", "price")) == [("CR-1", "Old Mac", Decimal("2.50"))]


def test_xlsx_price_of_1e300_is_too_large(staff_user):
    data = xlsx_bytes([HEADER, GOOD, ["A-10", "A", "Cat", 1e300, 1]])
    report = run("product", data, user=staff_user, file_name="f.xlsx")
    ((line, column, message),) = errors(report)
    assert (line, column, message[:14], message[-13:]) == (3, "price", "“1000000000000", "is too large.")
    assert (report.committed, Product.objects.count()) == (False, 0)


@pytest.mark.parametrize("text", ["1e300", "1E+999999", "-1e300", "1e-300"])
def test_csv_money_with_huge_exponents_is_a_row_error(staff_user, text):
    report = run("product", [HEADER, ["A-10", "A", "Cat", text, "1"]], user=staff_user)
    assert [(line, column) for line, column, _ in errors(report)] == [(2, "price")]


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_xlsx_with_a_doctype_or_entity_is_refused(staff_user, part):
    data = xlsx_bytes([HEADER, GOOD])
    if part.endswith("sheet1.xml"):
        data = with_part(data, part, with_doctype)
    else:
        data = with_part(data, part, with_external_doctype)
    report = run("product", data, user=staff_user, file_name="f.xlsx")
    ((line, column, message),) = errors(report)
    assert (line, column) == (0, "")
    assert message.startswith(f"The workbook holds an XML document type or entity declaration (in {part})")
    assert (report.committed, Product.objects.count()) == (False, 0)


def test_the_same_refusal_through_import_data(superuser, tmp_path):
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(with_part(xlsx_bytes([HEADER, GOOD]), "xl/worksheets/sheet1.xml", with_doctype))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_data", "product", str(path), "--user", superuser.username, stdout=out, stderr=out)
    assert "XML document type or entity declaration (in xl/worksheets/sheet1.xml)" in out.getvalue()
    assert Product.objects.count() == 0


def test_boolean_cells_are_refused_outside_yes_no_columns(staff_user):
    header = [*HEADER, "allow_backorder"]
    data = xlsx_bytes([header, ["A-10", "A", "Cat", True, False, True]])
    report = run("product", data, user=staff_user, file_name="f.xlsx")
    message = "the cell holds TRUE/FALSE; only allow_backorder takes yes/no. Enter the value itself."
    assert errors(report) == [(2, "price", message), (2, "stock", message)]
    assert Product.objects.count() == 0
    good = run("product", xlsx_bytes([header, ["A-10", "A", "Cat", 2, 0, True]]), user=staff_user, file_name="f.xlsx")
    assert good.committed
    assert Product.objects.get().allow_backorder is True


FORMULAS = ["  =1+1", "＝1+1", " =1", "\u3000=1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_could_run_is_refused_on_import(staff_user, text):
    report = run("product", [HEADER, ["A-10", text, "Cat", "1", "1"]], user=staff_user)
    assert [(line, column, message[:24]) for line, column, message in errors(report)] == [
        (2, "name", "the cell holds a formula")
    ]
    assert Product.objects.count() == 0


@pytest.mark.parametrize("text", FORMULAS)
def test_the_same_cell_is_made_inert_on_export(text):
    assert cell(text) == "'" + text
    assert cell(text, xlsx=True) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+3.50", "5 - 3", "a=b", "x@example.com", "’quote", ""])
def test_plain_values_are_not_formulas(text):
    assert could_run(text) is False
    assert cell(text) == text


def test_a_quoted_formula_from_a_foreign_file_is_refused(staff_user):
    report = run("product", [HEADER, ["A-10", '\'=HYPERLINK("http://x","y")', "Cat", "1", "1"]], user=staff_user)
    assert [(line, column, message[:24]) for line, column, message in errors(report)] == [
        (2, "name", "the cell holds a formula")
    ]
    assert Product.objects.count() == 0


def test_our_own_export_of_a_formula_like_name_reads_back(staff_user):
    ProductFactory(sku="EQ-1", name="=not a formula", category__name="Cat", price=Decimal("1.00"), stock=1)
    data = csv_bytes([HEADER, ["EQ-1", cell("=not a formula"), "Cat", "1.00", "1"]])
    assert data.decode().splitlines()[1].startswith("EQ-1,'=not a formula")
    report = run("product", data, user=staff_user)
    assert (report.committed, errors(report)) == (True, [])
    assert Product.objects.get().name == "=not a formula"
    # The same quote cannot change another row's name into a formula.
    ProductFactory(sku="EQ-2", name="Plain", category=Product.objects.get().category)
    report = run("product", csv_bytes([HEADER, ["EQ-2", "'=not a formula", "Cat", "1.00", "1"]]), user=staff_user)
    assert [(line, column) for line, column, _ in errors(report)] == [(2, "name")]
    assert Product.objects.get(sku="EQ-2").name == "Plain"


@pytest.mark.postgres
@on_postgresql
def test_copy_export_makes_the_same_cells_inert_as_python():
    texts = [*FORMULAS, "-5", "+3.50", " 7", "x@example.com", "\u00a0=1", "\u2028@x"]
    for index, text in enumerate(texts):
        line = OrderLineFactory(product=ProductFactory(sku=f"F-{index}"))
        Product.objects.filter(pk=line.product_id).update(sku=text)  # past the validators
    expected = python_text()
    assert copy_text() == expected
    skus = [row.split(",")[4] for row in expected.split("\r\n")[1:-1]]
    assert sorted(skus) == sorted(cell(text) for text in texts)
