"""Turn an uploaded or local file into rows, refusing what cannot be read safely.

Shared by the admin and ``manage.py import_data``. A file-level problem raises
``ImportFileError`` with a message for the user; a formula in a cell (``formulas.could_run``) or a
TRUE/FALSE XLSX cell outside a yes/no column is a row error.
"""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.parsers.expat import ExpatError

from django.conf import settings
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from backoffice.importing.formulas import could_run, quoted_formula
from backoffice.importing.report import ImportFileError, RowError

FORMATS = ("csv", "xlsx")
XLSX_MAGIC = b"PK\x03\x04"

FILE_TOO_LARGE = _("The file is %(size)s; the largest file an import accepts is %(limit)s.")
FILE_EMPTY = _("The file is empty.")
HEADER_ONLY = _("The file has a header line but no rows to import.")
TOO_MANY_ROWS = _("The file has more than %(limit)d rows; split it into files of at most %(limit)d rows.")
NOT_UTF8 = _(
    "The file is not UTF-8 text (unreadable byte at line %(line)d). Save it as “CSV UTF-8” and import it again."
)
BROKEN_XLSX = _("The file is not a readable XLSX workbook (%(detail)s). Save it again from your spreadsheet program.")
NUL_BYTE = _("The file holds a NUL byte at line %(line)d, so it is not a text CSV file.")
XLSX_AS_CSV = _("The file is an XLSX workbook, not CSV; choose the XLSX format.")
UNKNOWN_FORMAT = _("Unknown file format %(format)s; use csv or xlsx.")
FORMULA_CELL = _("the cell holds a formula (%(value)s); imports refuse formulas. Put the plain value in the cell.")
DUPLICATE_HEADER = _("The column %(column)s appears twice in the header.")
TOO_MANY_COLUMNS = _("The header has more than %(limit)d columns; an import file has at most %(limit)d.")
UNREADABLE_CSV = _("The file is not readable CSV (%(detail)s). Save it again as CSV and import it again.")
XML_DECLARATIONS = _(
    "The workbook holds an XML document type or entity declaration (in %(part)s), which spreadsheet programs "
    "never write and which can make a file expand or read other files; it was not read. Save it again "
    "from your spreadsheet program."
)
BOOLEAN_CELL = _("the cell holds TRUE/FALSE; only allow_backorder takes yes/no. Enter the value itself.")

MAX_COLUMNS = 200
# What openpyxl raises for a damaged workbook: the zip, its compression, XML that does not parse
# (ParseError is a SyntaxError), parts that hold the wrong values.
XLSX_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ExpatError,
    SyntaxError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
)
NOTHING_REFUSED = {}  # a CSV cell is text: only its content can refuse it
# Columns whose XLSX cells may be TRUE/FALSE; in any other column a boolean is a mistake (price 1.00).
BOOLEAN_COLUMNS = frozenset({"allow_backorder"})
# Declarations defusedxml forbids (DTDs, entities, external references), in the encodings XML allows.
XML_FORBIDDEN = [
    word.encode(codec) for word in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
]


@dataclass
class Table:
    """A header and its rows; each row is ``(line number, {column key: text})``."""

    headers: list  # column keys (normalised)
    labels: dict  # key -> header text as in the file
    rows: list
    errors: list = field(default_factory=list)  # RowError for refused cells (formulas, TRUE/FALSE)
    # (line, key) of cells read back from an inert quote (``'=1+1``); the engine takes them only
    # where they keep the value the database holds (a round trip of our own export).
    quoted: list = field(default_factory=list)


def column_key(header):
    """``Regular price`` -> ``regular_price``: how headers are compared."""
    return "_".join(str(header or "").strip().lower().split())


def human_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def guess_format(file_name, data=b""):
    if data[:4] == XLSX_MAGIC:
        return "xlsx"
    name = (file_name or "").lower()
    return "xlsx" if name.endswith(".xlsx") else "csv"


def read_upload(fileobj, *, file_name, file_format=None):
    """Read at most the size limit (plus one byte, to tell) from a file object and parse it."""
    limit = settings.IMPORT_MAX_FILE_SIZE
    size = getattr(fileobj, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(FILE_TOO_LARGE % {"size": human_size(size), "limit": human_size(limit)})
    data = fileobj.read(limit + 1)
    return read_bytes(data, file_name=file_name, file_format=file_format)


def read_bytes(data, *, file_name, file_format=None):
    limit = settings.IMPORT_MAX_FILE_SIZE
    if len(data) > limit:
        shown = _g("more than %(limit)s") % {"limit": human_size(limit)}
        raise ImportFileError(FILE_TOO_LARGE % {"size": shown, "limit": human_size(limit)})
    if not data.strip():
        raise ImportFileError(FILE_EMPTY)
    file_format = (file_format or guess_format(file_name, data)).lower()
    if file_format not in FORMATS:
        raise ImportFileError(UNKNOWN_FORMAT % {"format": file_format})
    if file_format == "csv":
        if data[:4] == XLSX_MAGIC:
            raise ImportFileError(XLSX_AS_CSV)
        header, records = _csv_records(data)
    else:
        header, records = _xlsx_records(data)
    return _build_table(header, records)


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(NOT_UTF8 % {"line": line}) from exc
    if "\x00" in text:
        # No database column can hold it; such a file is binary rather than text.
        raise ImportFileError(NUL_BYTE % {"line": text[: text.index("\x00")].count("\n") + 1})
    return text


def _sniff_delimiter(first_line):
    """Comma or semicolon: whichever splits the header into more columns."""
    if max(first_line.count(","), first_line.count(";")) >= MAX_COLUMNS:
        raise ImportFileError(TOO_MANY_COLUMNS % {"limit": MAX_COLUMNS})
    best, best_count = ",", 0
    for delimiter in (",", ";"):
        count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _first_line(text):
    """The header line, whatever the line endings (CRLF, LF or the old Mac's CR alone)."""
    end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
    return text[:end]


def _csv_records(data):
    text = _decode(data)
    first_line = _first_line(text)
    try:
        delimiter = _sniff_delimiter(first_line)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader)
    except StopIteration as exc:
        raise ImportFileError(FILE_EMPTY) from exc
    except csv.Error as exc:
        raise ImportFileError(UNREADABLE_CSV % {"detail": exc}) from exc

    def records():
        start = reader.line_num + 1
        try:
            for cells in reader:
                yield start, cells, NOTHING_REFUSED
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ImportFileError(_g("Line %(line)d: %(detail)s") % {"line": start, "detail": exc}) from exc

    return header, records()


