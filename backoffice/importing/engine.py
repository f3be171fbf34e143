"""The one import path of the admin and the command line: check everything, then write all or nothing.

An importer validates every row in Python against a few prefetched queries (``prepare``) and only
then writes in bulk (``write``) inside one transaction. A dry run stops after ``prepare`` and
writes nothing at all, so the preview and the real run give the same answer.
"""

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from backoffice.db import relax_commit
from backoffice.errors import ServiceError
from backoffice.importing.reading import FORMULA_CELL, read_bytes, read_upload
from backoffice.importing.report import ImportFileError, ImportReport, RowError
from backoffice.webhooks.events import emit

MISSING_COLUMNS = _("Required column(s) missing: %(columns)s. The file has: %(found)s.")
UNKNOWN_COLUMNS = _("Column(s) ignored, not known for %(noun)s: %(columns)s.")
WRITE_REFUSED = _("The database refused the import, nothing was written: %(detail)s")
DUPLICATE_KEY = _("%(value)s appears more than once in the file (first on line %(first)d).")

IMPORTERS = {
    "product": "inventory.resources.ProductImporter",
    "category": "inventory.resources.CategoryImporter",
    "tag": "inventory.resources.TagImporter",
    "customer": "orders.resources.CustomerImporter",
}


class Importer:
    """Base of the per-model importers. Subclasses set the columns and implement prepare/write."""

    model = None
    noun = ""
    key = ""
    required_columns = ()
    optional_columns = ()
    progress_every = 2000

    def __init__(self, *, user, file_name, progress=None):
        self.user = user
        self.progress = progress
        self.report = ImportReport(noun=str(self.noun), file_name=file_name)
        self.columns = set()

    @property
    def reason(self):
        return self.report.reason

    def known_columns(self):
        return set(self.required_columns) | set(self.optional_columns)

    def adapt(self, table):
        """Hook for foreign layouts (WooCommerce): return the table in our own columns."""
        return table

    def check_columns(self, table):
        known = self.known_columns()
        missing = [c for c in self.required_columns if c not in table.headers]
        unknown = [table.labels[c] for c in table.headers if c not in known]
        if unknown:
            self.report.note(UNKNOWN_COLUMNS % {"noun": self.noun, "columns": ", ".join(unknown)})
        if missing:
            found = ", ".join(table.labels[c] for c in table.headers) or "-"
            self.report.error(0, "", MISSING_COLUMNS % {"columns": ", ".join(missing), "found": found})
            return False
        self.columns = {c for c in table.headers if c in known}
        return True

    def tick(self, index):
        if self.progress is not None and index and index % self.progress_every == 0:
            self.progress(self.progress_every)

    def first_seen(self):
        """A helper for 'duplicate key in one file': ``check(key, line)`` -> error text or None."""
        seen = {}

        def check(value, line):
            first = seen.setdefault(value, line)
            if first != line:
                return DUPLICATE_KEY % {"value": value, "first": first}
            return None

        return check

    def stored_pairs(self, column, texts):
        """``{(key in lower case, text)}`` for rows whose ``column`` holds one of ``texts`` now."""
        try:
            field = self.model._meta.get_field(column)
        except FieldDoesNotExist:
            return set()
        if field.is_relation or not field.concrete or not self.key:
            return set()
        texts, pairs = sorted(texts), set()
        for start in range(0, len(texts), 500):
            rows = self.model.objects.filter(**{f"{column}__in": texts[start : start + 500]})
            pairs.update((str(k).strip().lower(), v) for k, v in rows.values_list(self.key, column))
        return pairs

    def prepare(self, table):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError


def importer_for(model_name):
    try:
        return import_string(IMPORTERS[model_name])
    except KeyError:
        raise ImportFileError(
            _("Unknown model %(model)s; imports take: %(models)s.")
            % {"model": model_name, "models": ", ".join(IMPORTERS)}
        ) from None


def refuse_new_formulas(importer, table):
    """A formula read back from an inert quote (``'=1+1``) is taken only where the row already holds
    it: the round trip of our own export. Any other file cannot bring a formula in that way."""
    if not table.quoted:
        return
    rows = dict(table.rows)
    by_column = defaultdict(dict)
    for line, column in table.quoted:
        by_column[column][line] = rows[line][column]
    for column, texts in by_column.items():
        kept = importer.stored_pairs(column, set(texts.values()))
        for line, text in texts.items():
            if (str(rows[line].get(importer.key, "")).strip().lower(), text) not in kept:
                table.errors.append(RowError(line, table.labels[column], FORMULA_CELL % {"value": text[:40]}))


def run_import(importer, table, *, dry_run=True):
    """Validate every row; write only when nothing is wrong and this is not a dry run."""
    report = importer.report
    report.dry_run = dry_run
    report.rows = len(table.rows)
    refuse_new_formulas(importer, table)
    table = importer.adapt(table)
    report.errors.extend(table.errors)
    if table.errors:
        # A row with a refused cell (a formula) is reported once, not checked again cell by cell.
        refused = {error.line for error in table.errors}
        table.rows = [(line, row) for line, row in table.rows if line not in refused]
    if importer.check_columns(table):
        importer.prepare(table)
    report.errors.sort(key=lambda e: (e.line, e.column))
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            relax_commit()  # a crash may lose the whole import, never half of it
            importer.write()
    except ServiceError as exc:
        report.error(0, "", exc.message)
    except DatabaseError as exc:
        report.error(0, "", WRITE_REFUSED % {"detail": str(exc).strip().splitlines()[0][:200]})
    else:
        report.committed = True
        emit("import.finished", finished_event(importer))  # webhooks, after commit
    return report


def finished_event(importer):
    """The data of the ``import.finished`` webhook: what was imported, by whom, with the counts."""
    report = importer.report
    return {
        "model": importer.model._meta.model_name,
        "file_name": report.file_name,
        "user": importer.user.get_username() if getattr(importer.user, "pk", None) else None,
        "rows": report.rows,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": len(report.skipped),
    }


def import_file(model_name, source, *, file_name, user, file_format=None, dry_run=True, progress=None):
    """Read ``source`` (bytes or a file object), then ``run_import``. Never raises for bad input."""
    importer = importer_for(model_name)(user=user, file_name=file_name, progress=progress)
    try:
        if isinstance(source, bytes | bytearray):
            table = read_bytes(bytes(source), file_name=file_name, file_format=file_format)
        else:
            table = read_upload(source, file_name=file_name, file_format=file_format)
    except ImportFileError as exc:
        importer.report.dry_run = dry_run
        importer.report.error(0, "", exc.message)
        return importer.report
    return run_import(importer, table, dry_run=dry_run)
