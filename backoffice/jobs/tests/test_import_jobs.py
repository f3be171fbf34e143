"""Admin imports as jobs on the database backend: the upload queues a check, a worker runs it,
the confirm queues the write of the kept plan, which is not validated again unless data changed."""

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from backoffice.jobs import files
from backoffice.jobs.models import Job, JobKind, JobState
from backoffice.jobs.tests.conftest import IMPORT_URL, PROCESS_URL, run_worker
from backoffice.tests.io.helpers import csv_bytes, login
from inventory.models import Category, Product
from inventory.resources import ProductImporter
from inventory.tests.factories import CategoryFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks")]
HEADER = ["sku", "name", "category", "price", "stock"]
GOOD = [HEADER, ["NEW-1", "New one", "Kitchen > Cups", "2.50", "5"], ["NEW-2", "Two", "Kitchen", "1.00", "0"]]


def upload(client, data, name="products.csv"):
    return client.post(IMPORT_URL, {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, data)})


def confirm(client, check):
    return client.post(PROCESS_URL, {"job": check.pk})


def test_upload_only_queues_the_check_and_the_page_follows_it(importer_client):
    response = upload(importer_client, csv_bytes(GOOD))
    check = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{IMPORT_URL}?job={check.pk}"
    assert (check.kind, check.state, check.user, check.file_name) == (
        JobKind.IMPORT_CHECK,
        JobState.QUEUED,
        importer_client.user,
        "products.csv",
    )
    task = DBTaskResult.objects.get(id=check.task_result_id)
    assert (task.status, task.task_path, task.args_kwargs["args"]) == (
        TaskResultStatus.READY,
        "backoffice.jobs.tasks.run_job",
        [check.pk],
    )
    assert files.read(check.pk, files.INPUT) == csv_bytes(GOOD)
    page = importer_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and 'data-state="queued"' in page
    assert 'id="confirm-import"' not in page

    run_worker()
    check.refresh_from_db()
    assert check.state == JobState.SUCCEEDED
    assert check.counts == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0}
    assert files.exists(check.pk, files.PLAN)
    page = importer_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and 'id="confirm-import"' in page
    assert "will create category Kitchen &gt; Cups" in page
    assert Product.objects.count() == 0


def test_confirm_queues_the_write_and_the_worker_writes_the_kept_plan_without_checking_again(importer_client):
    upload(importer_client, csv_bytes(GOOD), name="spring.csv")
    run_worker()
    check = Job.objects.get()
    response = confirm(importer_client, check)
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == f"{IMPORT_URL}?job={job.pk}"
    assert (job.state, job.source, Product.objects.count()) == (JobState.QUEUED, check, 0)
    with mock.patch.object(ProductImporter, "prepare", side_effect=AssertionError("validated again")):
        run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert sorted(Product.objects.values_list("sku", "name", "category__name")) == [
        ("NEW-1", "New one", "Cups"),
        ("NEW-2", "Two", "Kitchen"),
    ]
    reasons = set(Product.history.values_list("history_user__username", "history_change_reason"))
    assert reasons == {("boss", "import spring.csv")}
    assert not files.exists(check.pk, files.PLAN)  # written once: the plan is gone
    # Confirming the same check again is refused: a file is imported once.
    again = confirm(importer_client, check)
    assert Job.objects.filter(kind=JobKind.IMPORT).count() == 1
    messages = [str(m) for m in importer_client.get(again["Location"]).context["messages"]]
    assert f"This file was already confirmed (job #{job.pk}); it is imported once." in messages


def test_a_sku_created_after_the_check_is_checked_again_and_updated_not_duplicated(importer_client):
    upload(importer_client, csv_bytes(GOOD))
    run_worker()
    check = Job.objects.get()
    ProductFactory(sku="NEW-1", name="Made meanwhile", category=CategoryFactory(name="Elsewhere"), stock=0)
    confirm(importer_client, check)
    run_worker()
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.counts["new"], job.counts["updated"]) == (1, 1)
    assert "checked again before writing" in " ".join(job.report["notes"])
    assert Product.objects.get(sku="NEW-1").name == "New one"
    assert Product.objects.filter(sku="NEW-1").count() == 1


