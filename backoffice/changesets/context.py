"""The change set being recorded, as a context variable: services read it, none takes it as an argument."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_current = ContextVar("changeset", default=None)


def current():
    return _current.get()


def current_id():
    changeset = _current.get()
    return None if changeset is None else changeset.pk


@contextmanager
def recording(*, kind, user, reason, undo_of=None):
    """Open a change set; history rows written inside are linked to it, their counts stored at the end.

    Nested calls join the outer set (an import that calls a stock service is one set). The set is
    written in the caller's transaction: if the work rolls back, so does the set.
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    from backoffice.changesets.models import ChangeSet

    with transaction.atomic():
        changeset = ChangeSet.objects.create(
            kind=kind, user=user if getattr(user, "pk", None) else None, reason=str(reason)[:255], undo_of=undo_of
        )
        token = _current.set(changeset)
        try:
            yield changeset
        finally:
            _current.reset(token)
        changeset.store_counts()
        if not changeset.counts:
            changeset.delete()  # nothing was written (a confirmation page, a refused change)


def link_history_row(sender, history_instance, **kwargs):
    """simple-history's per-row signal: the row joins the change set being recorded."""
    changeset = _current.get()
    if changeset is not None and hasattr(history_instance, "changeset_id"):
        history_instance.changeset_id = changeset.pk
