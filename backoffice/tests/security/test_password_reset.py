"""Password reset end to end: the admin login links to it, the email's link sets a new password."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from backoffice.tests.security.conftest import (
    NEW_STRONG_PASSWORD,
    STRONG_PASSWORD,
    WEAK_PASSWORD,
    WEAK_PASSWORD_MESSAGES,
)

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/admin/password-reset/[^/\s]+/[^/\s]+/)")


def request_reset_link(client, email):
    response = client.post(reverse("admin_password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    return response


def emailed_link(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_admin_login_links_to_password_reset(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert f'href="{reverse("admin_password_reset")}"' in html


def test_reset_pages_use_the_admin_look(client):
    html = client.get(reverse("admin_password_reset")).content.decode()
    assert "Reset your password | Shop back office" in html
    assert "unfold/css/styles.css" in html
    assert 'name="email"' in html


def test_reset_flow_end_to_end(client, alice):
    request_reset_link(client, "alice@shop.test")
    done = client.get(reverse("password_reset_done"))
    assert "an email with a link to choose a new password is on its way" in done.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@shop.test"]
    assert message.subject == "Reset your password for testserver"
    assert 'your account "alice"' in message.body

    link = emailed_link(message)
    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")
    assert 'name="new_password1"' in form_page.content.decode()

    done = client.post(set_password_url, {"new_password1": NEW_STRONG_PASSWORD, "new_password2": NEW_STRONG_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert "Your password has been changed" in client.get(done.url).content.decode()

    alice.refresh_from_db()
    assert alice.check_password(NEW_STRONG_PASSWORD)
    login = client.post(reverse("admin:login"), {"username": "alice", "password": NEW_STRONG_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200

    # The link works once.
    used = client.get(link, follow=True)
    assert "This reset link is no longer valid" in used.content.decode()


def test_reset_refuses_a_weak_password(client, alice):
    request_reset_link(client, "alice@shop.test")
    form_page = client.get(emailed_link(mail.outbox[0]), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": WEAK_PASSWORD, "new_password2": WEAK_PASSWORD})
    assert response.status_code == 200
    html = response.content.decode()
    for message in WEAK_PASSWORD_MESSAGES:
        assert message in html
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_email(client, alice):
    request_reset_link(client, "nobody@shop.test")
    assert mail.outbox == []


def test_inactive_user_gets_no_email(client, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    request_reset_link(client, "alice@shop.test")
    assert mail.outbox == []


def test_bad_token_shows_a_clear_message(client, alice):
    response = client.get("/admin/password-reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "This reset link is no longer valid" in response.content.decode()


def test_reset_lifts_a_lockout(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "alice", "password": "Wrong-guess-1!"})
    assert AccessAttempt.objects.filter(username="alice").exists()

    request_reset_link(client, "alice@shop.test")
    form_page = client.get(emailed_link(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_STRONG_PASSWORD, "new_password2": NEW_STRONG_PASSWORD}
    )
    assert not AccessAttempt.objects.filter(username="alice").exists()
    login = client.post(reverse("admin:login"), {"username": "alice", "password": NEW_STRONG_PASSWORD})
    assert login.status_code == 302
