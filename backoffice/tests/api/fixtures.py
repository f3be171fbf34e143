"""Fixtures the API tests of every app share: one user per role and clients signed in as them.

Each app's ``tests/api/conftest.py`` star-imports this module.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from inventory.tests.factories import UserFactory

ROLES = ("anonymous", "auditor", "clerk", "catalog", "superuser")
GROUP_OF_ROLE = {"auditor": "Auditor", "clerk": "Order clerk", "catalog": "Catalog manager"}


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Throttle counters live in the cache, which outlives a test; start each test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role_users(db):
    """``{"auditor": user, "clerk": user, "catalog": user, "superuser": user}`` from ``setup_roles``."""
    call_command("setup_roles", stdout=io.StringIO())
    users = {}
    for role, group_name in GROUP_OF_ROLE.items():
        user = UserFactory(username=f"api-{role}")
        user.groups.add(Group.objects.get(name=group_name))
        users[role] = user
    users["superuser"] = UserFactory(username="api-superuser", is_superuser=True)
    return users


@pytest.fixture
def client_as(role_users):
    """``client_as("clerk")``: an API client authenticated as that role (``"anonymous"``: none)."""

    def make(role):
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(role_users[role])
        return client

    return make


@pytest.fixture
def api(client_as):
    """A client signed in as a superuser, for tests about behaviour rather than permissions."""
    return client_as("superuser")


def assert_error(response, status_code, code=None, fields=None):
    """The one error shape; ``fields`` maps a field to its exact messages."""
    body = response.json()
    assert response.status_code == status_code, body
    assert set(body) == {"status", "code", "detail", "errors"}, body
    assert body["status"] == status_code
    if code is not None:
        assert body["code"] == code, body
    if fields is not None:
        assert body["errors"] == fields, body
    return body
