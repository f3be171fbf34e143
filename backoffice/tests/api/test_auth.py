"""JWT token endpoints and session authentication for the browsable API."""

import pytest

from backoffice.tests.api.fixtures import assert_error

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-horse-9!"


@pytest.fixture
def auditor(role_users):
    user = role_users["auditor"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_token_pair_refresh_and_verify(client_as, auditor):
    client = client_as("anonymous")
    response = client.post("/api/v1/token/", {"username": auditor.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/api/v1/products/").status_code == 200
    assert client.post("/api/v1/tags/", {"name": "x"}, format="json").status_code == 403  # an auditor reads only

    client.credentials()
    refreshed = client.post("/api/v1/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access", "refresh"}  # rotated (test_revocation.py)
    assert client.post("/api/v1/token/verify/", {"token": refreshed.json()["access"]}, format="json").json() == {}


def test_wrong_password_and_bad_tokens_are_401_in_the_error_shape(client_as, auditor):
    client = client_as("anonymous")
    body = assert_error(
        client.post("/api/v1/token/", {"username": auditor.username, "password": "wrong"}, format="json"),
        401,
        "no_active_account",
    )
    assert body["detail"] == "No active account found with the given credentials"
    assert_error(client.post("/api/v1/token/verify/", {"token": "not-a-token"}, format="json"), 401, "token_not_valid")
    body = assert_error(client.post("/api/v1/token/", {}, format="json"), 400, "invalid")
    assert body["errors"] == {"username": ["This field is required."], "password": ["This field is required."]}
    client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    assert_error(client.get("/api/v1/products/"), 401, "token_not_valid")


def test_session_authentication_serves_the_browsable_api(client, auditor):
    client.force_login(auditor)
    response = client.get("/api/v1/products/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Product List" in response.content


def test_session_writes_need_the_csrf_token(auditor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(auditor)
    response = client.post("/api/v1/tags/", {"name": "x"}, content_type="application/json")
    body = assert_error(response, 403, "permission_denied")
    assert body["detail"].startswith("CSRF Failed")
