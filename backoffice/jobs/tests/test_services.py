"""Job states: one claim per job, cancel rules, the reaper of dead workers' jobs, pruning."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.errors import ServiceError
from backoffice.jobs import files, services
from backoffice.jobs.models import Job, JobKind, JobState
from inventory.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks")]


@pytest.fixture
def owner():
    return UserFactory(username="owner")


def queued(owner, **fields):
    return services.submit(user=owner, kind=JobKind.EXPORT, model_name="product", **fields)


def test_a_job_is_claimed_once(owner):
    job = queued(owner)
    first = services.claim(job.pk)
    assert (first.state, first.attempts) == (JobState.RUNNING, 1)
    assert services.claim(job.pk) is None


def test_cancel_is_for_the_owner_or_view_all_jobs_and_only_while_unfinished(owner):
    job = queued(owner)
    with pytest.raises(ServiceError) as refused:
        services.cancel(job=job, by=UserFactory(username="other"))
    assert refused.value.code == "not_yours"
    running = services.claim(job.pk)
    services.cancel(job=running, by=owner)
    running.refresh_from_db()
    assert (running.state, running.cancel_requested) == (JobState.RUNNING, True)  # the worker stops it
    services.mark_cancelled(running)
    with pytest.raises(ServiceError) as finished:
        services.cancel(job=running, by=owner)
    assert finished.value.code == "finished"


def test_a_silent_running_job_is_queued_again_then_failed_after_the_last_attempt(owner, settings):
    settings.JOB_STALE_SECONDS, settings.JOB_MAX_ATTEMPTS = 60, 2
    job = queued(owner)
    services.claim(job.pk)
    DBTaskResult.objects.filter(id=job.task_result_id).update(status=TaskResultStatus.RUNNING)
    now = timezone.now()
    assert services.reap_stale(now=now + timedelta(seconds=30)) == ([], [])  # still fresh
    assert services.reap_stale(now=now + timedelta(seconds=61)) == ([job.pk], [])
    old_task = job.task_result_id
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.task_result_id != old_task
    assert DBTaskResult.objects.get(id=old_task).status == TaskResultStatus.FAILED  # not "running" for ever
    assert DBTaskResult.objects.get(id=job.task_result_id).status == TaskResultStatus.READY
    services.claim(job.pk)
    assert services.reap_stale(now=timezone.now() + timedelta(seconds=61)) == ([], [job.pk])
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("The worker running this job stopped (killed or restarted) and the job was retried 1")


def test_prune_deletes_old_finished_jobs_with_their_files_and_keeps_the_rest(owner, settings):
    settings.JOB_KEEP_DAYS = 30
    old, recent, running = queued(owner), queued(owner), queued(owner)
    for job in (old, recent):
        services.claim(job.pk)
        files.ensure_folder(job.pk)
        services.succeed(job)
    services.claim(running.pk)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    assert services.prune() == (1, 0)
    assert sorted(Job.objects.values_list("pk", flat=True)) == [recent.pk, running.pk]
    assert not files.folder(old.pk).exists() and files.folder(recent.pk).exists()
