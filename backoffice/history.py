"""Who changed a row and why: the stamp every write carries, and history for bulk writes.

``stamp(instance, user=..., reason=...)`` is how a service (or the admin, the API, an import) tells
simple-history the acting user and the reason before it saves. ``actor(user)`` is the user to
store on a row (a movement, an order), or None for an anonymous or missing one.

``bulk_history_create`` writes one historical row per object but leaves many-to-many
snapshots (a product's tags) empty, so a later revert would drop them; ``record_bulk_history``
writes both.
"""

from django.utils import timezone

from backoffice.changesets.context import current_id
from backoffice.db import capabilities
from backoffice.sql import copy_history_of_rows, history_model_of_m2m, in_changesets


def actor(user):
    """The user to store as the one who acted: None for an anonymous user or none at all."""
    return user if getattr(user, "pk", None) else None


def stamp(instance, *, user, reason):
    """Give ``instance`` the user and reason its next history record carries; returns it."""
    instance._history_user = user
    instance._change_reason = reason
    return instance


def record_bulk_history(model, objs, *, user, reason, update=True, batch_size=1000, deleted=False):
    """History rows (and tag snapshots) for ``objs`` as they are, in the open change set.

    ``deleted``: "-" rows, written before the rows are deleted (after it the tag links are gone).
    """
    objs = list(objs)
    if not objs:
        return []
    now = timezone.now()
    history_rows = model.history.bulk_history_create(
        objs,
        batch_size=batch_size,
        update=update,
        default_user=user,
        default_change_reason=reason,
        default_date=now,
        custom_historical_attrs={"changeset_id": current_id()} if in_changesets(model.history.model) else None,
    )
    if deleted:
        # simple-history's bulk writer knows only "+" and "~".
        model.history.model.objects.filter(history_id__in=[row.pk for row in history_rows]).update(history_type="-")
    m2m_fields = getattr(model.history.model, "_history_m2m_fields", [])
    if m2m_fields:
        by_pk = {row.id: row for row in history_rows}
        for field in m2m_fields:
            _snapshot_m2m(model, field, by_pk, batch_size)
    return history_rows


def _snapshot_m2m(model, field, history_by_pk, batch_size):
    through = getattr(model, field.name).through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    history_m2m = history_model_of_m2m(model, field)
    rows = []
    links = through.objects.filter(**{f"{source}__in": list(history_by_pk)})
    for link in links.values("id", f"{source}_id", f"{target}_id"):
        rows.append(
            history_m2m(
                id=link["id"],
                history=history_by_pk[link[f"{source}_id"]],
                **{f"{source}_id": link[f"{source}_id"], f"{target}_id": link[f"{target}_id"]},
            )
        )
    history_m2m.objects.bulk_create(rows, batch_size=batch_size)


def record_history_from_rows(model, objs, *, user, reason, deleted=False):
    """The same history rows as ``record_bulk_history``, copied by the database from the rows as stored.

    For rows a bulk UPDATE has just written (so the table holds what ``objs`` hold): with arrays
    (PostgreSQL) one ``INSERT ... SELECT`` per history table instead of building and sending every
    historical row from Python (bench/: a bulk publish of 100k products spent most of its time
    there). Elsewhere it is ``record_bulk_history``. ``deleted``: "-" rows of rows about to be deleted.
    """
    objs = list(objs)
    if not objs:
        return 0
    from django.db import connection

    if not capabilities(connection).arrays:
        record_bulk_history(model, objs, user=user, reason=reason, deleted=deleted)
        return len(objs)
    history_type = "-" if deleted else "~"
    with connection.cursor() as cursor:
        return copy_history_of_rows(
            cursor, model, [obj.pk for obj in objs], user=user, reason=reason, history_type=history_type
        )
