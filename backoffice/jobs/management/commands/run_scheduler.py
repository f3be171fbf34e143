"""``manage.py run_scheduler [--interval 30] [--once]``: enqueue the periodic tasks of JOB_SCHEDULE when due."""

from django.core.management.base import BaseCommand

from backoffice.jobs import schedule


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (settings.JOB_SCHEDULE) when they are due; safe to run on several machines."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30, help="seconds between ticks (default 30)")
        parser.add_argument("--once", action="store_true", help="one tick, then exit")

    def handle(self, *args, interval, once, **options):
        if once:
            names = schedule.tick()
            self.stdout.write(f"Enqueued: {', '.join(names) or 'nothing due'}.")
            return
        schedule.run(interval=interval)
