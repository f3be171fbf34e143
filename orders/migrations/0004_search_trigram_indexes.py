"""Trigram GIN indexes behind the order and customer admin searches on PostgreSQL.

Django's ``icontains`` on PostgreSQL compiles to ``UPPER(col::text) LIKE UPPER('%term%')``, so the
indexes are on that expression (as ``inventory/migrations/0004``). The order admin searches the
order number and the customer's e-mail and last name as a union of lookups, each of which can use
one of these indexes; the customer admin's search also covers first name and phone, indexed too
so its OR of four lookups can be a bitmap OR. Other databases skip this migration's SQL.
"""

from django.db import migrations

from backoffice.db import trigram_indexes

INDEXES = [
    ("orders_order_number_trgm", "orders_order", "number"),
    ("orders_customer_email_trgm", "orders_customer", "email"),
    ("orders_customer_last_name_trgm", "orders_customer", "last_name"),
    ("orders_customer_first_name_trgm", "orders_customer", "first_name"),
    ("orders_customer_phone_trgm", "orders_customer", "phone"),
]


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_order_list_and_units_sold_indexes")]

    operations = [trigram_indexes(INDEXES)]
