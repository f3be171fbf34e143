"""Imports as jobs: a check job validates the file and keeps its plan; an import job writes it.

The import job writes the kept plan without validating again. It first compares a digest of the
rows the plan was made from (the file's products, categories, tags...) with the same rows now:
when any changed (a SKU created meanwhile, a product edited) it checks the whole file again, so the
write stays all or nothing against the current data.
"""

import csv
import os
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.errors import ServiceError
from backoffice.importing.engine import (
    check_table,
    importer_for,
    keep_plan,
    load_plan,
    missing_import_permissions,
    plan_changed,
    read_table,
    write_checked,
)
from backoffice.importing.exporting import BOM
from backoffice.importing.formulas import inert
from backoffice.importing.reading import read_bytes
from backoffice.importing.report import ImportFileError
from backoffice.jobs import files, services
from backoffice.jobs.models import Job, JobKind, JobState

CHECK_GONE = _("The checked file is no longer available (its check was pruned or failed); upload it again.")
ALREADY_CONFIRMED = _("This file was already confirmed (job #%(job)d); it is imported once.")
CHANGED_SINCE_CHECK = _(
    "Some of the rows the check read were changed by someone else since; the file was checked again before writing."
)
NOT_PERMITTED = _("%(user)s may not import %(models)s (needs %(missing)s); nothing was written.")
FILE_LEVEL = _("file")


def start_check(*, user, model_name, upload, file_format=None):
    """Store the upload and queue its check; the web request returns at once."""
    return services.submit(
        user=user,
        kind=JobKind.IMPORT_CHECK,
        model_name=model_name,
        file_name=os.path.basename(upload.name),
        params={"format": file_format},
        prepare=lambda job: files.save_upload(job.pk, upload),
    )


def start_import(*, user, check):
    """Queue the write of a checked file (its kept plan); a check is confirmed once."""
    with transaction.atomic():
        check = Job.objects.select_for_update().get(pk=check.pk)
        earlier = check.imports.exclude(state__in=[JobState.FAILED, JobState.CANCELLED]).first()
        if earlier is not None:
            raise ServiceError(ALREADY_CONFIRMED, code="already_confirmed", params={"job": earlier.pk})
        usable = check.kind == JobKind.IMPORT_CHECK and check.state == JobState.SUCCEEDED
        if not usable or not files.exists(check.pk, files.PLAN):
            raise ServiceError(CHECK_GONE, code="check_gone")
        job = Job.objects.create(
            user=user,
            kind=JobKind.IMPORT,
            model_name=check.model_name,
            file_name=check.file_name,
            params=check.params,
            source=check,
        )
    services.enqueue(job)
    job.refresh_from_db()
    return job


def start_file_import(*, user, model_name, path, file_format=None):
    """``import_data --background``: one job that checks and writes a local file."""

    class LocalFile:
        name = path

        def chunks(self, size):
            with open(path, "rb") as handle:
                while block := handle.read(size):
                    yield block

    return services.submit(
        user=user,
        kind=JobKind.IMPORT,
        model_name=model_name,
        file_name=os.path.basename(path),
        params={"format": file_format},
        prepare=lambda job: files.save_upload(job.pk, LocalFile()),
    )


def _check(job, progress, *, input_job_id):
    importer = importer_for(job.model_name)(user=job.user, file_name=job.file_name, progress=progress)
    importer.report.dry_run = job.kind == JobKind.IMPORT_CHECK
    try:
        table = read_table(
            files.read(input_job_id, files.INPUT), file_name=job.file_name, file_format=job.params.get("format")
        )
    except ImportFileError as exc:
        importer.report.error(0, "", exc.message)
        return importer
    progress.set_total(len(table.rows))
    check_table(importer, table)
    return importer


def _report_fields(report):
    counts = {
        "rows": report.rows,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": len(report.skipped),
        "errors": report.error_count,
    }
    return {"counts": counts, "report": {**report.to_dict(), "summary": report.summary()}}


def _refuse(job, report, *, input_job_id):
    """Finish as failed with the report and the failed rows as a file (the input's columns, line, reason)."""
    target = files.path(job.pk, files.FAILED_ROWS)
    files.ensure_folder(job.pk)
    write_failed_rows(
        target,
        files.read(input_job_id, files.INPUT),
        file_name=job.file_name,
        file_format=job.params.get("format"),
        errors=report.errors,
    )
    services.fail(
        job,
        report.summary(),
        result_file=files.FAILED_ROWS,
        result_size=target.stat().st_size,
        **_report_fields(report),
    )


def run_check(job, progress):
    importer = _check(job, progress, input_job_id=job.pk)
    report = importer.report
    if report.errors:
        _refuse(job, report, input_job_id=job.pk)
        return
    keep_plan(importer, files.path(job.pk, files.PLAN))
    services.succeed(job, progress_done=report.rows, **_report_fields(report))


def run_import(job, progress):
    user = job.user
    missing = missing_import_permissions(user, job.model_name) if user is not None else ["-"]
    if missing:
        opts = importer_for(job.model_name).model._meta
        name = user.get_username() if user else "-"
        message = NOT_PERMITTED % {"user": name, "models": opts.verbose_name_plural, "missing": ", ".join(missing)}
        services.fail(job, message)
        return
    check = job.source
    input_job_id = check.pk if check is not None else job.pk
    if check is not None and files.exists(check.pk, files.PLAN):
        importer = load_plan(files.path(check.pk, files.PLAN), user=user, progress=progress)
        if plan_changed(importer):
            importer = _check(job, progress, input_job_id=input_job_id)
            importer.report.note(CHANGED_SINCE_CHECK)
    elif check is not None:
        services.fail(job, CHECK_GONE)
        return
    else:
        importer = _check(job, progress, input_job_id=input_job_id)
    if importer.report.errors:
        _refuse(job, importer.report, input_job_id=input_job_id)
        return
    progress.check_cancel()
    report = write_checked(importer, before_commit=progress.check_cancel)
    if not report.committed:
        _refuse(job, report, input_job_id=input_job_id)
        return
    if check is not None:
        files.remove(check.pk, files.PLAN)  # written once; the plan is not needed again
    services.succeed(job, progress_done=report.rows, progress_total=report.rows, **_report_fields(report))


def _inert(text):
    """As the exports write cells: a formula gets a leading quote, a number (also -1) stays a number."""
    try:
        float(text)
    except ValueError:
        return inert(text)
    return text


def write_failed_rows(target, data, *, file_name, file_format, errors):
    """The refused rows with the file's own columns, then ``line`` and ``reason`` (all reasons of a line)."""
    reasons = defaultdict(list)
    for error in errors:
        reasons[error.line].append(f"{error.column}: {error.message}" if error.column else error.message)
    try:
        table = read_bytes(data, file_name=file_name, file_format=file_format)
    except ImportFileError:
        table = None
    headers = table.headers if table is not None else []
    with open(target, "w", newline="", encoding="utf-8") as handle:
        handle.write(BOM)
        writer = csv.writer(handle)
        writer.writerow([*(table.labels[h] for h in headers), "line", "reason"])
        for reason in reasons.pop(0, []):
            writer.writerow([*("" for _h in headers), str(FILE_LEVEL), inert(reason)])
        for line, row in table.rows if table is not None else []:
            if line in reasons:
                cells = [_inert(row.get(h, "")) for h in headers]
                writer.writerow([*cells, line, inert("; ".join(reasons[line]))])
