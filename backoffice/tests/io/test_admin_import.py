"""Admin import: preview (a check job), confirm (an import job, all or nothing), history, permissions.

Tasks run at once in the test run (ImmediateBackend), so following the redirect shows the finished job;
backoffice/jobs/tests/ covers the same flow on the database backend with a worker.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.jobs.models import Job, JobKind, JobState
from backoffice.tests.io.helpers import csv_bytes, login, xlsx_bytes
from inventory.models import Category, Product
from inventory.tests.factories import CategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:inventory_product_import")
PROCESS_URL = reverse("admin:inventory_product_process_import")
CHANGELIST = reverse("admin:inventory_product_changelist")
HEADER = ["sku", "name", "category", "price", "stock"]


def with_perms(*codenames, username="importer"):
    user = UserFactory(username=username)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def upload(client, data, name="products.csv", file_format="0"):
    return client.post(
        IMPORT_URL, {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, data)}, follow=True
    )


def confirm(client, response, follow=True):
    form = response.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial[name] for name in form.fields}, follow=follow)


@pytest.fixture
def good_file():
    CategoryFactory(name="Kitchen")
    ProductFactory(sku="OLD-1", name="Old", price="1.00", stock=3, category=Category.objects.get(name="Kitchen"))
    return csv_bytes(
        [
            HEADER,
            ["NEW-1", "New one", "Kitchen > Cups", "2.50", "5"],
            ["OLD-1", "Old renamed", "Kitchen", "1.00", "3"],
        ]
    )


def test_preview_shows_counts_and_writes_nothing(client, superuser, good_file):
    login(client, superuser)
    response = upload(client, good_file)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.new, report.updated, report.unchanged, len(report.errors)) == (1, 1, 0, 0)
    html = response.content.decode()
    assert '<td data-count="new">1</td>' in html
    assert '<td data-count="updated">1</td>' in html
    assert "will create category Kitchen &gt; Cups" in html
    assert 'id="confirm-import"' in html
    assert not Product.objects.filter(sku="NEW-1").exists()
    assert Product.objects.get(sku="OLD-1").name == "Old"


def test_confirm_writes_everything_with_history_by_the_user(client, superuser, good_file):
    login(client, superuser)
    response = confirm(client, upload(client, good_file, name="spring.csv"), follow=False)
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert response.status_code == 302 and response["Location"] == f"{IMPORT_URL}?job={job.pk}"
    assert (job.state, job.user, job.counts["new"], job.counts["updated"]) == (JobState.SUCCEEDED, superuser, 1, 1)
    assert Product.objects.get(sku="NEW-1").name == "New one"
    assert Product.objects.get(sku="OLD-1").name == "Old renamed"
    reasons = Product.history.filter(history_user=superuser).values_list("sku", "history_change_reason")
    assert sorted(reasons) == [("NEW-1", "import spring.csv"), ("OLD-1", "import spring.csv")]
    follow = client.get(response["Location"])
    messages = [str(m) for m in follow.context["messages"]]
    assert (
        f"Import spring.csv #{job.pk}: succeeded. spring.csv imported: 1 new, 1 updated, 0 unchanged products."
        in messages
    )


def test_preview_lists_every_bad_row_and_offers_no_confirm(client, superuser):
    login(client, superuser)
    data = csv_bytes([HEADER, ["OK-1", "Fine", "Cat", "1", "1"], ["OK-2", "Bad", "Cat", "-1", "x"]])
    response = upload(client, data)
    report = response.context["report"]
    assert [(e.line, e.column) for e in report.errors] == [(3, "price"), (3, "stock")]
    html = response.content.decode()
    assert "“-1” is negative; enter 0 or more." in html
    assert "“x” is not a whole number." in html
    assert 'id="confirm-import"' not in html
    assert Product.objects.count() == 0


def test_confirm_is_all_or_nothing_when_the_data_changed_since_the_preview(client, superuser):
    """The confirm step re-checks every row: a row that became bad refuses the whole file."""
    login(client, superuser)
    category = CategoryFactory(name="Cat")
    data = csv_bytes([HEADER, ["OK-1", "Fine", "Cat", "1", "1"], ["OK-2", "Also fine", "Cat > Sub", "1", "1"]])
    preview = upload(client, data)
    other = CategoryFactory(name="Other")
    CategoryFactory(name="Sub", parent=other)  # now "Cat > Sub" contradicts the existing Sub
    response = confirm(client, preview)
    assert response.status_code == 200
    assert [(e.line, e.column) for e in response.context["report"].errors] == [(3, "category")]
    assert Job.objects.get(kind=JobKind.IMPORT).state == JobState.FAILED
    assert Product.objects.count() == 0
    assert category.products.count() == 0


def test_xlsx_upload(client, superuser):
    login(client, superuser)
    data = xlsx_bytes([HEADER, ["X-10", "From Excel", "Cat", 4.5, 2]])
    response = confirm(client, upload(client, data, name="p.xlsx", file_format="1"))
    assert response.context["job"].state == JobState.SUCCEEDED
    product = Product.objects.get(sku="X-10")
    assert (str(product.price), product.stock) == ("4.50", 2)


def test_broken_file_gets_a_message_not_a_500(client, superuser):
    login(client, superuser)
    response = upload(client, "sku,name\nA-1,Café\n".encode("latin-1"))
    assert response.status_code == 200
    assert "The file is not UTF-8 text (unreadable byte at line 2)." in response.content.decode()


def test_a_preview_file_cannot_be_confirmed_by_another_user(client, superuser, good_file):
    login(client, superuser)
    preview = upload(client, good_file)
    other = UserFactory(username="other", is_superuser=True)
    login(client, other)
    response = confirm(client, preview, follow=False)
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not Product.objects.filter(sku="NEW-1").exists()


def test_import_needs_import_add_and_change_permissions(client):
    view_only = with_perms("view_product", "change_product", "add_product", username="no-import")
    login(client, view_only)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(PROCESS_URL, {}).status_code == 403
    assert reverse("admin:inventory_product_import") not in client.get(CHANGELIST).content.decode()

    no_add = with_perms("view_product", "change_product", "import_product", username="no-add")
    login(client, no_add)
    assert client.get(IMPORT_URL).status_code == 403

    importer = with_perms("view_product", "change_product", "add_product", "import_product")
    login(client, importer)
    assert client.get(IMPORT_URL).status_code == 200
    assert IMPORT_URL in client.get(CHANGELIST).content.decode()


def test_orders_have_no_import(client, superuser):
    login(client, superuser)
    assert client.get(reverse("admin:orders_order_import")).status_code == 403
