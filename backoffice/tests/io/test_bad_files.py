"""Every kind of bad file through the whole import: one clear message, nothing written."""

import pytest

from backoffice.tests.io.helpers import csv_bytes, errors, run, xlsx_bytes
from inventory.models import Category, Product

pytestmark = pytest.mark.django_db
HEADER = ["sku", "name", "category", "price", "stock"]
GOOD = ["GOOD-1", "Good", "Cat", "1.00", "1"]


def bad_files():
    yield "wrong encoding", "sku,name,category\nA-10,Café,Cat\n".encode("cp1252"), "f.csv", None
    yield "empty", b"", "f.csv", None
    yield "header only", csv_bytes([HEADER]), "f.csv", None
    yield "missing column", csv_bytes([["sku", "name"], ["A-10", "A"]]), "f.csv", None
    yield "duplicate key", csv_bytes([HEADER, GOOD, ["good-1", "Again", "Cat", "1", "1"]]), "f.csv", None
    yield "not a number", csv_bytes([HEADER, GOOD, ["A-10", "A", "Cat", "ten", "1"]]), "f.csv", None
    yield "negative", csv_bytes([HEADER, GOOD, ["A-10", "A", "Cat", "1", "-1"]]), "f.csv", None
    yield "bad sku", csv_bytes([HEADER, GOOD, ["A_1", "A", "Cat", "1", "1"]]), "f.csv", None
    yield "too deep", csv_bytes([HEADER, GOOD, ["A-10", "A", "1 > 2 > 3 > 4 > 5", "1", "1"]]), "f.csv", None
    yield "broken xlsx", b"PK\x03\x04garbage", "f.xlsx", "xlsx"
    yield "formula csv", csv_bytes([HEADER, GOOD, ["A-10", "=1+1", "Cat", "1", "1"]]), "f.csv", None
    yield "formula xlsx", xlsx_bytes([HEADER, GOOD, ["A-10", "A", "Cat", "=2*3", 1]]), "f.xlsx", "xlsx"


EXPECTED = {
    "wrong encoding": (0, "", "The file is not UTF-8 text (unreadable byte at line 2)."),
    "empty": (0, "", "The file is empty."),
    "header only": (0, "", "The file has a header line but no rows to import."),
    "missing column": (0, "", "Required column(s) missing: category."),
    "duplicate key": (3, "sku", "GOOD-1 appears more than once in the file (first on line 2)."),
    "not a number": (3, "price", "“ten” is not a number."),
    "negative": (3, "stock", "“-1” is negative; enter 0 or more."),
    "bad sku": (3, "sku", "“A_1”: Enter a SKU of 3 to 32 characters"),
    "too deep": (3, "category", "The category path “1 > 2 > 3 > 4 > 5” is 5 levels deep; at most 4 are allowed."),
    "broken xlsx": (0, "", "The file is not a readable XLSX workbook (BadZipFile)."),
    "formula csv": (3, "name", "the cell holds a formula (=1+1); imports refuse formulas."),
    "formula xlsx": (3, "price", "the cell holds a formula (=2*3); imports refuse formulas."),
}


@pytest.mark.parametrize(
    ("case", "data", "name", "file_format"), list(bad_files()), ids=[case[0] for case in bad_files()]
)
def test_bad_file_is_refused_and_nothing_is_written(case, data, name, file_format, staff_user):
    report = run("product", data, user=staff_user, file_name=name, file_format=file_format)
    assert report.committed is False
    assert len(report.errors) == 1
    line, column, message = errors(report)[0]
    expected_line, expected_column, expected_start = EXPECTED[case]
    assert (line, column) == (expected_line, expected_column)
    assert message.startswith(expected_start)
    assert report.summary() == (f"{name}: nothing was imported; 1 error(s) found. Fix them and import the file again.")
    assert Product.objects.count() == 0
    assert Category.objects.count() == 0


def test_over_size_and_row_limits(staff_user, settings):
    data = csv_bytes([HEADER, GOOD, ["A-10", "A", "Cat", "1", "1"]])
    settings.IMPORT_MAX_ROWS = 1
    report = run("product", data, user=staff_user)
    assert errors(report) == [(0, "", "The file has more than 1 rows; split it into files of at most 1 rows.")]
    settings.IMPORT_MAX_ROWS = 10
    settings.IMPORT_MAX_FILE_SIZE = 20
    report = run("product", data, user=staff_user)
    too_big = "The file is more than 20 bytes; the largest file an import accepts is 20 bytes."
    assert errors(report) == [(0, "", too_big)]
    assert Product.objects.count() == 0
