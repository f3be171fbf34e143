"""The one import path of the admin and the command line: check everything, then write all or nothing.

An importer validates every row in Python against a few prefetched queries (``prepare``) and only
then writes in bulk (``write``) inside one transaction. A dry run stops after ``prepare`` and
writes nothing at all, so the preview and the real run give the same answer.

A background import (``backoffice.jobs``) splits the two: the check job runs ``check_table`` and
keeps the checked importer (``keep_plan``); the import job loads it and runs ``write_checked``
without validating again, unless the rows the plan read have changed meanwhile (``plan_changed``:
a digest of those rows taken before the check, compared with one taken now).
"""

import hashlib
import pickle
from collections import defaultdict

from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from backoffice.changesets import recording
from backoffice.changesets.models import ChangeKind
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
    # Attributes only ``prepare`` needs: not kept with the plan.
    transient = ()
    # Long lists of the plan may be kept in parts (``keep_plan``); False when the same objects sit
    # in two lists and must stay one object (parts are pickled apart).
    chunk_plan = True

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

    def keys_of(self, table):
        """The file's keys as the importer compares them (``depends_on`` reads the rows they name)."""
        return {row.get(self.key, "") for _line, row in table.rows} - {""}

    def depends_on(self):
        """Querysets of every row the plan was made from; a change in any of them means check again."""
        return [self.model.objects.all()]

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in self.transient}
        state.update(user=None, progress=None)  # the import job sets its own
        return state

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


def digest(querysets):
    """A fingerprint of the rows of ``querysets`` (every stored column, in primary-key order)."""
    hashed = hashlib.sha256()
    for queryset in querysets:
        columns = [f.attname for f in queryset.model._meta.concrete_fields]
        for row in queryset.order_by("pk").values_list(*columns).iterator(chunk_size=2000):
            hashed.update(repr(row).encode())
    return hashed.hexdigest()


def check_table(importer, table):
    """Validate every row (nothing is written); the importer then holds the plan of the write."""
    report = importer.report
    report.rows = len(table.rows)
    refuse_new_formulas(importer, table)
    table = importer.adapt(table)
    report.errors.extend(table.errors)
    if table.errors:
        # A row with a refused cell (a formula) is reported once, not checked again cell by cell.
        refused = {error.line for error in table.errors}
        table.rows = [(line, row) for line, row in table.rows if line not in refused]
    if importer.check_columns(table):
        importer.keys = importer.keys_of(table)
        # Before prepare: a change made while the check runs makes the digests differ later.
        importer.state = digest(importer.depends_on())
        importer.prepare(table)
    report.errors.sort(key=lambda e: (e.line, e.column))
    return report


def run_import(importer, table, *, dry_run=True):
    """Validate every row; write only when nothing is wrong and this is not a dry run."""
    importer.report.dry_run = dry_run
    report = check_table(importer, table)
    if report.errors or dry_run:
        return report
    return write_checked(importer)


def write_checked(importer, *, before_commit=None):
    """Write a checked plan in one transaction; ``before_commit()`` may raise to roll it all back."""
    report = importer.report
    report.dry_run = False
    try:
        # One change set for the whole file: its rows can be undone together (backoffice.changesets).
        with transaction.atomic(), recording(kind=ChangeKind.IMPORT, user=importer.user, reason=importer.reason):
            relax_commit()  # a crash may lose the whole import, never half of it
            importer.write()
            if before_commit is not None:
                before_commit()
    except ServiceError as exc:
        report.error(0, "", exc.message)
    except DatabaseError as exc:
        report.error(0, "", WRITE_REFUSED % {"detail": str(exc).strip().splitlines()[0][:200]})
    else:
        report.committed = True
        emit("import.finished", finished_event(importer))  # webhooks, after commit
    return report


PLAN_CHUNK = 2000  # rows per pickle of a kept plan's long lists


class _PlanPickler(pickle.Pickler):
    """Objects many rows point at (categories, tags) are written once, and named by number after."""

    def __init__(self, handle, shared):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = {id(obj): index for index, obj in enumerate(shared)}

    def persistent_id(self, obj):
        return self.shared.get(id(obj))


class _PlanUnpickler(pickle.Unpickler):
    def __init__(self, handle, shared):
        super().__init__(handle)
        self.shared = shared

    def persistent_load(self, pid):
        return self.shared[pid]


def keep_plan(importer, path):
    """Store a checked importer for the import job (pickled: written and read by our own workers only).

    Long lists go in chunks of PLAN_CHUNK rows, each pickled on its own: one
    pickle of a 200,000-row plan would keep a memo entry per object, a third more memory than the
    check itself. The objects rows share (``plan_objects()`` of the importer's resolvers) go first,
    once, so they stay one object each when loaded (a category created by the import gets its key
    for every row that names it).
    """
    state = importer.__getstate__()
    shared = [obj for value in state.values() if hasattr(value, "plan_objects") for obj in value.plan_objects()]
    chunked = {}
    if importer.chunk_plan:
        chunked = {k: v for k, v in state.items() if isinstance(v, list) and len(v) > PLAN_CHUNK}
    with open(path, "wb") as handle:
        pickle.dump((type(importer), shared), handle, protocol=pickle.HIGHEST_PROTOCOL)
        # A pickler (and, loading, an unpickler) per part: each part's memo starts empty.
        _PlanPickler(handle, shared).dump({k: v for k, v in state.items() if k not in chunked})
        for name, items in chunked.items():
            for start in range(0, len(items), PLAN_CHUNK):
                _PlanPickler(handle, shared).dump((name, items[start : start + PLAN_CHUNK]))
        _PlanPickler(handle, shared).dump(None)


def load_plan(path, *, user, progress=None):
    with open(path, "rb") as handle:
        cls, shared = pickle.load(handle)  # noqa: S301 (our own file, see keep_plan)
        state = _PlanUnpickler(handle, shared).load()
        while (part := _PlanUnpickler(handle, shared).load()) is not None:
            name, items = part
            state.setdefault(name, []).extend(items)
    importer = cls.__new__(cls)
    importer.__dict__.update(state)
    importer.user, importer.progress = user, progress
    return importer


def plan_changed(importer):
    return digest(importer.depends_on()) != importer.state


def read_table(source, *, file_name, file_format=None):
    """``source`` as a table: bytes or a file object. Raises ``ImportFileError``."""
    if isinstance(source, bytes | bytearray):
        return read_bytes(bytes(source), file_name=file_name, file_format=file_format)
    return read_upload(source, file_name=file_name, file_format=file_format)


def missing_import_permissions(user, model_name):
    """The admin's rule: importing needs the model's import, add and change permissions."""
    opts = importer_for(model_name).model._meta
    needed = [f"{opts.app_label}.{get_permission_codename(a, opts)}" for a in ("import", "add", "change")]
    return [perm for perm in needed if not user.has_perm(perm)]


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
        table = read_table(source, file_name=file_name, file_format=file_format)
    except ImportFileError as exc:
        importer.report.dry_run = dry_run
        importer.report.error(0, "", exc.message)
        return importer.report
    return run_import(importer, table, dry_run=dry_run)