def test_a_change_that_makes_a_row_wrong_refuses_the_whole_file(importer_client):
    upload(importer_client, csv_bytes(GOOD))
    run_worker()
    check = Job.objects.get()
    other = CategoryFactory(name="Other")
    CategoryFactory(name="Cups", parent=other)  # "Kitchen > Cups" now contradicts the existing Cups
    confirm(importer_client, check)
    run_worker()
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == JobState.FAILED
    assert [e[:2] for e in job.report["errors"]] == [[2, "category"]]
    assert Product.objects.count() == 0
    assert not Category.objects.filter(name="Kitchen").exists()


def test_a_bad_file_fails_the_check_with_a_file_of_the_refused_rows(importer_client, client):
    rows = [HEADER, ["OK-1", "Fine", "Cat", "1", "1"], ["BAD-1", "Bad", "Cat", "-1", "x"], ["=cmd", "F", "Cat", "", ""]]
    upload(importer_client, csv_bytes(rows))
    run_worker()
    check = Job.objects.get()
    assert check.state == JobState.FAILED
    assert check.error == "products.csv: nothing was imported; 3 error(s) found. Fix them and import the file again."
    assert check.result_file == files.FAILED_ROWS
    download = reverse("admin:jobs_job_download", args=[check.pk])
    response = importer_client.get(download)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["sku", "name", "category", "price", "stock", "line", "reason"],
        [
            "BAD-1",
            "Bad",
            "Cat",
            "-1",
            "x",
            "3",
            "price: “-1” is negative; enter 0 or more.; stock: “x” is not a whole number.",
        ],
        [
            "'=cmd",
            "F",
            "Cat",
            "",
            "",
            "4",
            "sku: the cell holds a formula (=cmd); imports refuse formulas. Put the plain value in the cell.",
        ],
    ]
    page = importer_client.get(f"{IMPORT_URL}?job={check.pk}").content.decode()
    assert download in page and 'id="confirm-import"' not in page
    # Another user, even a superuser of the import, gets nothing; staff with view_all_jobs do.
    stranger = UserFactory(username="stranger", is_superuser=False)
    stranger.user_permissions.add(
        *_perms("inventory.import_product", "inventory.add_product", "inventory.change_product")
    )
    login(client, stranger)
    assert client.get(download).status_code == 404
    assert client.get(f"{IMPORT_URL}?job={check.pk}").status_code == 404
    stranger.user_permissions.add(*_perms("jobs.view_all_jobs"))
    assert client.get(download).status_code == 200


def _perms(*names):
    from django.contrib.auth.models import Permission

    return [Permission.objects.get(content_type__app_label=n.split(".")[0], codename=n.split(".")[1]) for n in names]


def test_a_queued_check_cancelled_never_runs(importer_client):
    upload(importer_client, csv_bytes(GOOD))
    check = Job.objects.get()
    response = importer_client.post(reverse("admin:jobs_job_cancel", args=[check.pk]), {"next": "/admin/"})
    assert response.status_code == 302
    run_worker()
    check.refresh_from_db()
    assert (check.state, check.started_at, check.error) == (
        JobState.CANCELLED,
        None,
        "Cancelled by boss; nothing was written.",
    )


def test_an_import_cancelled_while_it_writes_writes_nothing(importer_client):
    upload(importer_client, csv_bytes(GOOD))
    run_worker()
    confirm(importer_client, Job.objects.get())
    job = Job.objects.get(kind=JobKind.IMPORT)
    write = ProductImporter.write

    def write_then_cancel(importer):
        write(importer)
        assert Product.objects.count() == 2  # written inside the transaction...
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # ...when the user cancels

    with mock.patch.object(ProductImporter, "write", write_then_cancel):
        run_worker()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert Product.objects.count() == 0 and not Category.objects.exists()


