"""Exports that stream: rows come from ``.iterator(chunk_size)``, never a whole file in memory.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
get a leading quote, in CSV and XLSX alike; numbers are never touched, so -5 stays a number.

On PostgreSQL, a CSV export whose columns all say how the database writes their cell
(``Column.sql``) is written by ``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)`` instead of
Python: the database converts and quotes every cell as ``cell()`` and ``csv.writer`` would (a test
compares both byte for byte) and the rows go to the file as they come. Other exporters, XLSX and
other databases use the Python writer.
"""

import csv
import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import CharField, F, Func
from django.utils import timezone
from django.utils.module_loading import import_string

from backoffice.db import capabilities
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
    sql: object = None  # optional: the cell's text computed by PostgreSQL (``SQLCell``), for COPY


def _sql_char(char):
    return {"\t": r"E'\t'", "\r": r"E'\r'"}.get(char, f"'{char}'")


class SQLCell(Func):
    """The text ``cell()`` gives a value, computed in SQL; NULL stands for an empty cell.

    ``kind`` is text, number, decimal (with ``places``), bool or datetime. COPY writes NULL as an
    empty unquoted field, as ``csv.writer`` writes ``""``; so empty text becomes NULL too.
    """

    output_field = CharField()
    TEMPLATES = {
        # safe_text(str(value))
        "text": (
            "NULLIF(CASE WHEN left({0}::text, 1) IN ("
            + ", ".join(_sql_char(c) for c in DANGEROUS_STARTS)
            + ") THEN '''' ELSE '' END || {0}::text, '')"
        ),
        # str(int), str(Decimal): a numeric keeps its scale (5.50 -> '5.50') as Django's Decimal does
        "number": "({0})::text",
        # Decimal(value).quantize(10 ** -places, ROUND_HALF_UP): both round halves away from zero
        "decimal": "round({0}, {places})::text",
        "bool": "CASE WHEN {0} THEN 'yes' WHEN NOT {0} THEN 'no' END",
        # localtime(value).isoformat(timespec="seconds"): CopyCSV sets TimeZone to the current one
        "datetime": """to_char({0}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')""",
    }

    def __init__(self, expression, kind="text", places=0):
        if kind not in self.TEMPLATES:
            raise ValueError(f"unknown cell kind {kind!r}")
        self.kind, self.places = kind, int(places)
        super().__init__(F(expression) if isinstance(expression, str) else expression)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        template = self.TEMPLATES[self.kind]
        # The value may appear more than once in the template; so do its parameters.
        return template.format(f"({sql})", places=self.places), list(params) * template.count("{0}")


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


def header_line(columns):
    return csv.writer(_Echo()).writerow([c.name for c in columns])


def copy_statement(queryset, columns):
    """``COPY (SELECT <each column's SQL cell> ...) TO STDOUT`` for ``queryset``, or None: use Python.

    Only on PostgreSQL, when every column has ``sql``, for two columns or more (``csv.writer``
    quotes the lone empty field of a one-column row, COPY would leave the line empty), and with a
    current time zone that has a name (PostgreSQL knows the same names).
    """
    if not capabilities(connection).copy or len(columns) < 2 or any(c.sql is None for c in columns):
        return None
    if not getattr(timezone.get_current_timezone(), "key", None):
        return None
    cells = {f"_cell{index}": column.sql for index, column in enumerate(columns)}
    sql, params = queryset.annotate(**cells).values_list(*cells).query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


class CopyCSV:
    """The rows of a ``copy_statement`` as CSV bytes, ``rows_per_block`` lines at a time.

    The server sends one message per row, ending in a newline; ``csv.writer`` ends its lines with
    CRLF (a newline inside a quoted cell stays as it is in both). ``rowcount`` is set at the end.
    """

    rows_per_block = 2000

    def __init__(self, statement):
        self.statement, self.params = statement
        self.rowcount = 0

    def __iter__(self):
        end = [b""]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true)",
                [timezone.get_current_timezone().key],
            )
            previous = cursor.fetchone()[0]
            with cursor.cursor.copy(self.statement, self.params) as copy:
                block = []
                for row in copy:
                    block.append(row[:-1])
                    if len(block) >= self.rows_per_block:
                        yield b"\r\n".join(block + end)
                        block = []
                if block:
                    yield b"\r\n".join(block + end)
            self.rowcount = cursor.cursor.rowcount
            # A local setting lasts to the end of a surrounding transaction (a test, a request);
            # if the export stops half way, rolling back the atomic block undoes it instead.
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [previous])


def csv_chunks(exporter, queryset, columns, *, bom=True):
    """Yield the CSV text a few hundred rows at a time (by COPY where ``copy_statement`` allows)."""
    statement = copy_statement(queryset, columns)
    if statement is None:
        yield from python_csv_chunks(exporter, queryset, columns, bom=bom)
        return
    yield (BOM if bom else "") + header_line(columns)
    for block in CopyCSV(statement):
        yield block.decode("utf-8")  # whole rows: no character is ever cut in two


def python_csv_chunks(exporter, queryset, columns, *, bom=True):
    """The CSV text written by Python (``cell()`` and ``csv.writer``), a few hundred rows at a time."""
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + header_line(columns)
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
