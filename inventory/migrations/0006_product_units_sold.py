"""``Product.units_sold``: a stored counter instead of a sum over every product's order lines.

Backfilled from the lines with the SQL the recount ran at the time (``orders.recount.recount_units_sold``
today): on PostgreSQL one ``UPDATE ... FROM`` a ``GROUP BY`` of the lines of sales (about seconds
for 5M lines), elsewhere a correlated subquery per product.
"""

from django.db import migrations, models

from backoffice.db import capabilities

# Frozen: the SQL and the statuses as they were when the field was added (the recount lives in
# orders.recount now). A migration never calls live code.
SALES = "l INNER JOIN orders_order o ON o.id = l.order_id WHERE o.status IN (%(placed)s, %(paid)s, %(shipped)s, %(delivered)s)"
FROM_GROUPED = (  # PostgreSQL: one hash join of the lines and the orders
    "UPDATE inventory_product AS p SET units_sold = COALESCE(s.units, 0) FROM inventory_product AS q"
    f" LEFT JOIN (SELECT l.product_id, SUM(l.quantity) AS units FROM orders_orderline {SALES}"
    " GROUP BY l.product_id) AS s ON s.product_id = q.id"
    " WHERE p.id = q.id AND p.units_sold <> COALESCE(s.units, 0)"
)
COUNT = f"COALESCE((SELECT SUM(l.quantity) FROM orders_orderline {SALES} AND l.product_id = inventory_product.id), 0)"
CORRELATED = f"UPDATE inventory_product SET units_sold = {COUNT} WHERE units_sold <> {COUNT}"
STATUSES = {"placed": "placed", "paid": "paid", "shipped": "shipped", "delivered": "delivered"}


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(FROM_GROUPED if capabilities(connection).arrays else CORRELATED, STATUSES)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_fewer_indexes"),
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="units_sold",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="units sold"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
