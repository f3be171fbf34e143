"""Database helpers that migrations share."""

from django.db import migrations


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
