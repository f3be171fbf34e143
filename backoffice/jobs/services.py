"""Every change of a job's state: submit, claim, progress, finish, fail, cancel, retry.

State changes are conditional UPDATEs on the current state, so a worker, a second worker, the
reaper and a user's cancel never overwrite each other: whoever moves the row first wins, the
others see 0 rows changed and step back.
"""

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.errors import ServiceError
from backoffice.jobs import files
from backoffice.jobs.models import UNFINISHED, Job, JobState

logger = logging.getLogger(__name__)

NOT_YOURS = _("This job belongs to another user.")
ALREADY_FINISHED = _("The job has already finished (%(state)s); there is nothing to cancel.")
CANCELLED = _("Cancelled by %(user)s; nothing was written.")
WORKER_LOST = _(
    "The worker running this job stopped (killed or restarted) and the job was retried %(attempts)d time(s); "
    "nothing was written. Start it again, and ask an administrator to look at the worker's log if it happens again."
)
UNEXPECTED = _(
    "The job stopped on an unexpected error (%(error)s); nothing was written. "
    "An administrator can see the details in the worker's log."
)
PROGRESS_EVERY = timedelta(seconds=1)


class JobCancelled(Exception):
    """Raised inside a running job when its user asked to cancel it: the job's transaction rolls back."""


def may_see(user, job):
    return job.user_id == user.pk or user.has_perm("jobs.view_all_jobs")


def submit(*, user, kind, model_name, file_name="", params=None, source=None, prepare=None):
    """Create a queued job and enqueue the task that runs it; ``prepare(job)`` stores its input first."""
    job = Job.objects.create(
        user=user, kind=kind, model_name=model_name, file_name=file_name, params=params or {}, source=source
    )
    if prepare is not None:
        prepare(job)
    enqueue(job)
    job.refresh_from_db()
    return job


def enqueue(job):
    # Imported here: tasks imports the runners, which import this module.
    from backoffice.jobs.tasks import run_job

    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


def claim(job_id):
    """Queued -> running for exactly one worker; None when the job is not (or no longer) queued."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, progress_done=0
    )
    return Job.objects.select_related("user", "source").get(pk=job_id) if claimed else None


class Progress:
    """The ``progress(n)`` callback an importer or exporter calls; writes at most once a second.

    Inside the job's own write transaction it writes nothing (the row would stay locked by that
    transaction and a user's cancel would wait for it), it only reads whether a cancel was asked.
    """

    def __init__(self, job):
        self.job_id = job.pk
        self.done = 0
        self.last = timezone.now()

    def set_total(self, total):
        Job.objects.filter(pk=self.job_id).update(progress_total=total, heartbeat_at=timezone.now())

    def __call__(self, count=1):
        self.done += count
        now = timezone.now()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.check_cancel()
        if not transaction.get_connection().in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(progress_done=self.done, heartbeat_at=now)

    def check_cancel(self):
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled


def _finish(job, state, **fields):
    fields.update(state=state, finished_at=timezone.now())
    changed = Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(**fields)
    job.refresh_from_db()
    return changed


def succeed(job, **fields):
    return _finish(job, JobState.SUCCEEDED, **fields)


def fail(job, message, **fields):
    return _finish(job, JobState.FAILED, error=str(message), **fields)


def fail_unexpectedly(job, exc):
    logger.exception("job %s failed", job.pk)
    return fail(job, UNEXPECTED % {"error": type(exc).__name__})


def mark_cancelled(job):
    user = job.user.get_username() if job.user else "-"
    return _finish(job, JobState.CANCELLED, error=str(CANCELLED % {"user": user}))


def cancel(*, job, by):
    """A queued job is cancelled at once; a running one is asked to stop (it rolls back and says so)."""
    if not may_see(by, job):
        raise ServiceError(NOT_YOURS, code="not_yours")
    if job.is_finished:
        raise ServiceError(ALREADY_FINISHED, code="finished", params={"state": job.get_state_display()})
    now = timezone.now()
    reason = str(CANCELLED % {"user": by.get_username()})
    if not Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.CANCELLED, cancel_requested=True, finished_at=now, error=reason
    ):
        Job.objects.filter(pk=job.pk, state__in=UNFINISHED).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def reap_stale(*, now=None):
    """Running jobs whose worker went silent: queued again (at least once), or failed after the last try.

    A job writes in one transaction, so a worker that died mid-job left nothing behind: running it
    again is safe. Returns ``(retried, failed)`` job ids.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    retried, failed = [], []
    for job in Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff):
        stale = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, heartbeat_at=job.heartbeat_at)
        _forget_task(job.task_result_id, now)
        if job.attempts < settings.JOB_MAX_ATTEMPTS:
            if stale.update(state=JobState.QUEUED, heartbeat_at=None):
                enqueue(job)
                retried.append(job.pk)
        elif stale.update(
            state=JobState.FAILED, finished_at=now, error=str(WORKER_LOST % {"attempts": job.attempts - 1})
        ):
            failed.append(job.pk)
    return retried, failed


def _forget_task(task_result_id, now):
    """django-tasks-db leaves the task of a killed worker 'running' for ever; mark it failed."""
    if task_result_id and apps.is_installed("django_tasks_db"):
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(id=task_result_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now
        )


def prune(*, now=None):
    """Delete finished jobs older than JOB_KEEP_DAYS with their files, and expired export files."""
    now = now or timezone.now()
    old = Job.objects.finished().filter(finished_at__lt=now - timedelta(days=settings.JOB_KEEP_DAYS))
    old_ids = list(old.values_list("pk", flat=True))
    for job_id in old_ids:
        files.remove_folder(job_id)
    Job.objects.filter(pk__in=old_ids).delete()
    expired = Job.objects.filter(expires_at__lt=now).exclude(result_file="")
    expired_ids = []
    for job in expired:
        files.remove(job.pk, job.result_file)
        expired_ids.append(job.pk)
    Job.objects.filter(pk__in=expired_ids).update(result_file="", result_size=0)
    return len(old_ids), len(expired_ids)
