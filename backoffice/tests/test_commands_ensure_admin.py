"""``manage.py ensure_admin``: a superuser `admin`, never with a known password, never reset."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "Kettle-harbour-42!"


def ensure_admin():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_creates_admin_with_the_password_from_the_environment(settings):
    settings.BOOTSTRAP_ADMIN_PASSWORD = STRONG
    output = ensure_admin()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.check_password(STRONG)
    assert output.strip() == "Superuser 'admin' created with the password from DJANGO_ADMIN_PASSWORD."
    assert STRONG not in output


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1!", "This password is too short. It must contain at least 12 characters."),
        ("longbutnodigits!", "This password must contain a digit."),
        ("longwithdigit123", "This password must contain a special character such as ! ? # or %."),
    ],
)
def test_a_weak_environment_password_is_refused_and_no_user_created(settings, password, problem):
    settings.BOOTSTRAP_ADMIN_PASSWORD = password
    with pytest.raises(CommandError) as refused:
        ensure_admin()
    assert str(refused.value).startswith("DJANGO_ADMIN_PASSWORD is too weak, so no user was created:")
    assert f"  - {problem}" in str(refused.value)
    assert not User.objects.filter(username="admin").exists()


def test_without_a_password_one_is_generated_printed_once_and_works(settings, client):
    settings.BOOTSTRAP_ADMIN_PASSWORD = ""
    output = ensure_admin()
    match = re.search(r"Password \(shown only this once\):\s+(\S+)", output)
    assert match, output
    password = match.group(1)
    assert len(password) == 20
    assert output.count(password) == 1
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert client.login(username="admin", password=password)


def test_a_second_run_keeps_the_existing_password(settings):
    settings.BOOTSTRAP_ADMIN_PASSWORD = STRONG
    ensure_admin()
    settings.BOOTSTRAP_ADMIN_PASSWORD = "Another-strong-pass-77!"
    output = ensure_admin()
    assert output.strip() == "User 'admin' already exists; nothing changed (its password is never reset here)."
    assert User.objects.filter(username="admin").count() == 1
    assert User.objects.get(username="admin").check_password(STRONG)


def test_an_existing_non_superuser_admin_is_left_alone_with_a_warning(settings):
    User.objects.create_user(username="admin", password=STRONG)
    settings.BOOTSTRAP_ADMIN_PASSWORD = "Another-strong-pass-77!"
    output = ensure_admin()
    assert "already exists; nothing changed" in output
    assert "'admin' is not a superuser" in output
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.check_password(STRONG)
