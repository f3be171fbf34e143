"""Fixtures every app's tests share."""

import pytest

from inventory.tests.factories import UserFactory

# admin: logged-in clients (boss_client, admin_client_as) for the admin tests of every app.
pytest_plugins = ["backoffice.tests.admin_support"]


DATABASE_MARKERS = {
    # marker: (vendors it runs on, why it is skipped elsewhere)
    "postgres": ({"postgresql"}, "needs PostgreSQL (trigram indexes, its plans and functions)"),
    "row_locks": ({"postgresql", "mysql"}, "SQLite serialises all writers and takes no row locks"),
}


def pytest_runtest_setup(item):
    """Skip a test marked ``postgres`` or ``row_locks`` on a database that cannot run it (``pytest -rs``)."""
    from django.db import connection

    for marker, (vendors, reason) in DATABASE_MARKERS.items():
        if item.get_closest_marker(marker) and connection.vendor not in vendors:
            pytest.skip(f"{reason}; runs on {', '.join(sorted(vendors))}")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles and rate limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_user(db):
    return UserFactory(username="clerk")


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_superuser=True)
