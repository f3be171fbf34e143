"""File-level checks shared by the admin and the command: each bad file gets one clear message."""

import pytest

from backoffice.importing.reading import read_bytes
from backoffice.importing.report import ImportFileError
from backoffice.tests.io.helpers import csv_bytes, xlsx_bytes


def read(data, name="f.csv", file_format=None):
    return read_bytes(data, file_name=name, file_format=file_format)


def refused(data, name="f.csv", file_format=None):
    with pytest.raises(ImportFileError) as caught:
        read(data, name, file_format)
    return caught.value.message


def test_utf8_with_and_without_bom_read_the_same():
    rows = [["sku", "name"], ["A-1", "Crème brûlée"]]
    plain, bom = read(csv_bytes(rows)), read(csv_bytes(rows, bom=True))
    assert plain.headers == bom.headers == ["sku", "name"]
    assert plain.rows == bom.rows == [(2, {"sku": "A-1", "name": "Crème brûlée"})]


def test_semicolon_delimiter_is_detected():
    table = read(csv_bytes([["sku", "name", "price"], ["A-1", "Mug, large", "9,50"]], delimiter=";"))
    assert table.rows == [(2, {"sku": "A-1", "name": "Mug, large", "price": "9,50"})]


def test_headers_are_compared_case_and_space_insensitively():
    table = read(csv_bytes([[" SKU ", "Regular  Price"], ["A-1", "3"]]))
    assert table.headers == ["sku", "regular_price"]
    assert table.labels == {"sku": "SKU", "regular_price": "Regular  Price"}


def test_wrong_encoding_is_refused_with_the_line():
    data = "sku,name\nA-1,ok\nA-2,Café\n".encode("cp1252")
    assert refused(data) == (
        "The file is not UTF-8 text (unreadable byte at line 3). Save it as “CSV UTF-8” and import it again."
    )


def test_empty_file_and_header_only():
    assert refused(b"") == "The file is empty."
    assert refused(b"  \n\n") == "The file is empty."
    assert refused(b"sku,name\n") == "The file has a header line but no rows to import."
    assert refused(b"sku,name\n,\n\n") == "The file has a header line but no rows to import."


def test_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_FILE_SIZE = 1024
    data = csv_bytes([["sku", "name"]] + [[f"SKU-{n}", "x" * 20] for n in range(100)])
    assert refused(data) == "The file is more than 1 KB; the largest file an import accepts is 1 KB."


def test_file_over_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 3
    data = csv_bytes([["sku"], ["A-1"], ["A-2"], ["A-3"], ["A-4"]])
    assert refused(data) == "The file has more than 3 rows; split it into files of at most 3 rows."


def test_broken_xlsx():
    assert refused(b"PK\x03\x04 this is not a workbook", name="f.xlsx").startswith(
        "The file is not a readable XLSX workbook (BadZipFile)."
    )
    assert refused(b"just text", name="f.xlsx", file_format="xlsx").startswith(
        "The file is not a readable XLSX workbook"
    )


def test_xlsx_uploaded_as_csv_is_named():
    assert refused(xlsx_bytes([["sku"], ["A-1"]]), file_format="csv") == (
        "The file is an XLSX workbook, not CSV; choose the XLSX format."
    )


def test_csv_formula_cell_is_a_row_error_with_line_and_column():
    table = read(csv_bytes([["sku", "name"], ["A-1", "ok"], ["A-2", '=HYPERLINK("http://x","y")']]))
    assert [(e.line, e.column) for e in table.errors] == [(3, "name")]
    assert "holds a formula" in table.errors[0].message


def test_xlsx_formula_cell_is_a_row_error():
    table = read(xlsx_bytes([["sku", "stock"], ["A-1", 3], ["A-2", "=1+2"]]), name="f.xlsx")
    assert [(e.line, e.column) for e in table.errors] == [(3, "stock")]
    assert table.rows[0] == (2, {"sku": "A-1", "stock": "3"})


def test_quoted_formula_from_our_own_export_is_taken_back_as_text():
    table = read(csv_bytes([["sku", "name"], ["A-1", "'=not a formula"], ["A-2", "'-5 degrees"]]))
    assert table.errors == []
    assert [row["name"] for _line, row in table.rows] == ["=not a formula", "-5 degrees"]


def test_line_numbers_count_physical_lines_of_multiline_cells():
    table = read(b'sku,description\nA-1,"two\nlines"\nA-2,one\n')
    assert [line for line, _row in table.rows] == [2, 4]


def test_duplicate_header_is_refused():
    assert refused(b"sku,SKU\nA,B\n") == "The column SKU appears twice in the header."


def test_nul_byte_is_refused():
    message = refused(b"sku,name\nA-1,ok\nA-2,b\x00d\n")
    assert message == "The file holds a NUL byte at line 3, so it is not a text CSV file."
