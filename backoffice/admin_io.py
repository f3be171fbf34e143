"""Import/export wiring for the admin (owned by the import/export work).

Admin classes add ``ImportExportAdminMixin``; which importer and exporter a model uses is decided
here (by model name, see ``backoffice.importing``), so admin modules never name resources.

django-import-export gives the buttons, URLs, forms (Unfold's) and formats. The work itself goes
through the project's own path, shared with ``manage.py import_data``, on a worker
(``backoffice.jobs``): the upload queues a check job (the preview, writing nothing) and the page
follows its progress; the confirm queues an import job that writes the checked plan, all rows or
none (import-export's own confirm step would commit the valid rows). Exports stream.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from backoffice.errors import ServiceError
from backoffice.importing.engine import IMPORTERS, importer_for
from backoffice.importing.exporting import EXPORTERS, count_rows, csv_chunks, exporter_for, xlsx_tempfile
from backoffice.importing.reading import FILE_TOO_LARGE, human_size
from backoffice.importing.report import ImportReport
from backoffice.jobs.exports import start_export
from backoffice.jobs.imports import start_check, start_import
from backoffice.jobs.middleware import remember
from backoffice.jobs.models import Job, JobKind, JobState
from backoffice.jobs.services import may_see

FORMATS = [CSV, XLSX]
FORMAT_NAMES = ["csv", "xlsx"]
IMPORT_KINDS = (JobKind.IMPORT_CHECK, JobKind.IMPORT)
EXPORT_QUEUED = _(
    "The export has more than %(limit)d rows, so a worker writes it: %(file)s is listed here and can be "
    "downloaded once it is ready (you get a message when it is)."
)
UPLOAD_GONE = _("The checked file is no longer available; upload it again.")
COLUMN_LABEL = _("%(label)s (column %(column)s)")
IGNORED_PARAMS = {"_changelist_filters", "p", "o", "_to_field", "_popup", "e"}
# The export page counts the rows it will write up to this many, then says "more than": an
# unfiltered order export counted 5M lines in 1.5 s on the bench DB at every page view (5 ms capped).
EXPORT_COUNT_UP_TO = 10_000


def _resource_class(model, names, labels=None):
    """An import-export resource whose fields are our column names (for Unfold's column choice)."""
    attrs = {name: fields.Field(attribute=name, column_name=name) for name in names}
    meta = type("Meta", (), {"model": model, "fields": tuple(names), "export_order": tuple(names), "name": ""})
    attrs["Meta"] = meta
    attrs["labels"] = labels or {}
    return type(f"{model.__name__}Columns", (resources.ModelResource,), attrs)


def _columns_resource(model, key, export):
    if export or key not in IMPORTERS:  # an export-only model has no import columns
        exporter = exporter_for(key)
        return _resource_class(
            model, [c.name for c in exporter.columns], {c.name: exporter.label(c) for c in exporter.columns}
        )
    importer = importer_for(key)
    return _resource_class(model, [*importer.required_columns, *importer.optional_columns])


class ExportForm(SelectableFieldsExportForm):
    """Column choices named as the model names its fields ("Allow backorders"), the header in brackets."""

    def _get_field_label(self, resource, field_name):
        label = resource.labels.get(field_name)
        if label is None:
            return super()._get_field_label(resource, field_name)
        return COLUMN_LABEL % {"label": capfirst(label), "column": field_name}


def _filters(request):
    """The list's filters and search as the export page shows them: ``[(name, value), ...]``."""
    return [(name, ", ".join(values)) for name, values in request.GET.lists() if name not in IGNORED_PARAMS]


class ConfirmJobForm(forms.Form):
    job = forms.IntegerField(widget=forms.HiddenInput)


class ImportExportAdminMixin(ImportExportModelAdmin):
    import_form_class = ImportForm
    export_form_class = ExportForm
    import_template_name = "admin/import_export/shop_import.html"
    export_template_name = "admin/import_export/shop_export.html"

    @property
    def io_key(self):
        return self.opts.model_name

    # --- what a model uses -------------------------------------------------
    def get_import_formats(self):
        return FORMATS

    def get_export_formats(self):
        return FORMATS

    def get_resource_classes(self, request=None):
        return [_columns_resource(self.model, self.io_key, export=False)]

    def get_import_resource_classes(self, request=None):
        return self.get_resource_classes(request)

    def get_export_resource_classes(self, request=None):
        return [_columns_resource(self.model, self.io_key, export=True)]

    # --- permissions ---------------------------------------------------------
    def _has_codename(self, request, action):
        return request.user.has_perm(f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}")

    def has_import_permission(self, request):
        return (
            self.io_key in IMPORTERS
            and self._has_codename(request, "import")
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self.io_key in EXPORTERS and self.has_view_permission(request) and self._has_codename(request, "export")

    # --- import: a check job (the preview) and an import job (all or nothing) --
    def _import_url(self, job=None):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return f"{url}?job={job.pk}" if job is not None else url

    def _import_context(self, request, form, **extra):
        importer = importer_for(self.io_key)
        context = dict(self.admin_site.each_context(request))
        context.update(
            title=_("Import %(name)s") % {"name": self.opts.verbose_name_plural},
            crumb=_("Import"),
            form=form,
            opts=self.opts,
            media=self.media + (form.media if form is not None else self.media),
            required_columns=importer.required_columns,
            optional_columns=importer.optional_columns,
            **extra,
        )
        request.current_app = self.admin_site.name
        return context

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if "job" in request.GET:
            return self._import_job_page(request, request.GET["job"])
        form = self.create_import_form(request)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            limit = settings.IMPORT_MAX_FILE_SIZE
            if upload.size > limit:
                form.add_error(
                    "import_file", FILE_TOO_LARGE % {"size": human_size(upload.size), "limit": human_size(limit)}
                )
            else:
                file_format = FORMAT_NAMES[int(form.cleaned_data["format"])]
                job = start_check(user=request.user, model_name=self.io_key, upload=upload, file_format=file_format)
                remember(request, job)
                return HttpResponseRedirect(self._import_url(job))
        return TemplateResponse(request, [self.import_template_name], self._import_context(request, form))

    def _import_job_page(self, request, job_id):
        """The check or import job of this model: progress while it runs, then its report."""
        job = (
            Job.objects.filter(pk=job_id, model_name=self.io_key, kind__in=IMPORT_KINDS).first()
            if job_id.isdigit()
            else None
        )
        if job is None or not may_see(request.user, job):
            raise Http404(_("No such import job."))
        report = ImportReport.from_dict(job.report) if job.report else None
        extra = {"job": job, "report": report, "confirmed": job.kind == JobKind.IMPORT}
        may_confirm = (
            job.kind == JobKind.IMPORT_CHECK and job.state == JobState.SUCCEEDED and job.user_id == request.user.pk
        )
        if may_confirm and not job.imports.exists():
            extra["confirm_form"] = ConfirmJobForm(initial={"job": job.pk})
        form = None
        if job.is_finished and not extra.get("confirm_form"):
            form = self.get_import_form_class(request)(FORMATS, self.get_import_resource_classes(request))
        return TemplateResponse(request, [self.import_template_name], self._import_context(request, form, **extra))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm = ConfirmJobForm(request.POST)
        check = None
        if confirm.is_valid():
            check = Job.objects.filter(
                pk=confirm.cleaned_data["job"], user=request.user, model_name=self.io_key, kind=JobKind.IMPORT_CHECK
            ).first()
        if check is None:
            messages.error(request, UPLOAD_GONE)
            return HttpResponseRedirect(self._import_url())
        try:
            job = start_import(user=request.user, check=check)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self._import_url(check))
        remember(request, job)
        return HttpResponseRedirect(self._import_url(job))

    # --- export: the changelist's filters and search, streamed ---------------
    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        exporter = exporter_for(self.io_key)
        rows = exporter.queryset(self.get_export_queryset(request)).order_by()[: EXPORT_COUNT_UP_TO + 1]
        count = count_rows(exporter, rows)
        context.update(
            title=_("Export %(name)s") % {"name": self.opts.verbose_name_plural},
            crumb=_("Export"),
            export_filters=_filters(request),
            export_count=min(count, EXPORT_COUNT_UP_TO),
            export_count_more=count > EXPORT_COUNT_UP_TO,
            export_by_worker=count > settings.JOB_EXPORT_ROWS_INLINE,
            export_noun=exporter.row_noun(),
        )
        return context

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        exporter = exporter_for(self.io_key)
        names = export_form.get_selected_resource_export_fields() if export_form is not None else None
        columns = exporter.select(names)
        rows = exporter.queryset(queryset)
        inline = settings.JOB_EXPORT_ROWS_INLINE
        if count_rows(exporter, rows.order_by()[: inline + 1]) > inline:
            # Too long for a web request: a worker writes the file, Jobs offers it.
            job = start_export(
                user=request.user,
                model_name=self.io_key,
                base=queryset,
                columns=[c.name for c in columns],
                file_format="xlsx" if isinstance(file_format, XLSX) else "csv",
            )
            remember(request, job)
            messages.info(request, EXPORT_QUEUED % {"limit": inline, "file": job.file_name})
            return HttpResponseRedirect(reverse("admin:jobs_job_changelist"))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        base = f"{self.opts.model_name}s-{stamp}"
        if isinstance(file_format, XLSX):
            handle = xlsx_tempfile(exporter, rows, columns)
            return FileResponse(
                handle, as_attachment=True, filename=f"{base}.xlsx", content_type=file_format.get_content_type()
            )
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in csv_chunks(exporter, rows, columns)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{base}.csv"'
        return response
