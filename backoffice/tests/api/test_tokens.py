"""Access tokens carry username, roles and capabilities; a refresh reads them again from the user."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from backoffice.security.capabilities import CAPABILITIES, capabilities_of

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-horse-9!"


def sign_in(user):
    response = APIClient().post("/api/v1/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def claims(raw):
    token = AccessToken(raw)
    return {name: token[name] for name in ("username", "roles", "capabilities")}


def test_access_token_carries_username_roles_and_capabilities(role_users):
    assert claims(sign_in(role_users["clerk"])["access"]) == {
        "username": "api-clerk",
        "roles": ["Order clerk"],
        "capabilities": ["catalog:read", "customers:read", "customers:write", "orders:read", "orders:write"],
    }
    assert claims(sign_in(role_users["catalog"])["access"]) == {
        "username": "api-catalog",
        "roles": ["Catalog manager"],
        "capabilities": ["catalog:read", "products:write", "catalog:write", "stock:adjust"],
    }
    assert claims(sign_in(role_users["auditor"])["access"])["capabilities"] == [
        "catalog:read",
        "customers:read",
        "orders:read",
    ]
    assert claims(sign_in(role_users["superuser"])["access"]) == {
        "username": "api-superuser",
        "roles": [],
        "capabilities": list(CAPABILITIES),
    }


def test_a_refresh_reads_the_claims_again(role_users):
    user = role_users["auditor"]
    tokens = sign_in(user)
    user.groups.add(Group.objects.get(name="Order clerk"))
    refreshed = APIClient().post("/api/v1/token/refresh/", {"refresh": tokens["refresh"]}, format="json").json()
    assert claims(refreshed["access"])["roles"] == ["Auditor", "Order clerk"]
    assert "orders:write" in claims(refreshed["access"])["capabilities"]


def test_a_capability_needs_every_one_of_its_permissions(role_users):
    from django.contrib.auth.models import Permission

    user = role_users["auditor"]
    user.user_permissions.add(Permission.objects.get(codename="add_order"))
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    assert "orders:write" not in capabilities_of(user)  # change_order is missing
    user.user_permissions.add(Permission.objects.get(codename="change_order"))
    user = type(user).objects.get(pk=user.pk)
    assert "orders:write" in capabilities_of(user)
