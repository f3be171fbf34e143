"""What an import found and did: counts, row errors with line and column, notes."""

from dataclasses import asdict, dataclass, field, fields

from django.utils.translation import gettext as _

KEYS_SHOWN = 50  # the preview names the first keys of new and of updated rows


@dataclass(frozen=True)
class RowError:
    """One refused cell or row. ``line`` is the file's line (header is line 1); 0 means the whole file."""

    line: int
    column: str
    message: str

    def __str__(self):
        if not self.line:
            return self.message
        if self.column:
            return _("Line %(line)d, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, empty, broken XLSX...)."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class ImportReport:
    noun: str
    file_name: str
    dry_run: bool = True
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (line, reason)
    created: list = field(default_factory=list)  # (kind, name): related rows created on the way
    committed: bool = False
    rows: int = 0
    new_keys: list = field(default_factory=list)  # the first KEYS_SHOWN keys of new rows
    updated_keys: list = field(default_factory=list)
    errors_omitted: int = 0  # errors not kept by ``to_dict`` (the failed-rows file has them all)

    @property
    def has_errors(self):
        return bool(self.errors)

    @property
    def error_count(self):
        return len(self.errors) + self.errors_omitted

    def to_dict(self, *, max_errors=500):
        """The report as JSON for a job's row: the first ``max_errors`` errors, the count of the rest."""
        data = asdict(self)
        data["errors"] = [[e.line, e.column, e.message] for e in self.errors[:max_errors]]
        data["errors_omitted"] = self.error_count - len(data["errors"])
        return data

    @classmethod
    def from_dict(cls, data):
        names = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in names}  # a job's report also holds its summary
        data["errors"] = [RowError(*error) for error in data.get("errors", [])]
        data["skipped"] = [tuple(s) for s in data.get("skipped", [])]
        data["created"] = [tuple(c) for c in data.get("created", [])]
        return cls(**data)

    @property
    def reason(self):
        """The history reason every row written by this import carries."""
        return f"import {self.file_name}"

    def add_new(self, key):
        self.new += 1
        if len(self.new_keys) < KEYS_SHOWN:
            self.new_keys.append(str(key))

    def add_updated(self, key):
        self.updated += 1
        if len(self.updated_keys) < KEYS_SHOWN:
            self.updated_keys.append(str(key))

    @property
    def more_new(self):
        """How many new rows the preview does not name."""
        return self.new - len(self.new_keys)

    @property
    def more_updated(self):
        return self.updated - len(self.updated_keys)

    def error(self, line, column, message):
        self.errors.append(RowError(line, column, str(message)))

    def note(self, message):
        self.notes.append(str(message))

    def skip(self, line, reason):
        self.skipped.append((line, str(reason)))

    def created_lines(self):
        verb = _("will create") if not self.committed else _("created")
        return [f"{verb} {kind} {name}" for kind, name in self.created]

    def summary(self):
        """One line for a message or the end of a command."""
        if self.errors:
            return _(
                "%(file)s: nothing was imported; %(count)d error(s) found. Fix them and import the file again."
            ) % {"file": self.file_name, "count": self.error_count}
        head = _("%(file)s imported") if self.committed else _("%(file)s checked (dry run, nothing written)")
        text = (
            (head % {"file": self.file_name})
            + ": "
            + _("%(new)d new, %(updated)d updated, %(unchanged)d unchanged %(noun)s.")
            % {"new": self.new, "updated": self.updated, "unchanged": self.unchanged, "noun": self.noun}
        )
        if self.skipped:
            text += " " + _("%(count)d row(s) skipped.") % {"count": len(self.skipped)}
        return text
