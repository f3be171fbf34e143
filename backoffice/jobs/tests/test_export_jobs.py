"""Admin exports above JOB_EXPORT_ROWS_INLINE rows run as jobs: the worker writes the file, kept for
a set time, downloaded by its requester only (or ``jobs.view_all_jobs``)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backoffice.jobs import files, services
from backoffice.jobs.models import Job, JobKind, JobState
from backoffice.jobs.tests.conftest import run_worker
from backoffice.tests.admin_support import user_with_perms
from backoffice.tests.io.helpers import login
from backoffice.tests.io.test_admin_export import ALL_COLUMNS, export
from backoffice.tests.io.test_admin_export import products as products_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks", "products")]
products = products_fixture  # the three products of the admin export tests


@pytest.fixture
def inline_two(settings):
    settings.JOB_EXPORT_ROWS_INLINE = 2


def body_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_long_export_is_written_by_the_worker_and_kept_for_its_requester(client, inline_two, settings):
    exporter = user_with_perms("exporter", "inventory.view_product", "inventory.export_product")
    login(client, exporter)
    page = client.get(reverse("admin:inventory_product_export")).content.decode()
    assert "A file this long is written by a worker: you will find it under Jobs" in page
    response = export(client, columns=["sku", "name"])
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:jobs_job_changelist")
    assert (job.kind, job.state, job.user, job.model_name) == (JobKind.EXPORT, JobState.QUEUED, exporter, "product")
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.counts == {"rows": 3}
    assert job.expires_at - job.finished_at == pytest.approx(timedelta(hours=24), abs=timedelta(seconds=5))
    download = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    assert body_rows(download) == [
        ["sku", "name"],
        ["MUG-1", "'-mug"],
        ["TEE-1", "Red tee"],
        ["TEE-2", "'=HYPERLINK(1)"],
    ]
    listing = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert job.file_name in listing and "kept until" in listing

    other = user_with_perms("other", "inventory.view_product", "inventory.export_product")
    login(client, other)
    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 404
    assert job.file_name not in client.get(reverse("admin:jobs_job_changelist")).content.decode()
    auditor = user_with_perms("auditor", "jobs.view_all_jobs")
    login(client, auditor)
    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 200


def test_the_worker_exports_the_filtered_list(client, superuser, settings):
    settings.JOB_EXPORT_ROWS_INLINE = 1
    login(client, superuser)
    export(client, query="?q=TEE", columns=["sku"])
    run_worker()
    job = Job.objects.get()
    assert body_rows(client.get(reverse("admin:jobs_job_download", args=[job.pk]))) == [["sku"], ["TEE-1"], ["TEE-2"]]


def test_a_short_export_still_streams_in_the_request(client, superuser):
    login(client, superuser)
    assert "written by a worker" not in client.get(reverse("admin:inventory_product_export")).content.decode()
    response = export(client)
    assert response.status_code == 200 and response.streaming
    assert not Job.objects.exists()


def test_an_expired_export_file_is_pruned_and_no_longer_downloadable(client, superuser, inline_two):
    login(client, superuser)
    export(client)
    run_worker()
    job = Job.objects.get()
    assert files.exists(job.pk, job.result_file)
    assert services.prune(now=job.expires_at + timedelta(seconds=1)) == (0, 1)
    job.refresh_from_db()
    assert (job.result_file, job.result_size) == ("", 0)
    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 404


def test_export_data_background_queues_a_job_for_the_user(superuser, capsys):
    call_command("export_data", "product", "--background", "--user", superuser.username)
    job = Job.objects.get()
    assert capsys.readouterr().out.strip() == f"Export queued as job #{job.pk} (Queued)."
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.user, job.counts) == (JobState.SUCCEEDED, superuser, {"rows": 3})
    assert files.read(job.pk, job.result_file).decode("utf-8-sig").splitlines()[0] == ",".join(ALL_COLUMNS)


def test_export_data_background_refuses_a_user_without_the_export_permission():
    user_with_perms("viewer", "inventory.view_product")
    with pytest.raises(Exception, match="viewer may not export product"):
        call_command("export_data", "product", "--background", "--user", "viewer")
    assert not Job.objects.exists()
    assert timezone.now()  # nothing queued
