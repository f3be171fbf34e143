"""Import/export wiring for the admin (owned by the import/export work).

Admin classes add ``ImportExportAdminMixin``; which importer and exporter a model uses is decided
here (by model name, see ``backoffice.importing``), so admin modules never name resources.

django-import-export gives the buttons, URLs, forms (Unfold's) and formats. The work itself goes
through the project's own path, shared with ``manage.py import_data``: the preview is a dry run
that writes nothing, and the confirm step re-checks every row and writes all rows or none
(import-export's own confirm step would commit the valid rows). Exports stream.
"""

import os
import re
import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
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
from import_export.forms import ConfirmImportForm
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from backoffice.importing.engine import IMPORTERS, import_file, importer_for
from backoffice.importing.exporting import EXPORTERS, count_rows, csv_chunks, exporter_for, xlsx_tempfile

FORMATS = [CSV, XLSX]
FORMAT_NAMES = ["csv", "xlsx"]
UPLOAD_DIR = os.path.join(tempfile.gettempdir(), "shop-imports")
UPLOAD_NAME = re.compile(r"^(\d+)-[0-9a-f]{32}$")
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


def _save_upload(user, data):
    os.makedirs(UPLOAD_DIR, mode=0o700, exist_ok=True)
    name = f"{user.pk}-{uuid.uuid4().hex}"
    with open(os.path.join(UPLOAD_DIR, name), "wb") as handle:
        handle.write(data)
    return name


def _take_upload(user, name):
    """The bytes a user uploaded for the preview (only their own), removing the file."""
    match = UPLOAD_NAME.match(name or "")
    if not match or int(match.group(1)) != user.pk:
        return None
    path = os.path.join(UPLOAD_DIR, name)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    os.remove(path)
    return data


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

    # --- import: preview (dry run) and confirm (all or nothing) -------------
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
        form = self.create_import_form(request)
        extra = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            file_format = FORMAT_NAMES[int(form.cleaned_data["format"])]
            report = import_file(
                self.io_key, upload, file_name=upload.name, user=request.user, file_format=file_format, dry_run=True
            )
            extra["report"] = report
            if not report.has_errors:
                upload.seek(0)
                stored = _save_upload(request.user, upload.read())
                extra["confirm_form"] = ConfirmImportForm(
                    initial={
                        "import_file_name": stored,
                        "original_file_name": upload.name,
                        "format": form.cleaned_data["format"],
                        "resource": "0",
                    }
                )
        return TemplateResponse(request, [self.import_template_name], self._import_context(request, form, **extra))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm = ConfirmImportForm(request.POST)
        data = _take_upload(request.user, request.POST.get("import_file_name")) if confirm.is_valid() else None
        import_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        if data is None:
            messages.error(request, UPLOAD_GONE)
            return HttpResponseRedirect(import_url)
        try:
            file_format = FORMAT_NAMES[int(confirm.cleaned_data["format"])]
        except (ValueError, IndexError):
            file_format = None
        file_name = os.path.basename(confirm.cleaned_data["original_file_name"])
        report = import_file(
            self.io_key, data, file_name=file_name, user=request.user, file_format=file_format, dry_run=False
        )
        if report.committed:
            messages.success(request, report.summary())
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        messages.error(request, report.summary())
        form = self.get_import_form_class(request)(FORMATS, self.get_import_resource_classes(request))
        return TemplateResponse(
            request, [self.import_template_name], self._import_context(request, form, report=report, confirmed=True)
        )

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
