"""The kernel's own SQL: history rows copied by the database, and the paginator's row counts.

Named functions with named parameters (``%(name)s``). Table and column names come from the
models' meta, never from input. Every statement here needs arrays and the planner's estimates
(``backoffice.db.capabilities``); callers check before they call.
"""

from django.apps import apps
from django.utils import timezone

from backoffice.changesets.context import current_id

HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "changeset_id",
}


def history_model_of_m2m(model, field):
    """simple-history's snapshot model of one many-to-many field (``HistoricalProduct_tags``)."""
    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field.name}")


def history_insert(model, source):
    """``INSERT INTO <history> ... SELECT <the model's columns>, <history_params()> FROM <source>``.

    ``source`` is SQL naming rows of ``model``'s columns (its table with a condition, or a CTE of an
    ``UPDATE ... RETURNING``). Returns ``history_id`` and the primary key of each row written,
    written in primary-key order.
    """
    history = model.history.model
    own_columns = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column not in HISTORY_COLUMNS]
    unknown = [c for c in columns if c not in own_columns]
    if unknown:
        raise ValueError(f"history columns with no source column in {model._meta.db_table}: {unknown}")
    names = ", ".join(f'"{c}"' for c in columns)
    pk = model._meta.pk.column
    linked = in_changesets(history)
    return (
        f'INSERT INTO "{history._meta.db_table}" ({names}, history_date, history_change_reason, history_type,'  # noqa: S608
        f" history_user_id{', changeset_id' if linked else ''}) SELECT {names}, %(history_date)s,"
        f" %(history_reason)s, %(history_type)s, %(history_user)s{', %(changeset)s' if linked else ''}"
        f' FROM {source} ORDER BY "{pk}" RETURNING history_id, "{pk}"'
    )


def in_changesets(history):
    """Whether a historical model's rows join change sets (``ChangeSetLinked``): a ``changeset_id`` column."""
    return any(f.attname == "changeset_id" for f in history._meta.concrete_fields)


def history_params(*, user, reason, history_type="~"):
    """The history columns' values, the open change set's id (``backoffice.changesets``) included."""
    return {
        "history_date": timezone.now(),
        "history_reason": reason,
        "history_type": history_type,
        "history_user": getattr(user, "pk", None),
        "changeset": current_id(),
    }


def snapshot_inserts(model, written, *, among=None):
    """One ``INSERT ... SELECT`` per many-to-many field copying the current links as snapshots.

    ``written`` is SQL naming rows of ``(history_id, <pk>)``: what ``history_insert`` returned.
    ``among`` names a parameter holding an array of (at least) those primary keys: it lets the
    planner find the links by index when ``written`` is a CTE it cannot estimate (else it may scan
    every link for each batch).
    """
    pk = model._meta.pk.column
    statements = []
    for field in getattr(model.history.model, "_history_m2m_fields", []):
        through = getattr(model, field.name).through
        source_col = through._meta.get_field(field.m2m_field_name()).column
        target_col = through._meta.get_field(field.m2m_reverse_field_name()).column
        snapshot = history_model_of_m2m(model, field)._meta.db_table
        statements.append(
            f'INSERT INTO "{snapshot}" (id, history_id, "{source_col}", "{target_col}")'  # noqa: S608
            f' SELECT link.id, h.history_id, link."{source_col}", link."{target_col}"'
            f' FROM "{through._meta.db_table}" link JOIN {written} h ON h."{pk}" = link."{source_col}"'
            + (f' WHERE link."{source_col}" = ANY(%({among})s)' if among else "")
        )
    return statements


def copy_history_of_rows(cursor, model, pks, *, user, reason, history_type="~"):
    """History rows (with many-to-many snapshots) for the rows ``pks`` of ``model`` as stored now."""
    pk = model._meta.pk.column
    source = f'"{model._meta.db_table}" WHERE "{pk}" = ANY(%(pks)s)'  # noqa: S608 - names from the model
    params = history_params(user=user, reason=reason, history_type=history_type)
    cursor.execute(history_insert(model, source), {**params, "pks": list(pks)})
    written = cursor.fetchall()
    pairs = f'(SELECT * FROM unnest(%(history_ids)s::bigint[], %(pks)s::bigint[]) AS u(history_id, "{pk}"))'  # noqa: S608
    for statement in snapshot_inserts(model, pairs):
        cursor.execute(statement, {"history_ids": [row[0] for row in written], "pks": [row[1] for row in written]})
    return len(written)


# Exact up to the cap; past it the planner's estimate, unless the planner thinks there are no more
# rows than were already counted: then it knows nothing (a product search, ``pk = ANY(ARRAY(...))``,
# is always estimated at 10 rows) and the rows are counted exactly, or pages past the cap could not
# be reached. One statement either way; the estimate is only asked for past the cap.
CAPPED_COUNT = (
    "SELECT CASE WHEN c.n <= %(cap)s THEN c.n WHEN e.rows > c.n THEN e.rows"
    " ELSE (SELECT COUNT(*) FROM ({query}) AS a) END,"
    " c.n > %(cap)s AND e.rows > c.n"
    " FROM (SELECT COUNT(*) AS n FROM ({query} LIMIT %(cap_and_one)s) AS q) AS c"
    " CROSS JOIN LATERAL (SELECT CASE WHEN c.n > %(cap)s THEN backoffice_row_estimate(%(query_text)s) END AS rows) AS e"
)


def capped_or_estimated_count(connection, query_text, cap):
    """``(rows, estimated)`` of the query ``query_text``: exact up to ``cap`` rows, else the planner's.

    ``query_text`` is a query Django built, with its values in it (``connection.ops.compose_sql``).
    """
    sql = CAPPED_COUNT.format(query=query_text.replace("%", "%%"))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"cap": cap, "cap_and_one": cap + 1, "query_text": query_text})
        rows, estimated = cursor.fetchone()
    return int(rows), bool(estimated)


ESTIMATE_OR_COUNT = (
    "SELECT CASE WHEN c.reltuples >= %(estimate_from)s THEN c.reltuples::bigint"
    " ELSE (SELECT COUNT(*) FROM {table}) END FROM pg_class c WHERE c.oid = %(table_name)s::regclass"
)


def estimated_or_exact_table_rows(connection, table, estimate_from):
    """Rows of ``table``: the planner's estimate when it is ``estimate_from`` or more, else COUNT(*)."""
    sql = ESTIMATE_OR_COUNT.format(table=connection.ops.quote_name(table))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"estimate_from": estimate_from, "table_name": table})
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None
