"""The Jobs page: own jobs only (``jobs.view_all_jobs``: everyone's), flat query count, detail, cancel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.jobs import services
from backoffice.jobs.models import Job, JobKind, JobState
from backoffice.tests.admin_support import user_with_perms
from backoffice.tests.io.helpers import login
from inventory.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_tasks")]
CHANGELIST = reverse("admin:jobs_job_changelist")


def make_jobs(user, count, kind=JobKind.EXPORT):
    return [
        Job.objects.create(user=user, kind=kind, model_name="product", file_name=f"{user.username}-{n}.csv")
        for n in range(count)
    ]


def test_each_user_sees_only_their_own_jobs(client):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    make_jobs(alice, 2)
    make_jobs(bob, 1)
    login(client, alice)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert sorted(j.file_name for j in page.context["cl"].result_list) == ["alice-0.csv", "alice-1.csv"]
    assert CHANGELIST in client.get(reverse("admin:index")).content.decode()  # the sidebar links to it
    bob_job = Job.objects.get(user=bob)
    assert client.get(reverse("admin:jobs_job_change", args=[bob_job.pk])).status_code == 302  # not visible
    boss = user_with_perms("boss", "jobs.view_all_jobs")
    login(client, boss)
    assert len(client.get(CHANGELIST).context["cl"].result_list) == 3


def test_the_list_makes_the_same_number_of_queries_for_2_and_20_jobs(client):
    alice = UserFactory(username="alice")
    login(client, alice)
    counts = []
    for size in (2, 20):
        Job.objects.all().delete()
        make_jobs(alice, size)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHANGELIST).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_detail_page_and_cancel_of_a_queued_job(client):
    alice = UserFactory(username="alice")
    job = services.submit(user=alice, kind=JobKind.EXPORT, model_name="product", file_name="p.csv")
    login(client, alice)
    detail = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert detail.status_code == 200 and "p.csv" in detail.content.decode()
    assert client.get(reverse("admin:jobs_job_cancel", args=[job.pk])).status_code == 405  # POST only
    response = client.post(reverse("admin:jobs_job_cancel", args=[job.pk]))
    assert response["Location"] == CHANGELIST
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    again = client.post(reverse("admin:jobs_job_cancel", args=[job.pk]), follow=True)
    messages = [str(m) for m in again.context["messages"]]
    assert "The job has already finished (Cancelled); there is nothing to cancel." in messages


def test_another_user_cannot_cancel_or_download(client):
    alice, mallory = UserFactory(username="alice"), UserFactory(username="mallory")
    job = services.submit(user=alice, kind=JobKind.EXPORT, model_name="product", file_name="p.csv")
    login(client, mallory)
    assert client.post(reverse("admin:jobs_job_cancel", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


def test_search_and_filters_answer(client):
    alice = UserFactory(username="alice")
    make_jobs(alice, 3)
    login(client, alice)
    assert client.get(CHANGELIST, {"q": "alice-1"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"state__exact": "queued", "kind__exact": "export"}).status_code == 200
    assert client.get(reverse("admin:jobs_job_add")).status_code == 403
