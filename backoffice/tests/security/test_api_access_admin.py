"""Admin pages of API access: API keys (shown once, revoked) and refresh tokens (listed, revoked)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from backoffice.security.api_keys import create_api_key
from backoffice.security.authentication import hash_key
from backoffice.security.models import ApiKey
from backoffice.security.tokens import ShopRefreshToken
from backoffice.tests.admin_support import change_url, changelist_url, messages_of, run_action, user_with_perms
from inventory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration(db):
    return UserFactory(username="erp-bot")


def test_api_key_pages(boss_client, integration):
    key, _raw = create_api_key(name="ERP", user=integration, scopes=["orders:read"], by=integration)
    assert boss_client.get(changelist_url(ApiKey)).status_code == 200
    assert boss_client.get(changelist_url(ApiKey), {"q": "ERP"}).status_code == 200
    assert boss_client.get(reverse("admin:security_apikey_add")).status_code == 200
    page = boss_client.get(change_url(key)).content.decode()
    assert f"bok_{key.prefix}_…" in page
    assert key.key_hash not in page


def test_adding_a_key_shows_it_once(boss_client, integration):
    response = boss_client.post(
        reverse("admin:security_apikey_add"),
        {"name": "Warehouse", "user": integration.pk, "scopes": ["catalog:read", "stock:adjust"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    key = ApiKey.objects.get()
    assert (key.name, key.user, key.scopes, key.key_hash) == (
        "Warehouse", integration, ["catalog:read", "stock:adjust"], hash_key(raw),
    )  # fmt: skip
    assert key.created_by.username == "boss"
    assert raw in response.content.decode()
    assert raw not in boss_client.get(change_url(key)).content.decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/products/").status_code == 403  # erp-bot itself holds no view_product


def test_revoking_keys_needs_the_change_permission(admin_client_as, integration):
    key, raw = create_api_key(name="ERP", user=integration, scopes=["orders:read"], by=integration)
    viewer = admin_client_as(user_with_perms("viewer", "security.view_apikey"))
    response = run_action(viewer, ApiKey, "revoke", [key])
    key.refresh_from_db()
    assert key.revoked_at is None
    assert response.status_code == 200  # the action is not offered: the list shows again
    editor = admin_client_as(user_with_perms("editor", "security.view_apikey", "security.change_apikey"))
    response = run_action(editor, ApiKey, "revoke", [key])
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert messages_of(editor.get(changelist_url(ApiKey))) == ["1 key revoked. Requests with it fail from now on."]


def test_token_list_shows_a_users_tokens_with_their_state(boss_client, integration):
    active = ShopRefreshToken.for_user(integration)
    revoked = ShopRefreshToken.for_user(integration)
    revoked.blacklist()
    ShopRefreshToken.for_user(UserFactory(username="someone-else"))
    response = boss_client.get(changelist_url(OutstandingToken), {"user__id__exact": integration.pk})
    assert response.status_code == 200
    rows = {token.jti: token.is_revoked for token in response.context["cl"].result_list}
    assert rows == {active["jti"]: False, revoked["jti"]: True}
    assert boss_client.get(changelist_url(OutstandingToken), {"state": "active"}).status_code == 200


def test_revoking_tokens_in_the_admin(admin_client_as, integration):
    token = ShopRefreshToken.for_user(integration)
    outstanding = OutstandingToken.objects.get(jti=token["jti"])
    viewer = admin_client_as(user_with_perms("viewer", "token_blacklist.view_outstandingtoken"))
    run_action(viewer, OutstandingToken, "revoke", [outstanding])
    assert not BlacklistedToken.objects.exists()
    staff = admin_client_as(
        user_with_perms("security", "token_blacklist.view_outstandingtoken", "token_blacklist.add_blacklistedtoken")
    )
    run_action(staff, OutstandingToken, "revoke", [outstanding])
    assert BlacklistedToken.objects.get().token == outstanding
    response = APIClient().post("/api/v1/token/refresh/", {"refresh": str(token)}, format="json")
    assert response.status_code == 401


def test_log_out_everywhere_from_the_admin(admin_client_as, integration):
    tokens = [ShopRefreshToken.for_user(integration) for _ in range(2)]
    staff = admin_client_as(
        user_with_perms("security", "token_blacklist.view_outstandingtoken", "token_blacklist.add_blacklistedtoken")
    )
    run_action(staff, OutstandingToken, "log_out_everywhere", [OutstandingToken.objects.get(jti=tokens[0]["jti"])])
    assert BlacklistedToken.objects.count() == 2
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[1].access_token}")
    assert client.get("/api/v1/tags/").json()["code"] == "token_revoked"
