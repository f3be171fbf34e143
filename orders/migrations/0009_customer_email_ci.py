import django.db.models.functions.text
from django.db import migrations, models

EMAIL_TAKEN = (
    "A customer with this email already exists (emails are compared without regard to case). "
    "Open that customer instead, or use another email."
)
DUPLICATES = (
    "Customers share an email that differs only in case, so the case-insensitive unique constraint "
    "cannot be added: {groups}. Merge or correct them (in the admin: Customers, search the email), then "
    "migrate again."
)


def refuse_case_duplicates(apps, schema_editor):
    """Stop, naming them, if emails differ only in case: which row to keep is the shop's choice."""
    from django.db.models import Count
    from django.db.models.functions import Lower

    Customer = apps.get_model("orders", "Customer")
    groups = (
        Customer.objects.using(schema_editor.connection.alias)
        .exclude(email=None)
        .annotate(key=Lower("email"))
        .values("key")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .order_by("key")
    )
    found = [f"{group['key']} ({group['rows']} customers)" for group in groups[:20]]
    if found:
        raise RuntimeError(DUPLICATES.format(groups=", ".join(found)))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_remove_blank_staff_customers"),
    ]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="customer_email_ci_unique",
                violation_error_message=EMAIL_TAKEN,
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="email",
            field=models.EmailField(
                error_messages={"unique": EMAIL_TAKEN}, max_length=254, null=True, unique=True, verbose_name="email"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="email",
            field=models.EmailField(
                db_index=True, error_messages={"unique": EMAIL_TAKEN}, max_length=254, null=True, verbose_name="email"
            ),
        ),
    ]
