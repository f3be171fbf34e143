"""Move customers to the tiers the tier rules give them (``orders.tiers.apply_tier_rules``)."""

from django.core.management.base import BaseCommand

from orders.tiers import apply_tier_rules


class Command(BaseCommand):
    help = (
        "Apply the active tier rules: every customer who is not pinned moves to the tier the first rule "
        "they meet gives (regular if none). --dry-run counts the moves and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count who would move; write nothing.")

    def handle(self, *args, dry_run, **options):
        run = apply_tier_rules(dry_run=dry_run)
        verb = "would move" if dry_run else "moved"
        for reason, count in sorted(run.moved.items()):
            self.stdout.write(f"{count} {verb}: {reason}")
        self.stdout.write(self.style.SUCCESS(f"{run.total} customers {verb}."))
