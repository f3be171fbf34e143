"""Periodic tasks: ``settings.JOB_SCHEDULE`` names each task and how often it runs.

django-tasks-db has no scheduler, so ``manage.py run_scheduler`` ticks: every due entry is
claimed by moving its ``Schedule.next_run_at`` forward with a conditional UPDATE, and enqueued
in the same transaction. Two schedulers (say one per machine) never enqueue the same run twice:
the second one's UPDATE finds the row already moved and changes nothing. A missed run (no
scheduler running) is run once when one starts, not once per missed interval.

A new periodic task is one line in ``JOB_SCHEDULE``: ``"name": {"task": "app.tasks.fn", "every": seconds}``.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from backoffice.jobs.models import Schedule

logger = logging.getLogger(__name__)


def tick(*, now=None):
    """Enqueue every entry that is due; returns the names enqueued."""
    now = now or timezone.now()
    entries = settings.JOB_SCHEDULE
    known = set(Schedule.objects.filter(name__in=entries).values_list("name", flat=True))
    for name in entries.keys() - known:
        Schedule.objects.get_or_create(name=name, defaults={"next_run_at": now})
    enqueued = []
    for row in Schedule.objects.filter(name__in=entries, next_run_at__lte=now).order_by("name"):
        entry = entries[row.name]
        with transaction.atomic():
            claimed = Schedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=now + timedelta(seconds=entry["every"]), last_run_at=now
            )
            if not claimed:  # another scheduler took this run
                continue
            result = import_string(entry["task"]).enqueue()
            Schedule.objects.filter(pk=row.pk).update(last_task_result_id=str(result.id))
        enqueued.append(row.name)
    return enqueued


def run(*, interval=30, ticks=None):
    """Tick every ``interval`` seconds (``ticks`` bounds the loop, for tests and one-off runs)."""
    done = 0
    while ticks is None or done < ticks:
        try:
            for name in tick():
                logger.info("scheduled %s", name)
        except Exception:
            logger.exception("scheduler tick failed; trying again in %s s", interval)
        done += 1
        if ticks is None or done < ticks:
            time.sleep(interval)
