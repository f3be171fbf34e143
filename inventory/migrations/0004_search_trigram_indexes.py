"""Trigram GIN indexes behind the admin's product search (SKU, name, tag name) on PostgreSQL.

Django's ``icontains`` on PostgreSQL compiles to ``UPPER(col::text) LIKE UPPER('%term%')``, so the
indexes are on that expression. Other databases skip this migration's SQL.
"""

from django.db import migrations

from backoffice.db import trigram_indexes

INDEXES = [
    ("inventory_product_sku_trgm", "inventory_product", "sku"),
    ("inventory_product_name_trgm", "inventory_product", "name"),
    ("inventory_tag_name_trgm", "inventory_tag", "name"),
]


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_permissions")]

    operations = [trigram_indexes(INDEXES)]
