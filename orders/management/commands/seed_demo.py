"""Synthetic data at scale for benchmarks; see ``orders/demo/seed.py`` for what it keeps consistent."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orders.demo.seed import Seeder
from orders.models import Order

HAS_ORDERS = (
    "The database already has %(count)d orders; seed_demo fills an empty shop so that its figures are "
    "reproducible. Run it against a fresh database, or pass --append to add to the existing data."
)


class Command(BaseCommand):
    help = (
        "Generate products, customers and orders (about --lines-per-order lines each) for benchmarks: "
        "deterministic for a --seed, written in batches (COPY on PostgreSQL), with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=1000, help="Products to create (default 1000).")
        parser.add_argument("--customers", type=int, default=1000, help="Customers to create (default 1000).")
        parser.add_argument("--orders", type=int, default=10000, help="Orders to create (default 10000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--lines-per-order", type=int, default=5, help="Average lines per order (default 5).")
        parser.add_argument("--batch-size", type=int, default=10000, help="Orders per transaction (default 10000).")
        parser.add_argument("--append", action="store_true", help="Add to a database that already has orders.")
        parser.add_argument("--no-copy", action="store_true", help="Use bulk_create even on PostgreSQL.")

    def handle(self, *args, **options):
        for name in ("products", "customers", "orders", "lines_per_order", "batch_size"):
            minimum = 1 if name in ("lines_per_order", "batch_size") else 0
            if options[name] < minimum:
                flag = "--" + name.replace("_", "-")
                raise CommandError(f"{flag} must be at least {minimum} (got {options[name]}).")
        if options["orders"] and not options["products"]:
            raise CommandError("Orders need products: pass --products N (at least 1).")
        if options["orders"] and options["customers"] < 1:
            raise CommandError("Orders need customers: pass --customers N (at least 1).")
        existing = Order.objects.count()
        if existing and not options["append"]:
            raise CommandError(HAS_ORDERS % {"count": existing})
        show = options["verbosity"] >= 1

        def progress(total, unit):
            return tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, disable=not show, leave=False)

        summary = Seeder(
            products=options["products"],
            customers=options["customers"],
            orders=options["orders"],
            seed=options["seed"],
            lines_per_order=options["lines_per_order"],
            batch_size=options["batch_size"],
            use_copy=not options["no_copy"],
            progress=progress,
        ).run()
        total = sum(summary.timings.values())
        statuses = ", ".join(f"{status} {count}" for status, count in sorted(summary.statuses.items()))
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in summary.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.products} products, {summary.customers} customers, {summary.orders} orders "
                f"({summary.lines} lines), {summary.movements} stock movements in {total:.1f}s "
                f"with {summary.method}."
            )
        )
        if summary.orders:
            self.stdout.write(f"Orders by status: {statuses}. Revenue (placed to delivered): {summary.revenue}.")
            self.stdout.write(f"Timing: {phases}; {summary.orders / max(total, 1e-9):,.0f} orders/s.")