def test_the_user_hears_when_a_job_ends_once(importer_client):
    upload(importer_client, csv_bytes(GOOD))
    check = Job.objects.get()
    changelist = reverse("admin:inventory_product_changelist")
    assert not [str(m) for m in importer_client.get(changelist).context["messages"]]
    run_worker()
    messages = [str(m) for m in importer_client.get(changelist).context["messages"]]
    assert messages == [
        f"Import check products.csv #{check.pk}: succeeded. "
        "products.csv checked (dry run, nothing written): 2 new, 0 updated, 0 unchanged products."
    ]
    assert not [str(m) for m in importer_client.get(changelist).context["messages"]]


def test_an_upload_over_the_size_limit_is_refused_at_once(importer_client, settings):
    settings.IMPORT_MAX_FILE_SIZE = 100
    response = upload(importer_client, csv_bytes(GOOD * 5))
    assert response.status_code == 200
    assert "the largest file an import accepts is 100 bytes" in response.content.decode()
    assert not Job.objects.exists()


def test_import_data_background_queues_one_job_that_checks_and_writes(tmp_path, capsys):
    user = UserFactory(username="boss", is_superuser=True)
    path = tmp_path / "night.csv"
    path.write_bytes(csv_bytes(GOOD))
    from django.core.management import call_command

    call_command("import_data", "product", str(path), "--user", "boss", "--background")
    job = Job.objects.get()
    assert capsys.readouterr().out.strip() == f"Import of night.csv queued as job #{job.pk}."
    assert (job.kind, job.state, Product.objects.count()) == (JobKind.IMPORT, JobState.QUEUED, 0)
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.counts["new"], job.user) == (JobState.SUCCEEDED, 2, user)
    assert set(Product.history.values_list("history_change_reason", flat=True)) == {"import night.csv"}


def test_a_plan_kept_in_chunks_still_shares_its_new_categories_between_rows(importer_client, monkeypatch):
    from backoffice.importing import engine

    monkeypatch.setattr(engine, "PLAN_CHUNK", 2)  # the plan's rows in pickles of two
    rows = [*GOOD, *([f"MORE-{n}", f"More {n}", f"Kitchen > Shelf {n % 2}", "1.00", str(n)] for n in range(5))]
    upload(importer_client, csv_bytes(rows))
    run_worker()
    confirm(importer_client, Job.objects.get())
    with mock.patch.object(ProductImporter, "prepare", side_effect=AssertionError("validated again")):
        run_worker()
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == JobState.SUCCEEDED, job.error
    kitchen = Category.objects.get(name="Kitchen")
    assert set(Category.objects.values_list("name", "parent")) == {
        ("Kitchen", None),
        ("Cups", kitchen.pk),
        ("Shelf 0", kitchen.pk),
        ("Shelf 1", kitchen.pk),
    }
    assert sorted(Product.objects.values_list("sku", "name", "category__name", "stock")) == [
        ("MORE-0", "More 0", "Shelf 0", 0),
        ("MORE-1", "More 1", "Shelf 1", 1),
        ("MORE-2", "More 2", "Shelf 0", 2),
        ("MORE-3", "More 3", "Shelf 1", 3),
        ("MORE-4", "More 4", "Shelf 0", 4),
        ("NEW-1", "New one", "Cups", 5),
        ("NEW-2", "Two", "Kitchen", 0),
    ]


def test_new_customers_with_addresses_through_jobs_keep_their_addresses(importer_client, monkeypatch):
    from backoffice.importing import engine
    from orders.models import Customer

    monkeypatch.setattr(engine, "PLAN_CHUNK", 1)  # customers keep their plan whole all the same
    url = reverse("admin:orders_customer_import")
    rows = [["email", "first_name", "address_line1", "address_city", "address_country"]]
    rows += [[f"c{n}@shop.test", f"C{n}", f"Street {n}", "Berlin", "DE"] for n in range(3)]
    importer_client.post(
        url, {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("c.csv", csv_bytes(rows))}
    )
    run_worker()
    importer_client.post(reverse("admin:orders_customer_process_import"), {"job": Job.objects.get().pk})
    run_worker()
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == JobState.SUCCEEDED, job.error
    shipped = Customer.objects.values_list("email", "default_shipping_address__line1")
    assert sorted(shipped) == [("c0@shop.test", "Street 0"), ("c1@shop.test", "Street 1"), ("c2@shop.test", "Street 2")]
