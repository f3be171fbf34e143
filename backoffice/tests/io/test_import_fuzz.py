"""Random byte-level damage to good CSV and XLSX files, through the whole import engine.

Every outcome is a clean import (no errors, committed) or a refusal with messages and nothing
written (rows and history rows counted before and after); never an exception.
"""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.importing.engine import import_file
from backoffice.tests.io.helpers import csv_bytes, xlsx_bytes
from inventory.models import Category, Product, Tag
from orders.models import Customer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # property tests, about a second each
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same cases on every run and machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PRODUCTS = [
    ["sku", "name", "category", "tags", "price", "cost", "stock", "allow_backorder", "status"],
    ["FZ-1", "Mug", "Kitchen > Cups", "blue, gift", "4.50", "1.20", "10", "no", "published"],
    ["FZ-2", "Plate", "Kitchen", "", "", "0", "3", "yes", "draft"],
    ["FZ-3", "Bowl ü", "Kitchen", "gift", "7", "", "", "", "Archived"],
]
CUSTOMERS = [
    ["email", "first_name", "last_name", "phone", "tier", "notes"],
    ["ada@example.com", "Ada", "Lovelace", "+44 20", "gold", "first"],
    ["bob@example.com", "Bob", "", "", "VIP", ""],
]
SOURCES = {
    ("product", "csv"): csv_bytes(PRODUCTS),
    ("product", "xlsx"): xlsx_bytes(PRODUCTS),
    ("customer", "csv"): csv_bytes(CUSTOMERS),
    ("customer", "xlsx"): xlsx_bytes(CUSTOMERS),
}
TRIED = {}


@pytest.fixture(scope="module", autouse=True)
def _print_cases_tried():
    """How many damaged files the tests imported (shown with ``pytest -s``)."""
    yield
    print(f"\nimport fuzz cases: {TRIED}")


def mutations(max_count=6):
    """A list of (kind, position 0..1, bytes) edits: flip, insert, delete, repeat."""
    edit = st.tuples(
        st.sampled_from(["flip", "insert", "delete", "repeat"]),
        st.floats(min_value=0, max_value=1),
        st.binary(min_size=1, max_size=24)
        | st.sampled_from([b"\x00", b"\r", b'"', b";", b",", b"=", b"\xff", b"<!ENTITY", b"\n" * 3]),
    )
    return st.lists(edit, min_size=1, max_size=max_count)


def mutate(data, edits):
    data = bytearray(data)
    for kind, where, chunk in edits:
        at = int(where * max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[at] ^= chunk[0] or 0xFF
        elif kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + len(chunk)]
        elif kind == "repeat":
            data[at:at] = data[at : at + len(chunk) * 4]
    return bytes(data)


def mutate_part(workbook, name, edits):
    """The workbook with one XML part damaged, then zipped again (the zip itself stays readable)."""
    source, target = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            out.writestr(info, mutate(content, edits) if info.filename == name else content)
    return target.getvalue()


def written():
    return (
        Product.objects.count(),
        Product.history.count(),
        Category.objects.count(),
        Tag.objects.count(),
        Customer.objects.count(),
        Customer.history.count(),
    )


def import_and_check(model, data, file_format, user):
    before = written()
    report = import_file(model, data, file_name=f"fuzz.{file_format}", user=user, dry_run=False)
    if report.committed:
        assert report.errors == []
    else:
        assert report.errors, "a refusal says why"
        assert all(str(error.message) for error in report.errors)
        assert written() == before, "a refused import writes nothing"
    TRIED[(model, file_format)] = TRIED.get((model, file_format), 0) + 1


@pytest.mark.parametrize(("model", "file_format"), list(SOURCES))
@FUZZ
@given(edits=mutations())
def test_damaged_file_is_imported_whole_or_refused_whole(superuser, model, file_format, edits):
    import_and_check(model, mutate(SOURCES[(model, file_format)], edits), file_format, superuser)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml"])
@FUZZ
@given(edits=mutations())
def test_damaged_xml_inside_a_readable_workbook(superuser, part, edits):
    workbook = SOURCES[("product", "xlsx")]
    import_and_check("product", mutate_part(workbook, part, edits), "xlsx", superuser)
