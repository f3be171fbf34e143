"""API keys: hashed at rest, scoped to capabilities, revocable, last use recorded at most once a minute."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backoffice.errors import ServiceError
from backoffice.security.api_keys import create_api_key, revoke_api_keys
from backoffice.security.models import ApiKey
from backoffice.tests.api.fixtures import assert_error
from inventory.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def key_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def order_body(db):
    product = ProductFactory(sku="SHIRT-1", stock=5)
    return {"customer": CustomerFactory().pk, "lines": [{"sku": product.sku, "quantity": 2}]}


def test_a_key_without_orders_write_cannot_place_an_order(role_users, order_body):
    clerk = role_users["clerk"]  # the account may place orders; the key may not
    _key, raw = create_api_key(name="Warehouse", user=clerk, scopes=["catalog:read", "orders:read"], by=clerk)
    client = key_client(raw)
    assert client.get("/api/v1/products/").json()["count"] == 1
    assert client.get("/api/v1/orders/").status_code == 200
    assert_error(client.post("/api/v1/orders/", order_body, format="json"), 403, "permission_denied")
    assert not Order.objects.exists()


def test_a_key_with_orders_write_places_an_order_as_its_account(role_users, order_body):
    clerk = role_users["clerk"]
    _key, raw = create_api_key(name="Shop front", user=clerk, scopes=["orders:write"], by=role_users["superuser"])
    response = key_client(raw).post("/api/v1/orders/", order_body, format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(number=response.json()["number"])
    assert order.created_by == clerk
    assert order.history.first().history_user == clerk


def test_a_key_never_does_more_than_its_account(role_users, order_body):
    catalog = role_users["catalog"]  # holds no order permissions
    _key, raw = create_api_key(name="Too much", user=catalog, scopes=["orders:write"], by=catalog)
    assert_error(key_client(raw).post("/api/v1/orders/", order_body, format="json"), 403, "permission_denied")
    superuser = role_users["superuser"]
    _key, raw = create_api_key(name="Reader", user=superuser, scopes=["catalog:read"], by=superuser)
    assert_error(key_client(raw).post("/api/v1/tags/", {"name": "x"}, format="json"), 403, "permission_denied")


def test_a_revoked_key_fails(role_users):
    user = role_users["auditor"]
    key, raw = create_api_key(name="Old", user=user, scopes=["catalog:read"], by=user)
    assert key_client(raw).get("/api/v1/products/").status_code == 200
    assert revoke_api_keys(keys=[key], by=user) == 1
    body = assert_error(key_client(raw).get("/api/v1/products/"), 401, "invalid_api_key")
    assert body["detail"] == "This API key is not valid or was revoked. Ask an administrator for a new key."
    assert revoke_api_keys(keys=[key], by=user) == 0


@pytest.mark.parametrize(
    "mangle", [lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"), lambda raw: "bok_x", str.upper]
)
def test_a_wrong_or_malformed_key_fails(role_users, mangle):
    user = role_users["auditor"]
    _key, raw = create_api_key(name="K", user=user, scopes=["catalog:read"], by=user)
    assert_error(key_client(mangle(raw)).get("/api/v1/products/"), 401, "invalid_api_key")


def test_a_key_of_a_deactivated_account_fails(role_users):
    user = role_users["auditor"]
    _key, raw = create_api_key(name="K", user=user, scopes=["catalog:read"], by=user)
    user.is_active = False
    user.save()
    assert_error(key_client(raw).get("/api/v1/products/"), 401, "invalid_api_key")


def test_only_the_hash_is_stored(role_users):
    user = role_users["auditor"]
    key, raw = create_api_key(name="K", user=user, scopes=["orders:read", "catalog:read"], by=user)
    key.refresh_from_db()
    assert raw.startswith(f"bok_{key.prefix}_") and len(raw) == 4 + 8 + 1 + 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.split("_", 2)[2] not in {key.name, key.prefix, key.key_hash}
    assert key.scopes == ["catalog:read", "orders:read"]  # in the table's order


def test_last_used_is_written_at_most_once_a_minute(role_users):
    user = role_users["auditor"]
    key, raw = create_api_key(name="K", user=user, scopes=["catalog:read"], by=user)
    client = key_client(raw)
    client.get("/api/v1/tags/")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/tags/")
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "security_apikey" in q["sql"]]
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/tags/")
    key.refresh_from_db()
    assert key.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - key.last_used_at < timedelta(seconds=30)


def test_a_key_needs_known_capabilities(role_users):
    user = role_users["auditor"]
    with pytest.raises(ServiceError) as refused:
        create_api_key(name="K", user=user, scopes=["orders:write", "everything"], by=user)
    assert refused.value.code == "unknown_scope"
    assert str(refused.value).startswith("Unknown capability everything. Choose from: catalog:read, ")
    with pytest.raises(ServiceError) as refused:
        create_api_key(name="K", user=user, scopes=[], by=user)
    assert refused.value.code == "no_scope"
    assert not ApiKey.objects.exists()
