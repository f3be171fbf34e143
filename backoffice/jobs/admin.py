"""The Jobs page: each user's own jobs (``jobs.view_all_jobs`` sees everyone's), files, cancel.

Read only: jobs are changed by their workers and by ``services.cancel``; pruning deletes them.
"""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.decorators import display

from backoffice.admin_lists import RecordAdminMixin
from backoffice.errors import ServiceError
from backoffice.jobs import files, services
from backoffice.jobs.models import Job, JobKind, JobState

STATE_LABELS = {
    JobState.QUEUED: "info",
    JobState.RUNNING: "warning",
    JobState.SUCCEEDED: "success",
    JobState.FAILED: "danger",
    JobState.CANCELLED: "info",
}
CANCEL_ASKED = _("Cancel asked for %(job)s; a running job stops at its next step and writes nothing.")
FILE_GONE = _("This file is no longer kept (it expired or the job was pruned).")


@admin.register(Job)
class JobAdmin(RecordAdminMixin, ModelAdmin):
    list_display = [
        "id",
        "kind",
        "model_name",
        "file_name",
        "user",
        "state_display",
        "progress_display",
        "counts_display",
        "created_at",
        "duration_display",
        "file_display",
    ]
    list_display_links = ["id", "file_name"]
    list_filter = ["state", "kind"]
    list_select_related = ["user"]
    search_fields = ["file_name", "model_name"]
    list_per_page = 50
    fields = [
        "kind",
        "model_name",
        "file_name",
        "user",
        "state",
        "progress_display",
        "counts_display",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "duration_display",
        "attempts",
        "file_display",
        "task_result_id",
    ]
    readonly_fields = fields

    # --- who sees what: every staff user their own jobs ----------------------
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or services.may_see(request.user, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_urls(self):
        urls = [
            path("<int:job_id>/download/", self.admin_site.admin_view(self.download_view), name="jobs_job_download"),
            path(
                "<int:job_id>/cancel/",
                self.admin_site.admin_view(require_POST(self.cancel_view)),
                name="jobs_job_cancel",
            ),
        ]
        return urls + super().get_urls()

    def _visible_job(self, request, job_id):
        if not self.has_module_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=job_id)

    def download_view(self, request, job_id):
        """The job's file, for its user or ``view_all_jobs`` only (anyone else: 404, nothing told)."""
        job = self._visible_job(request, job_id)
        if not files.exists(job.pk, job.result_file):
            raise Http404(FILE_GONE)
        name = job.result_file if job.kind == JobKind.EXPORT else f"{job.pk}-{job.result_file}"
        return FileResponse(open(files.path(job.pk, job.result_file), "rb"), as_attachment=True, filename=name)  # noqa: SIM115

    def cancel_view(self, request, job_id):
        job = self._visible_job(request, job_id)
        try:
            services.cancel(job=job, by=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.warning(request, CANCEL_ASKED % {"job": job})
        back = request.POST.get("next") or request.headers.get("referer") or ""
        if not back.startswith("/"):
            back = reverse("admin:jobs_job_changelist")
        return HttpResponseRedirect(back)

    # --- columns ----------------------------------------------------------------
    @display(description=_("State"), ordering="state", label=STATE_LABELS)
    def state_display(self, obj):
        return obj.state, obj.get_state_display()

    @display(description=_("Progress"))
    def progress_display(self, obj):
        if obj.progress_total:
            return f"{obj.progress_done:,} / {obj.progress_total:,} ({obj.percent}%)"
        return "-"

    @display(description=_("Counts"))
    def counts_display(self, obj):
        shown = [f"{name} {value:,}" for name, value in obj.counts.items() if value]
        return ", ".join(shown) or "-"

    @display(description=_("Duration"))
    def duration_display(self, obj):
        duration = obj.duration
        return f"{duration.total_seconds():.1f} s" if duration is not None else "-"

    @display(description=_("File"))
    def file_display(self, obj):
        if not obj.result_file:
            return "-"
        expiry = ""
        if obj.expires_at is not None:
            expiry = _(", kept until %(time)s") % {"time": date_format(obj.expires_at, "SHORT_DATETIME_FORMAT")}
        return format_html(
            '<a href="{}">{}</a> ({} KB{})',
            reverse("admin:jobs_job_download", args=[obj.pk]),
            obj.result_file,
            max(1, obj.result_size // 1024),
            expiry,
        )