def _xlsx_records(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_xml_declarations(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        header_cells = next(rows, None)
    except (InvalidFileException, *XLSX_READ_ERRORS) as exc:
        raise ImportFileError(BROKEN_XLSX % {"detail": type(exc).__name__}) from exc
    if header_cells is None:
        raise ImportFileError(FILE_EMPTY)
    header = [_xlsx_text(cell.value) for cell in header_cells]
    if len(header) > MAX_COLUMNS and any(header[MAX_COLUMNS:]):
        raise ImportFileError(TOO_MANY_COLUMNS % {"limit": MAX_COLUMNS})
    header = header[:MAX_COLUMNS]

    def records():
        try:
            for line, cells in enumerate(rows, start=2):
                values, refused = [], {}
                for index, cell in enumerate(cells):
                    if getattr(cell, "data_type", None) == "f":
                        refused[index] = FORMULA_CELL
                    elif isinstance(cell.value, bool):
                        refused[index] = BOOLEAN_CELL
                    values.append(_xlsx_text(cell.value))
                yield line, values, refused
        except XLSX_READ_ERRORS as exc:
            raise ImportFileError(BROKEN_XLSX % {"detail": type(exc).__name__}) from exc
        finally:
            workbook.close()

    return header, records()


def _refuse_xml_declarations(data):
    """defusedxml's rules before any XML is parsed: no document type, no entity, in any part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.file_size > settings.IMPORT_MAX_FILE_SIZE * 20:
                    raise ImportFileError(BROKEN_XLSX % {"detail": _g("a part expands past the size limit")})
                with archive.open(info) as part:
                    if _holds_declaration(part):
                        raise ImportFileError(XML_DECLARATIONS % {"part": info.filename})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ImportFileError(BROKEN_XLSX % {"detail": type(exc).__name__}) from exc


def _holds_declaration(part, block=1 << 20):
    tail = b""
    while chunk := part.read(block):
        window = tail + chunk
        if any(word in window for word in XML_FORBIDDEN):
            return True
        tail = window[-32:]
    return False


def _xlsx_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _cell_value(value, refused, key):
    """``(value, problem, quoted)``: the cell's text, why it is refused (or None), and whether it was
    an inert quote in front of a formula (``'=1+1``: our export's form, read back as ``=1+1``)."""
    problem = refused
    if problem is BOOLEAN_CELL and key in BOOLEAN_COLUMNS:
        problem = None
    if problem is not None or (value[:1].isascii() and value[:1].isalnum()):
        return value, problem, False  # a cell starting with a letter or digit never runs
    behind = quoted_formula(value)
    if behind is not None:
        return behind, None, True
    return value, (FORMULA_CELL if could_run(value) else None), False


def _build_table(header, records):
    keys = [column_key(h) for h in header]
    while keys and not keys[-1]:
        keys.pop()
    if not any(keys):
        raise ImportFileError(FILE_EMPTY)
    seen = set()
    for key, label in zip(keys, header):
        if key and key in seen:
            raise ImportFileError(DUPLICATE_HEADER % {"column": label})
        seen.add(key)
    labels = dict(zip(keys, [str(h).strip() for h in header]))
    max_rows = settings.IMPORT_MAX_ROWS
    rows, errors, quoted = [], [], []
    width = len(keys)
    named = [(index, key) for index, key in enumerate(keys) if key]
    for line, cells, refused in records:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if not any(cells) or not any(c.strip() for c in cells):
            continue  # blank lines (and trailing empty XLSX rows) are not rows
        if len(rows) >= max_rows:
            raise ImportFileError(TOO_MANY_ROWS % {"limit": max_rows})
        row = {}
        for index, key in named:
            value, problem, was_quoted = _cell_value(cells[index], refused.get(index), key)
            if problem is not None:
                errors.append(RowError(line, labels[key], problem % {"value": value[:40]}))
            elif was_quoted:
                quoted.append((line, key))
            row[key] = value.strip()
        rows.append((line, row))
    if not rows:
        raise ImportFileError(HEADER_ONLY)
    return Table(headers=[k for k in keys if k], labels=labels, rows=rows, errors=errors, quoted=quoted)
