"""The one import path of the admin and the command line: check everything, then write all or nothing.

An importer validates every row in Python against a few prefetched queries (``prepare``) and only
then writes in bulk (``write``) inside one transaction. A dry run stops after ``prepare`` and
writes nothing at all, so the preview and the real run give the same answer.
"""

from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from backoffice.changesets import recording
from backoffice.changesets.models import ChangeKind
from backoffice.db import relax_commit
from backoffice.errors import ServiceError
from backoffice.importing.reading import read_bytes, read_upload
from backoffice.importing.report import ImportFileError, ImportReport

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


def run_import(importer, table, *, dry_run=True):
    """Validate every row; write only when nothing is wrong and this is not a dry run."""
    report = importer.report
    report.dry_run = dry_run
    report.rows = len(table.rows)
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
        # One change set for the whole file: its rows can be undone together (backoffice.changesets).
        with transaction.atomic(), recording(kind=ChangeKind.IMPORT, user=importer.user, reason=importer.reason):
            relax_commit()  # a crash may lose the whole import, never half of it
            importer.write()
    except ServiceError as exc:
        report.error(0, "", exc.message)
    except DatabaseError as exc:
        report.error(0, "", WRITE_REFUSED % {"detail": str(exc).strip().splitlines()[0][:200]})
    else:
        report.committed = True
    return report


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
