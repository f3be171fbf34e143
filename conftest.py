"""Fixtures every app's tests share."""

import pytest

from inventory.tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(username="clerk")


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_superuser=True)
