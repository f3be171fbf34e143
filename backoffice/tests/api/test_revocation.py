"""Refresh tokens rotate; a password change, deactivation or "log out everywhere" revokes every token."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from backoffice.tests.api.fixtures import assert_error

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-horse-9!"
NEW_PASSWORD = "Another-horse-7?"


@pytest.fixture
def user(role_users):
    return role_users["clerk"]


def sign_in(user, password=PASSWORD):
    response = APIClient().post("/api/v1/token/", {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def refresh(token):
    return APIClient().post("/api/v1/token/refresh/", {"refresh": token}, format="json")


def get_products(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/products/")


def test_a_refresh_token_works_once_and_is_replaced(user):
    first = sign_in(user)
    rotated = refresh(first["refresh"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh"] != first["refresh"]
    body = assert_error(refresh(first["refresh"]), 401, "token_not_valid")
    assert body["detail"] == "Token is blacklisted"
    assert refresh(second["refresh"]).status_code == 200
    assert get_products(second["access"]).status_code == 200
    assert BlacklistedToken.objects.filter(token__user=user).count() == 2
    assert OutstandingToken.objects.filter(user=user).count() == 3


def test_a_password_change_revokes_refresh_and_access_tokens(user):
    tokens = sign_in(user)
    assert get_products(tokens["access"]).status_code == 200
    user.set_password(NEW_PASSWORD)
    user.save()
    body = assert_error(get_products(tokens["access"]), 401, "token_revoked")
    assert body["detail"].startswith("This token was revoked")
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")  # blacklisted on the password change
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1
    fresh = sign_in(user, NEW_PASSWORD)
    assert get_products(fresh["access"]).status_code == 200


def test_a_password_changed_without_save_signals_still_revokes(user):
    """The fingerprint covers the password hash: an UPDATE that bypasses save() revokes too."""
    tokens = sign_in(user)
    user.set_password(NEW_PASSWORD)
    type(user).objects.filter(pk=user.pk).update(password=user.password)
    assert_error(get_products(tokens["access"]), 401, "token_revoked")
    assert_error(refresh(tokens["refresh"]), 401, "token_revoked")


def test_deactivation_revokes_every_token(user):
    tokens = sign_in(user)
    user.is_active = False
    user.save()
    assert_error(get_products(tokens["access"]), 401, "token_revoked")
    assert_error(refresh(tokens["refresh"]), 401, "token_not_valid")
    user.is_active = True
    user.save()
    # Reactivated: the tokens from before stay revoked (the token version moved on).
    assert_error(get_products(tokens["access"]), 401, "token_revoked")


def test_log_out_everywhere(user):
    phone, laptop = sign_in(user), sign_in(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone['access']}")
    response = client.post("/api/v1/token/revoke-all/")
    assert response.status_code == 200
    assert response.json() == {"revoked_refresh_tokens": 2}
    for device in (phone, laptop):
        assert_error(get_products(device["access"]), 401, "token_revoked")
        assert_error(refresh(device["refresh"]), 401, "token_not_valid")
    assert get_products(sign_in(user)["access"]).status_code == 200


def test_log_out_everywhere_needs_a_signed_in_user():
    assert_error(APIClient().post("/api/v1/token/revoke-all/"), 401, "not_authenticated")


def test_an_access_token_without_the_fingerprint_is_refused(user):
    from rest_framework_simplejwt.tokens import AccessToken

    bare = AccessToken.for_user(user)  # simplejwt's own: no tv claim
    assert_error(get_products(str(bare)), 401, "token_revoked")


def test_two_refreshes_racing_with_one_token_get_one_new_pair(user, monkeypatch):
    """Both pass the blacklist check before either writes; the blacklist row decides, once."""
    from rest_framework_simplejwt.exceptions import AuthenticationFailed
    from rest_framework_simplejwt.tokens import RefreshToken

    from backoffice.security.tokens import REFRESH_USED, TokenRefreshSerializer

    tokens = sign_in(user)
    monkeypatch.setattr(RefreshToken, "check_blacklist", lambda self: None)  # the competitor already checked
    first = TokenRefreshSerializer().validate({"refresh": tokens["refresh"]})
    assert set(first) == {"access", "refresh"}
    with pytest.raises(AuthenticationFailed) as refused:
        TokenRefreshSerializer().validate({"refresh": tokens["refresh"]})
    assert refused.value.detail["detail"] == REFRESH_USED
