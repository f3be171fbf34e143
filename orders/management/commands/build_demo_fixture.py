"""Developer tool: rebuild ``fixtures/demo.json`` from ``orders.demo.catalog`` through the services."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from inventory.models import Category, Product, Tag
from orders.demo.build import build_demo_shop
from orders.models import Customer, Order

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
# Loaded in this order: everything a row points to comes before it.
FIXTURE_MODELS = [
    "inventory.Category",
    "inventory.Tag",
    "inventory.Product",
    "orders.Customer",
    "orders.Address",
    "orders.Order",
    "orders.OrderLine",
    "orders.OrderNumber",
    "inventory.StockMovement",
]
NOT_EMPTY = (
    "build_demo_fixture needs a freshly migrated, empty database (found %(found)s), so that the same "
    "code always writes the same rows and ids. For example:\n"
    "  DATABASE_URL=sqlite:////tmp/demo-build.sqlite3 manage.py migrate\n"
    "  DATABASE_URL=sqlite:////tmp/demo-build.sqlite3 manage.py build_demo_fixture"
)


class Command(BaseCommand):
    help = (
        "Build the demo shop (categories, tags, products, customers, orders) through the services on an "
        "empty database and write it to fixtures/demo.json. Deterministic: same code, same file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEMO_FIXTURE), help="Where to write the fixture.")

    def handle(self, *args, output, **options):
        found = {
            model._meta.verbose_name_plural: model.objects.count()
            for model in (Category, Tag, Product, Customer, Order)
        }
        found = {name: count for name, count in found.items() if count}
        if found:
            raise CommandError(NOT_EMPTY % {"found": ", ".join(f"{n} {name}" for name, n in found.items())})
        build_demo_shop()
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        call_command("dumpdata", *FIXTURE_MODELS, indent=1, output=output, verbosity=0)
        counts = ", ".join(
            f"{model.objects.count()} {model._meta.verbose_name_plural}"
            for model in (Category, Tag, Product, Customer, Order)
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {counts}."))
