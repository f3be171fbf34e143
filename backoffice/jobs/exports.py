"""Exports as jobs: a worker writes the file into the job's folder; it is kept for a set time and
downloaded from Jobs by its requester only (or staff with ``jobs.view_all_jobs``).

The admin's filtered list travels as its pickled query (Django supports pickling ``QuerySet.query``;
the file is written and read by our own processes only), so the worker exports exactly those rows.
"""

import io
import pickle
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from backoffice.importing.exporting import exporter_for, write_file
from backoffice.jobs import files, services
from backoffice.jobs.models import JobKind
from backoffice.routing import replica_reads

QUERY = "query.pickle"
EXPORT_DONE = _("%(count)d row(s) written to %(file)s; download it from Jobs until %(expires)s.")


def model_by_label(label):
    return apps.get_model(label)


class _QueryPickler(pickle.Pickler):
    """Model classes by their label: an auto-created m2m model (``Product_tags``) has no importable name."""

    def reducer_override(self, obj):
        if isinstance(obj, type) and issubclass(obj, models.Model):
            return model_by_label, (obj._meta.label,)
        return NotImplemented


def _pickle_query(query):
    buffer = io.BytesIO()
    _QueryPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(query)
    return buffer.getvalue()


def missing_export_permissions(user, model_name):
    """The admin's rule: exporting needs view and export on the model."""
    opts = exporter_for(model_name).model._meta
    needed = [f"{opts.app_label}.{get_permission_codename(a, opts)}" for a in ("view", "export")]
    return [perm for perm in needed if not user.has_perm(perm)]


def start_export(*, user, model_name, base, columns, file_format):
    """Queue an export of ``base`` (a queryset; None: every row) with the chosen column names."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    params = {"format": file_format, "columns": columns}
    if base is not None:
        params["base_model"] = base.model._meta.label

    def store_query(job):
        if base is not None:
            files.ensure_folder(job.pk)
            files.path(job.pk, QUERY).write_bytes(_pickle_query(base.query))

    return services.submit(
        user=user,
        kind=JobKind.EXPORT,
        model_name=model_name,
        file_name=f"{model_name}s-{stamp}.{file_format}",
        params=params,
        prepare=store_query,
    )


def _base(job):
    label = job.params.get("base_model")
    if not label:
        return None
    base = apps.get_model(label).objects.all()
    base.query = pickle.loads(files.read(job.pk, QUERY))  # noqa: S301 (our own file, see start_export)
    return base


def run_export(job, progress):
    with replica_reads():  # an export only reads: a replica serves it where there is one
        _write_export(job, progress)


def _write_export(job, progress):
    exporter = exporter_for(job.model_name)
    queryset = exporter.queryset(_base(job))
    columns = exporter.select(job.params.get("columns"))
    file_format = job.params.get("format", "csv")
    progress.set_total(queryset.count())
    files.ensure_folder(job.pk)
    target = files.path(job.pk, job.file_name)
    count = write_file(exporter, queryset, columns, file_format=file_format, target=target, progress=progress)
    expires = timezone.now() + timedelta(hours=settings.JOB_EXPORT_KEEP_HOURS)
    shown = date_format(timezone.localtime(expires), "SHORT_DATETIME_FORMAT")
    services.succeed(
        job,
        progress_done=count,
        progress_total=count,
        counts={"rows": count},
        report={"summary": str(EXPORT_DONE % {"count": count, "file": job.file_name, "expires": shown})},
        result_file=job.file_name,
        result_size=target.stat().st_size,
        expires_at=expires,
    )
