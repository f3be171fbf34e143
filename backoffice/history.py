"""History for bulk writes, which simple-history does not record by itself.

``bulk_history_create`` writes one historical row per object but leaves many-to-many
snapshots (a product's tags) empty, so a later revert would drop them; ``record_bulk_history``
writes both.
"""

from django.utils import timezone

from backoffice.changesets.context import current_id


def record_bulk_history(model, objs, *, user, reason, update=True, batch_size=1000, deleted=False):
    """History rows (and tag snapshots) for ``objs`` as they are; ``deleted``: "-" rows, written before the delete."""
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
        custom_historical_attrs={"changeset_id": current_id()},
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
    history_m2m = history_m2m_model(model, field)
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


def history_m2m_model(model, field):
    """simple-history's snapshot model of ``model``'s many-to-many ``field`` (``HistoricalProduct_tags``)."""
    from django.apps import apps

    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field.name}")


HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "changeset_id",
}


def history_insert_sql(model, source):
    """``INSERT INTO <history> ... SELECT <the model's columns>, %s, %s, %s, %s, %s FROM <source>``.

    ``source`` is SQL naming rows of ``model``'s columns (its table with a condition, or a CTE of an
    ``UPDATE ... RETURNING``); the parameters are ``history_params()``. Returns ``history_id`` and
    the primary key of each row written, written in primary-key order.
    """
    history = model.history.model
    own_columns = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column not in HISTORY_COLUMNS]
    unknown = [c for c in columns if c not in own_columns]
    if unknown:
        raise ValueError(f"history columns with no source column in {model._meta.db_table}: {unknown}")
    names = ", ".join(f'"{c}"' for c in columns)
    pk = model._meta.pk.column
    # Table and column names come from the models' meta, never from input.
    return (
        f'INSERT INTO "{history._meta.db_table}" ({names}, history_date, history_change_reason, history_type,'  # noqa: S608
        f" history_user_id, changeset_id) SELECT {names}, %s, %s, %s, %s, %s FROM {source}"
        f' ORDER BY "{pk}" RETURNING history_id, "{pk}"'
    )


def history_params(*, user, reason, history_type="~"):
    """The history columns' values, the open change set's id (``backoffice.changesets``) included."""
    return [timezone.now(), reason, history_type, getattr(user, "pk", None), current_id()]


def snapshot_insert_sqls(model, written, *, among=False):
    """One ``INSERT ... SELECT`` per many-to-many field copying the current links as snapshots.

    ``written`` is SQL naming rows of ``(history_id, <pk>)``: what ``history_insert_sql`` returned.
    With ``among``, each statement takes one more parameter, an array holding (at least) those
    primary keys: it lets the planner find the links by index when ``written`` is a CTE it cannot
    estimate (else it may scan every link for each batch).
    """
    pk = model._meta.pk.column
    statements = []
    for field in getattr(model.history.model, "_history_m2m_fields", []):
        through = getattr(model, field.name).through
        source_col = through._meta.get_field(field.m2m_field_name()).column
        target_col = through._meta.get_field(field.m2m_reverse_field_name()).column
        snapshot = history_m2m_model(model, field)._meta.db_table
        statements.append(
            f'INSERT INTO "{snapshot}" (id, history_id, "{source_col}", "{target_col}")'  # noqa: S608
            f' SELECT link.id, h.history_id, link."{source_col}", link."{target_col}"'
            f' FROM "{through._meta.db_table}" link JOIN {written} h ON h."{pk}" = link."{source_col}"'
            + (f' WHERE link."{source_col}" = ANY(%s)' if among else "")
        )
    return statements


def record_history_from_rows(model, objs, *, user, reason, deleted=False):
    """The same history rows as ``record_bulk_history``, copied by the database from the rows as stored.

    For rows a bulk UPDATE has just written (so the table holds what ``objs`` hold): on PostgreSQL
    one ``INSERT ... SELECT`` per history table instead of building and sending every historical
    row from Python (bench/: a bulk publish of 100k products spent most of its time there).
    Elsewhere it is ``record_bulk_history``. ``deleted``: "-" rows of rows about to be deleted.
    """
    objs = list(objs)
    if not objs:
        return 0
    from django.db import connection

    if connection.vendor != "postgresql":
        record_bulk_history(model, objs, user=user, reason=reason, deleted=deleted)
        return len(objs)
    pk = model._meta.pk.column
    source = f'"{model._meta.db_table}" WHERE "{pk}" = ANY(%s)'
    with connection.cursor() as cursor:
        cursor.execute(
            history_insert_sql(model, source),
            [*history_params(user=user, reason=reason, history_type="-" if deleted else "~"), [obj.pk for obj in objs]],
        )
        written = cursor.fetchall()
        pairs = f'(SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS u(history_id, "{pk}"))'  # noqa: S608
        for statement in snapshot_insert_sqls(model, pairs):
            cursor.execute(statement, [[row[0] for row in written], [row[1] for row in written]])
    return len(written)
