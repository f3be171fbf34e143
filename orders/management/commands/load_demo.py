"""``make run`` calls this on every start: load the demo shop once, never twice."""

from django.core.management.base import BaseCommand

from orders.demo.load import DEMO_FIXTURE, demo_data_present, load_demo_data, rows_in_the_way

ALREADY_PRESENT = "Demo data already present; nothing loaded."
IN_THE_WAY = (
    "Demo data not loaded: the database already has %(rows)s, which the demo's rows would overwrite. "
    "Load it into a fresh database, before creating users (`make run` does it in that order)."
)


class Command(BaseCommand):
    help = (
        "Load the demo shop from fixtures/demo.json when the database has no products and no orders, "
        "with dates moved so the newest order is a few hours old. Safe to run again: it then does nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(DEMO_FIXTURE), help="The fixture to load.")

    def handle(self, *args, fixture, **options):
        if demo_data_present():
            self.stdout.write(ALREADY_PRESENT)
            return
        in_the_way = rows_in_the_way()
        if in_the_way:
            # A warning, not an error: `make run` goes on to serve the shop as it is.
            rows = ", ".join(f"{count} {name}" for name, count in in_the_way.items())
            self.stdout.write(self.style.WARNING(IN_THE_WAY % {"rows": rows}))
            return
        counts, shift = load_demo_data(fixture=fixture)
        summary = ", ".join(f"{count} {model._meta.verbose_name_plural}" for model, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded demo data: {summary}. Dates moved forward by {shift.days} days."))
