"""Jobs on the real database backend: tasks are queued rows, a worker (run in the test) takes them."""

from unittest import mock

import pytest
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker

from backoffice.tests.io.helpers import login
from inventory.tests.factories import UserFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMPORT_URL = reverse("admin:inventory_product_import")
PROCESS_URL = reverse("admin:inventory_product_process_import")


@pytest.fixture
def db_tasks(settings):
    """Tasks are queued in the database (django-tasks-db), not run at once."""
    settings.TASKS = DATABASE_TASKS


def run_worker():
    """``manage.py db_worker --batch`` in this process: run every queued task, then return.

    The worker closes connections it thinks are stale between tasks; inside the test's transaction
    that would end the test, so that one call is left out here.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


@pytest.fixture
def importer_client(client, db):
    user = UserFactory(username="boss", is_superuser=True)
    login(client, user)
    client.user = user
    return client
