"""``Product.units_sold``: a stored counter instead of a sum over every product's order lines.

Backfilled from the lines with the SQL ``inventory.services.recount_units_sold`` runs: on
PostgreSQL one ``UPDATE ... FROM`` a ``GROUP BY`` of the lines of sales (about seconds for 5M
lines), elsewhere a correlated subquery per product.
"""

from django.db import migrations, models

# The order statuses that counted as sales when this migration was written (orders.choices.REVENUE_STATUSES).
SALE_STATUSES = ["placed", "paid", "shipped", "delivered"]


def backfill(apps, schema_editor):
    from inventory.services import units_sold_recount

    tables = {
        "product": apps.get_model("inventory", "Product")._meta.db_table,
        "line": apps.get_model("orders", "OrderLine")._meta.db_table,
        "order": apps.get_model("orders", "Order")._meta.db_table,
    }
    units_sold_recount(schema_editor.connection, tables, SALE_STATUSES)


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
