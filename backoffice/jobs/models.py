"""A job: one piece of long work a user asked for (an import check, an import, an export).

The job row is ours; the ``django.tasks`` result that runs it is the backend's (``task_result_id``).
The row says what the user sees (state, progress, counts, files) and survives a dead worker: a
running job whose heartbeat stopped is retried or failed by ``services.reap_stale``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT_CHECK = "import_check", _("Import check")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)


class JobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=UNFINISHED)

    def finished(self):
        return self.exclude(state__in=UNFINISHED)

    def visible_to(self, user):
        """Everyone sees their own jobs; ``jobs.view_all_jobs`` sees everyone's."""
        if user.has_perm("jobs.view_all_jobs"):
            return self
        return self.filter(user=user)


class Job(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    model_name = models.CharField(_("model"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    params = models.JSONField(default=dict, blank=True)  # file format, export columns...
    # The import check whose kept plan an import writes.
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # new / updated / unchanged / skipped / errors / rows
    report = models.JSONField(default=dict, blank=True)  # summary, notes, created, the first errors
    error = models.TextField(blank=True)  # why the job failed, in words for the user
    result_file = models.CharField(max_length=255, blank=True)  # a file in the job's folder
    result_size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("view_all_jobs", "Can see and download every user's jobs")]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name or self.model_name} #{self.pk}"

    @property
    def is_finished(self):
        return self.state not in UNFINISHED

    @property
    def percent(self):
        if not self.progress_total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def duration(self):
        if self.started_at is None:
            return None
        end = self.finished_at or self.heartbeat_at or self.started_at
        return end - self.started_at


class Schedule(models.Model):
    """One row per periodic task: the scheduler claims a due run by moving ``next_run_at`` forward
    with a conditional UPDATE, so two schedulers never enqueue the same run twice."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_task_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return self.name
