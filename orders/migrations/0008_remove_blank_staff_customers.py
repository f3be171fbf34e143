"""Staff are not customers: remove the blank customers the old signal made for staff users.

A staff user's customer with orders (of any status) is kept, and reported: its orders need it.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Exists, OuterRef


def remove_staff_customers(apps, schema_editor):
    Customer = apps.get_model("orders", "Customer")
    Order = apps.get_model("orders", "Order")
    staff = Customer.objects.filter(user__is_staff=True)
    has_orders = Exists(Order.objects.filter(customer=OuterRef("pk")))
    kept = list(staff.filter(has_orders).values_list("pk", "user__username"))
    removed = staff.exclude(has_orders).delete()[1].get("orders.Customer", 0)
    if removed or kept:
        print(f"\n  Removed {removed} blank customer(s) made for staff users.")
    for pk, username in kept:
        print(f"  Kept customer #{pk} of staff user {username}: it has orders.")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_customer_addresses_notes_tier_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(remove_staff_customers, migrations.RunPython.noop)]
