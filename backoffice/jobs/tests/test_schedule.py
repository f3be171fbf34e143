"""The scheduler: a due entry is enqueued once, also with two schedulers ticking at the same moment."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.jobs import schedule
from backoffice.jobs.models import Schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks")]
EVERY_HOUR = {"prune": {"task": "backoffice.jobs.tasks.prune_jobs", "every": 3600}}


def test_a_due_entry_is_enqueued_once_per_interval(settings):
    settings.JOB_SCHEDULE = EVERY_HOUR
    now = timezone.now()
    assert schedule.tick(now=now) == ["prune"]
    assert schedule.tick(now=now + timedelta(minutes=59)) == []
    assert schedule.tick(now=now + timedelta(minutes=61)) == ["prune"]
    tasks = DBTaskResult.objects.filter(task_path="backoffice.jobs.tasks.prune_jobs")
    assert tasks.count() == 2
    row = Schedule.objects.get(name="prune")
    assert row.next_run_at == now + timedelta(minutes=121)
    assert row.last_task_result_id == str(tasks.order_by("-enqueued_at").first().id)


def test_a_second_scheduler_that_read_the_same_due_row_enqueues_nothing(settings, monkeypatch):
    settings.JOB_SCHEDULE = EVERY_HOUR
    now = timezone.now()
    Schedule.objects.create(name="prune", next_run_at=now)
    stale = list(Schedule.objects.all())  # what the second scheduler read before the first one moved the row
    assert schedule.tick(now=now) == ["prune"]
    monkeypatch.setattr(Schedule.objects, "filter", _returning_first(stale))
    assert schedule.tick(now=now) == []
    assert DBTaskResult.objects.count() == 1


def _returning_first(rows):
    """``Schedule.objects.filter``, except that the due rows are the ones given (read earlier)."""
    original = Schedule.objects.filter
    calls = {"n": 0}

    def filter_(*args, **kwargs):
        calls["n"] += 1
        if "next_run_at__lte" in kwargs:
            return _Rows(rows)
        return original(*args, **kwargs)

    return filter_


class _Rows(list):
    def order_by(self, *fields):
        return self


def test_run_scheduler_once(settings, capsys):
    settings.JOB_SCHEDULE = EVERY_HOUR
    call_command("run_scheduler", "--once")
    assert capsys.readouterr().out.strip() == "Enqueued: prune."
    call_command("run_scheduler", "--once")
    assert capsys.readouterr().out.strip() == "Enqueued: nothing due."


def test_every_scheduled_task_exists():
    from django.conf import settings
    from django.utils.module_loading import import_string

    for entry in settings.JOB_SCHEDULE.values():
        assert hasattr(import_string(entry["task"]), "enqueue")
