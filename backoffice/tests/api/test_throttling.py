import pytest

from backoffice.tests.api.fixtures import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
    }


def test_signed_in_clients_are_throttled_per_user(client_as, rates):
    auditor, clerk = client_as("auditor"), client_as("clerk")
    assert [auditor.get("/api/v1/customers/").status_code for _ in range(3)] == [200, 200, 200]
    response = auditor.get("/api/v1/customers/")
    body = assert_error(response, 429, "throttled")
    assert body["detail"].startswith("Request was throttled. Expected available in")
    assert 0 < int(response["Retry-After"]) <= 60
    assert clerk.get("/api/v1/customers/").status_code == 200  # another user has a budget of their own


def test_anonymous_clients_are_throttled_on_the_token_endpoint(client_as, rates):
    client = client_as("anonymous")
    statuses = [
        client.post("/api/v1/token/", {"username": "x", "password": "y"}, format="json").status_code for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
