"""Database helpers shared by migrations, services and the import: nothing here knows the domain."""

from django.db import connection, migrations


def trigram_indexes(indexes):
    """A migration operation for trigram GIN indexes, on PostgreSQL only.

    ``indexes`` is ``[(index name, table, column)]``. Django's ``icontains`` on PostgreSQL compiles
    to ``UPPER(col::text) LIKE UPPER('%term%')``, so the indexes are on that expression. Other
    databases run nothing.
    """

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)


def update_rows(model, objs, fields):
    """One ``UPDATE ... FROM unnest(arrays)`` writing ``fields`` of ``objs`` (by primary key).

    Django's ``bulk_update`` builds a CASE with one WHEN per row and field, which takes longer to
    compile than to run for thousands of rows; this sends one array per column instead.
    """
    if not objs:
        return 0
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
