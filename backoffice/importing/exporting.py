"""Exports that stream: rows come from ``.iterator(chunk_size)``, never a whole file in memory.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
get a leading quote, in CSV and XLSX alike; numbers are never touched, so -5 stays a number.
"""

import csv
import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.module_loading import import_string

from backoffice.importing.reading import DANGEROUS_STARTS

CHUNK = 2000
BOM = "\ufeff"

EXPORTERS = {
    "product": "inventory.resources.ProductExporter",
    "category": "inventory.resources.CategoryExporter",
    "tag": "inventory.resources.TagExporter",
    "customer": "orders.resources.CustomerExporter",
    "order": "orders.resources.OrderLineExporter",
    "stockmovement": "inventory.resources.StockMovementExporter",  # export only
}


@dataclass(frozen=True)
class Column:
    name: str  # header in the file; the same name the import reads
    value: object  # callable(obj) -> value
    label: object = None  # shown in the admin; default: the verbose name of the model field ``name``


def safe_text(value):
    if value and value[0] in DANGEROUS_STARTS:
        return "'" + value
    return value


def cell(value, *, xlsx=False):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal | float):
        return value if xlsx else str(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None) if xlsx else value.isoformat(timespec="seconds")
    return safe_text(str(value))


class Exporter:
    """Base of the per-model exporters: ``columns``, a queryset, and rows of plain values."""

    model = None
    columns = ()

    def queryset(self, base=None):
        """The rows to export; ``base`` is the admin changelist's filtered queryset."""
        raise NotImplementedError

    def prepare(self):
        """Load small lookups (category paths) once, before the rows stream."""

    def row_noun(self):
        """What one row of the file is (an order export has a row per order line)."""
        return self.model._meta.verbose_name_plural

    def label(self, column):
        """What the admin shows for a column: its own label, else the model field's verbose name."""
        if column.label is not None:
            return column.label
        try:
            return self.model._meta.get_field(column.name).verbose_name
        except FieldDoesNotExist:
            return column.name

    def select(self, names=None):
        if not names:
            return list(self.columns)
        wanted = set(names)
        return [c for c in self.columns if c.name in wanted]

    def rows(self, queryset, columns):
        self.prepare()
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [column.value(obj) for column in columns]


def only_filters(model, base):
    """The rows of ``base`` (the admin's filtered, searched, annotated list) without its annotations.

    A changelist annotates for its columns (units sold, lifetime value...); an export needs only
    which rows, so it selects from the model by primary key instead of repeating those subqueries.
    """
    if base is None:
        return model.objects.all()
    return model.objects.filter(pk__in=base.values("pk"))


def exporter_for(model_name):
    return import_string(EXPORTERS[model_name])()


class _Echo:
    def write(self, value):
        return value


def csv_chunks(exporter, queryset, columns, *, bom=True):
    """Yield the CSV text a few hundred rows at a time."""
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow([c.name for c in columns])
    batch = []
    for values in exporter.rows(queryset, columns):
        batch.append(writer.writerow([cell(v) for v in values]))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def write_xlsx(exporter, queryset, columns, target):
    """Write an XLSX workbook in openpyxl's write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(exporter.model._meta.verbose_name_plural)[:31])
    sheet.append([c.name for c in columns])
    for values in exporter.rows(queryset, columns):
        sheet.append([cell(v, xlsx=True) for v in values])
    workbook.save(target)


def xlsx_tempfile(exporter, queryset, columns):
    """An open temporary file holding the workbook, positioned at its start; gone once closed."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(exporter, queryset, columns, handle)
    handle.seek(0)
    return handle


def count_rows(exporter, queryset):
    return queryset.count()
