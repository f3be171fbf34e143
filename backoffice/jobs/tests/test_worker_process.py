"""Real ``manage.py db_worker`` processes on PostgreSQL: a worker killed (SIGKILL) in the middle of
an import's write leaves nothing written, the job is retried and written exactly once; two workers
never run the same job."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.db import capabilities
from backoffice.jobs import services
from backoffice.jobs.exports import start_export
from backoffice.jobs.imports import start_import
from backoffice.jobs.models import Job, JobState
from backoffice.tests.io.helpers import csv_bytes
from inventory.models import Category, Product
from inventory.tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("db_tasks"),
]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _postgresql_only(transactional_db):
    # PostgreSQL: the import writes by COPY, and pg_locks shows when it is in the middle of it.
    # Asked in a fixture, not at collection: MariaDB's capabilities need a query to the server.
    if not capabilities().copy:
        pytest.skip("watches the import's COPY through pg_locks (PostgreSQL)")


ROWS = 20_000


def worker(*args):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_TEST_DB_NAME": "",
        "SHOP_TASKS_BACKEND": "database",
        "SHOP_JOB_FILES_DIR": str(settings.JOB_FILES_DIR),
        "DJANGO_SECRET_KEY": "worker-process-test-key-" + "x" * 40,
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def product_table_written_by_another_session():
    """True once another session holds the product table's write lock: the import is mid-write."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'inventory_product' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
        )
        return cursor.fetchone() is not None


def wait_for(condition, timeout=60, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def checked_file():
    user = UserFactory(username="boss", is_superuser=True)
    rows = [["sku", "name", "category", "tags", "price", "stock"]]
    rows += [[f"K-{n:06d}", f"Product {n}", f"Cat {n % 20}", "red, blue", "9.99", "3"] for n in range(ROWS)]

    class Upload:
        name = "big.csv"

        def chunks(self, size):
            yield csv_bytes(rows)

    from backoffice.jobs.imports import start_check

    check = start_check(user=user, model_name="product", upload=Upload())
    assert worker("--batch").wait(timeout=120) == 0
    check.refresh_from_db()
    assert check.state == JobState.SUCCEEDED, check.error
    return user, check


def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_writes_it_once(checked_file, settings):
    user, check = checked_file
    job = start_import(user=user, check=check)
    process = worker()
    try:
        assert wait_for(product_table_written_by_another_session), "the import never started writing"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert wait_for(lambda: not product_table_written_by_another_session(), timeout=10)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)  # as the dead worker left it
    assert (Product.objects.count(), Category.objects.count()) == (0, 0)
    assert Product.history.count() == 0

    settings.JOB_STALE_SECONDS = 0
    retried, failed = services.reap_stale(now=timezone.now() + timedelta(seconds=1))
    assert (retried, failed) == ([job.pk], [])
    assert worker("--batch").wait(timeout=180) == 0
    job.refresh_from_db()
    assert (job.state, job.attempts, job.counts["new"]) == (JobState.SUCCEEDED, 2, ROWS), job.error
    assert Product.objects.count() == ROWS
    assert Product.history.count() == ROWS  # written once: one history row each
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 0


def test_two_workers_never_run_the_same_job(db):
    user = UserFactory(username="boss", is_superuser=True)
    jobs = [start_export(user=user, model_name="tag", base=None, columns=None, file_format="csv") for _ in range(8)]
    workers = [worker("--batch", "--worker-id", f"w{n}") for n in (1, 2)]
    for process in workers:
        assert process.wait(timeout=120) == 0
    for job in jobs:
        job.refresh_from_db()
        assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1), job.error
    runs = [DBTaskResult.objects.get(id=job.task_result_id).worker_ids for job in jobs]
    assert all(len(ids) == 1 for ids in runs), runs
    assert Job.objects.count() == 8
