"""What the database can do, and the dialect helpers built on it: nothing here knows the domain.

``capabilities(connection)`` is the one place that asks which database the code runs on; services,
SQL modules, the import and migrations ask it for a capability ("does this database have COPY?"),
never for a vendor name.
"""

from dataclasses import dataclass

from django.db import connection as default_connection
from django.db import migrations


@dataclass(frozen=True)
class Capabilities:
    copy: bool  # COPY ... FROM STDIN / TO STDOUT
    arrays: bool  # one array parameter: ``col = ANY(%(ids)s)``, ``unnest(...)``
    row_locks: bool  # SELECT ... FOR UPDATE (SQLite serialises writers instead)
    for_update_of: bool  # FOR UPDATE OF <table>: lock one table of a join
    no_key_update: bool  # FOR NO KEY UPDATE: does not block foreign-key checks of new rows
    trigram: bool  # pg_trgm GIN indexes
    update_join: bool  # ``UPDATE t JOIN (...) s SET ...`` instead of ``UPDATE t SET ... FROM (...) s``
    planner_estimates: bool  # pg_class.reltuples and EXPLAIN (FORMAT JSON) row estimates
    nulls_last_index: bool  # an index column may say NULLS LAST
    order_by_nulls_last: bool  # ORDER BY ... NULLS LAST
    async_commit: bool  # SET LOCAL synchronous_commit = off
    auto_increment_gaps: bool  # an auto-increment may skip values after a reset (InnoDB)


def capabilities(connection=None):
    """The capabilities of ``connection`` (the default one), read now (tests may change features)."""
    connection = connection or default_connection
    postgresql = connection.vendor == "postgresql"
    mysql = connection.vendor == "mysql"
    features = connection.features
    return Capabilities(
        copy=postgresql,
        arrays=postgresql,
        row_locks=features.has_select_for_update,
        for_update_of=features.has_select_for_update_of,
        no_key_update=features.has_select_for_no_key_update,
        trigram=postgresql,
        update_join=mysql,
        planner_estimates=postgresql,
        nulls_last_index=postgresql,
        order_by_nulls_last=features.supports_order_by_nulls_modifier,
        async_commit=postgresql,
        auto_increment_gaps=mysql,
    )


def in_values(column, name, values, connection=None):
    """``(sql, params)`` for ``column IN values`` with named parameters.

    With arrays one parameter, ``column = ANY(%(name)s)``; elsewhere one per value
    (``%(name_0)s, %(name_1)s ...``). ``column`` is SQL (a quoted name), never input.
    """
    values = list(values)
    if capabilities(connection).arrays:
        return f"{column} = ANY(%({name})s)", {name: values}
    params = {f"{name}_{index}": value for index, value in enumerate(values)}
    marks = ", ".join(f"%({key})s" for key in params)
    return f"{column} IN ({marks})", params


def update_joined(connection, *, table, alias, sets, joins, where="1 = 1"):
    """``UPDATE`` of ``table`` (as ``alias``) from other rows, in the database's own syntax.

    ``sets`` maps a column of ``table`` to SQL; ``joins`` is ``[(source SQL, alias, condition)]``
    (a table name or a parenthesised SELECT); ``where`` limits the rows. PostgreSQL and SQLite
    (3.33+) take ``UPDATE t AS a SET c = ... FROM s1 AS x, s2 AS y WHERE <conditions>``;
    MySQL/MariaDB ``UPDATE t a JOIN s1 x ON ... JOIN s2 y ON ... SET a.c = ... WHERE ...``.
    Everything here is SQL built by the caller from the models' meta, never input.
    """
    if capabilities(connection).update_join:
        joined = " ".join(f"JOIN {source} {name} ON {condition}" for source, name, condition in joins)
        assignments = ", ".join(f"{alias}.{column} = {value}" for column, value in sets.items())
        return f"UPDATE {table} {alias} {joined} SET {assignments} WHERE {where}"  # noqa: S608
    sources = ", ".join(f"{source} AS {name}" for source, name, _condition in joins)
    conditions = " AND ".join([*(condition for _source, _name, condition in joins), where])
    assignments = ", ".join(f"{column} = {value}" for column, value in sets.items())
    return f"UPDATE {table} AS {alias} SET {assignments} FROM {sources} WHERE {conditions}"  # noqa: S608


def relax_commit(connection=None):
    """Where the database allows it, let this transaction's COMMIT return before its WAL is on disk.

    A crash right after could lose the transaction as a whole (it rolls back on recovery); it can
    never leave half of it. The setting ends with the transaction.
    """
    connection = connection or default_connection
    if capabilities(connection).async_commit:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def when_capable(capability, forward_sql, backward_sql):
    """A migration operation running ``forward_sql`` / ``backward_sql`` only where ``capability`` holds."""

    def run(sql):
        def operation(apps, schema_editor):
            if getattr(capabilities(schema_editor.connection), capability):
                schema_editor.execute(sql)

        return operation

    return migrations.RunPython(run(forward_sql), run(backward_sql), elidable=False)


def trigram_indexes(indexes):
    """A migration operation for trigram GIN indexes, where the database has them (PostgreSQL).

    ``indexes`` is ``[(index name, table, column)]``. Django's ``icontains`` on PostgreSQL compiles
    to ``UPPER(col::text) LIKE UPPER('%term%')``, so the indexes are on that expression. Other
    databases run nothing.
    """

    def create(apps, schema_editor):
        if not capabilities(schema_editor.connection).trigram:
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if not capabilities(schema_editor.connection).trigram:
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)


def update_rows(model, objs, fields):
    """One ``UPDATE ... FROM unnest(arrays)`` writing ``fields`` of ``objs`` (by primary key); needs arrays.

    Django's ``bulk_update`` builds a CASE with one WHEN per row and field, which takes longer to
    compile than to run for thousands of rows; this sends one array per column instead.
    """
    if not objs:
        return 0
    connection = default_connection
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    names = ["_pk", *(f.column for f in columns)]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *columns])
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments}"  # noqa: S608 - names from the model
        f" FROM unnest({arrays}) AS v({', '.join(quote(n) for n in names)})"
        f" WHERE t.{quote(pk.column)} = v._pk"
    )
    params = [[obj.pk for obj in objs]]
    for field in columns:
        params.append([field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def bulk_update_rows(model, objs, fields):
    """Write ``fields`` of ``objs``: ``update_rows`` where the database has arrays, else ``bulk_update``."""
    if capabilities().arrays:
        return update_rows(model, objs, fields)
    return model.objects.bulk_update(objs, fields, batch_size=max(len(objs), 1))
