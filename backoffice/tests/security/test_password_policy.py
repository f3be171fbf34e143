"""A weak password is refused everywhere a password is set."""

import io
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from backoffice.tests.security.conftest import STRONG_PASSWORD, WEAK_PASSWORD, WEAK_PASSWORD_MESSAGES

User = get_user_model()
pytestmark = pytest.mark.django_db


def assert_refused_with_policy(html):
    for message in WEAK_PASSWORD_MESSAGES:
        assert message in html


def test_admin_add_user_refuses_a_weak_password(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "weakling", "usable_password": "true", "password1": WEAK_PASSWORD, "password2": WEAK_PASSWORD},
    )
    assert response.status_code == 200
    assert_refused_with_policy(response.content.decode())
    assert not User.objects.filter(username="weakling").exists()


def test_admin_add_user_accepts_a_strong_password(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "strong", "usable_password": "true", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="strong").check_password(STRONG_PASSWORD)


def test_admin_change_password_refuses_a_weak_password(admin_client, alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = admin_client.post(url, {"password1": WEAK_PASSWORD, "password2": WEAK_PASSWORD})
    assert response.status_code == 200
    assert_refused_with_policy(response.content.decode())
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)


def test_own_password_change_refuses_a_weak_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": STRONG_PASSWORD, "new_password1": WEAK_PASSWORD, "new_password2": WEAK_PASSWORD},
    )
    assert response.status_code == 200
    assert_refused_with_policy(response.content.decode())
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)


def test_createsuperuser_noinput_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", WEAK_PASSWORD)
    with pytest.raises(CommandError) as refused:
        call_command(
            "createsuperuser", interactive=False, username="root2", email="root2@shop.test", stdout=io.StringIO()
        )
    for message in WEAK_PASSWORD_MESSAGES:
        assert message in str(refused.value)
    assert not User.objects.filter(username="root2").exists()


def test_createsuperuser_noinput_accepts_a_strong_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG_PASSWORD)
    call_command("createsuperuser", interactive=False, username="root2", email="root2@shop.test", stdout=io.StringIO())
    assert User.objects.get(username="root2", is_superuser=True).check_password(STRONG_PASSWORD)


def test_createsuperuser_interactive_refuses_a_weak_password_without_bypass():
    """The weak password is refused and the bypass question answered "no"; the strong one is taken."""
    passwords = iter([WEAK_PASSWORD, WEAK_PASSWORD, STRONG_PASSWORD, STRONG_PASSWORD])
    prompts = []

    def answer(prompt=""):
        prompts.append(prompt)
        raise AssertionError(f"unexpected prompt {prompt!r}")

    stderr = io.StringIO()
    with (
        mock.patch("getpass.getpass", side_effect=lambda prompt="": next(passwords)),
        mock.patch("builtins.input", side_effect=answer),
    ):
        call_command(
            "createsuperuser",
            interactive=True,
            username="root3",
            email="root3@shop.test",
            stdin=mock.MagicMock(isatty=lambda: True),
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert prompts == []  # the bypass question never reached the user
    errors = stderr.getvalue()
    for message in WEAK_PASSWORD_MESSAGES:
        assert message in errors
    assert "The password policy cannot be bypassed. Choose another password." in errors
    assert User.objects.get(username="root3").check_password(STRONG_PASSWORD)


def test_changepassword_refuses_a_weak_password(alice):
    with (
        mock.patch("getpass.getpass", return_value=WEAK_PASSWORD),
        pytest.raises(CommandError, match="Aborting password change for user 'alice' after 3 attempts"),
    ):
        call_command("changepassword", "alice", stdout=io.StringIO())
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)
