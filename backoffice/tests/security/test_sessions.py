"""Sessions expire after the idle time, each request pushes the expiry, logout clears them."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from backoffice.tests.security.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client):
    response = client.post(reverse("admin:login"), {"username": "alice", "password": STRONG_PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def test_idle_time_from_the_environment_default(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_pushes_the_expiry(client, alice, settings):
    session = log_in(client)
    # Pretend the session was last used 20 minutes ago.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=10))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    expiry = Session.objects.get(pk=session.pk).expire_date
    remaining = (expiry - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE


def test_an_idle_session_is_over(client, alice):
    session = log_in(client)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_logout_clears_the_session(client, alice):
    session = log_in(client)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "You have been successfully logged out" in response.content.decode()
    assert not Session.objects.filter(pk=session.pk).exists()
    assert response.cookies["sessionid"].value == ""
    assert client.get(reverse("admin:index")).status_code == 302


def test_session_cookie_flags(client, alice):
    log_in(client)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
