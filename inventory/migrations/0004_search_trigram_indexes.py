"""Trigram GIN indexes behind the admin's product search (SKU, name, tag name) on PostgreSQL.

Django's ``icontains`` on PostgreSQL compiles to ``UPPER(col::text) LIKE UPPER('%term%')``, so the
indexes are on that expression. Other databases skip this migration's SQL.
"""

from django.db import migrations

INDEXES = [
    ("inventory_product_sku_trgm", "inventory_product", "sku"),
    ("inventory_product_name_trgm", "inventory_product", "name"),
    ("inventory_tag_name_trgm", "inventory_tag", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_permissions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
