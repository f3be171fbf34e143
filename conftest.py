"""Fixtures every app's tests share."""

import pytest

from inventory.tests.factories import UserFactory

# admin: logged-in clients (boss_client, admin_client_as) for the admin tests of every app.
pytest_plugins = ["backoffice.tests.admin_support"]


def pytest_runtest_setup(item):
    """A test marked ``row_locks`` runs where SELECT ... FOR UPDATE locks rows (PostgreSQL, MariaDB)."""
    from django.db import connection

    # The feature flag itself, not capabilities(): this runs before the test may touch the database.
    if item.get_closest_marker("row_locks") and not connection.features.has_select_for_update:
        pytest.skip("SQLite serialises all writers and takes no row locks; runs on PostgreSQL and MariaDB")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles and rate limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    """jobs: uploads, kept plans and export files of a test go to its own folder."""
    settings.JOB_FILES_DIR = tmp_path / "jobs"


@pytest.fixture
def staff_user(db):
    return UserFactory(username="clerk")


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_superuser=True)
