"""Brute-force protection: lockout after N failures, a clear message, recovery, unlock by staff."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from unfold.admin import ModelAdmin

from backoffice.tests.security.conftest import STRONG_PASSWORD, with_password
from inventory.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WRONG = "Wrong-guess-1!"
LOCKED_TEXT = "This account is locked after 5 failed login attempts from your address."


def login(client, password, username="alice", **extra):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **extra)


def fail_until_locked(client, settings, username="alice"):
    responses = [login(client, WRONG, username) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


def test_settings_from_environment_defaults(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_lockout_after_the_failure_limit(client, alice, settings):
    locked = fail_until_locked(client, settings)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    html = locked.content.decode()
    assert "Too many failed login attempts" in html
    assert LOCKED_TEXT in html
    assert "Try again in 15 minutes, or ask an administrator to unlock it." in html
    assert "unfold/css/styles.css" in html  # the admin's look, not a bare text page

    # Even the right password is refused while locked.
    again = login(client, STRONG_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, WRONG).status_code == 200
    assert login(client, STRONG_PASSWORD).status_code == 302
    # A success resets the count (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_lockout_is_per_username_and_address(client, alice, settings):
    fail_until_locked(client, settings)
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert login(other_address, STRONG_PASSWORD).status_code == 302
    # Another account from the locked address is not locked either.
    bob_password_wrong = login(client, WRONG, username="bob")
    assert bob_password_wrong.status_code == 200


def test_recovery_after_the_cool_off(client, alice, settings):
    fail_until_locked(client, settings)
    assert login(client, STRONG_PASSWORD).status_code == 429
    # Let the cool-off pass: the last failure is now older than AXES_COOLOFF_TIME.
    AccessAttempt.objects.filter(username="alice").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert login(client, STRONG_PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_still_locked_just_before_the_cool_off_ends(client, alice, settings):
    fail_until_locked(client, settings)
    AccessAttempt.objects.filter(username="alice").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30)
    )
    assert login(client, STRONG_PASSWORD).status_code == 429


def test_staff_unlock_from_the_admin(client, alice, admin_client, settings):
    fail_until_locked(client, settings)
    attempt = AccessAttempt.objects.get(username="alice")

    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "alice" in html
    assert "Locked Out" in html
    assert "Unlock: clear the failed attempts" in html

    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "Unlocked 1 login record (alice). They can log in again now." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert login(client, STRONG_PASSWORD).status_code == 302


def test_unlock_needs_the_delete_permission(client, alice, settings):
    fail_until_locked(client, settings)
    viewer = with_password(UserFactory(username="viewer"))
    viewer.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    viewer_client = Client()
    viewer_client.force_login(viewer)
    attempt = AccessAttempt.objects.get(username="alice")
    html = viewer_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Unlock: clear the failed attempts" not in html
    viewer_client.post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "unlock", "_selected_action": [attempt.pk]}
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.parametrize("name", ["accessattempt", "accesslog", "accessfailurelog"])
def test_axes_admin_pages_use_unfold(admin_client, name):
    model = apps.get_model("axes", name)
    assert isinstance(admin.site._registry[model], ModelAdmin)
    assert admin_client.get(reverse(f"admin:axes_{name}_changelist")).status_code == 200


def token_url():
    return reverse("api:token_obtain_pair")


def test_jwt_token_endpoint_locks_out_with_a_json_error(client, alice, settings):
    url = token_url()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "alice", "password": WRONG}, content_type="application/json")
        assert response.status_code == 401
    locked = client.post(url, {"username": "alice", "password": WRONG}, content_type="application/json")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked["Retry-After"] == "900"
    body = locked.json()
    assert body["status"] == 429
    assert body["code"] == "locked_out"
    assert body["detail"].startswith(LOCKED_TEXT)
    assert body["errors"] == {}
    right = client.post(url, {"username": "alice", "password": STRONG_PASSWORD}, content_type="application/json")
    assert right.status_code == 429
    assert "access" not in right.json()


def test_jwt_failures_and_admin_failures_count_together(client, alice, settings):
    url = token_url()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, WRONG)
    locked = client.post(url, {"username": "alice", "password": WRONG}, content_type="application/json")
    assert locked.status_code == 429
    assert login(client, STRONG_PASSWORD).status_code == 429


def test_null_character_in_the_username_is_a_form_error_not_a_500(client):
    # PostgreSQL refuses NUL in text: it must be stopped before axes records the attempt.
    response = login(client, WRONG, username="ali\x00ce")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_null_character_on_the_token_endpoint_is_a_400(client):
    url = token_url()
    response = client.post(url, {"username": "ali\x00ce", "password": WRONG}, content_type="application/json")
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()
