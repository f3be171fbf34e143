"""CSRF on admin POSTs, and the security headers on admin and API responses."""

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import engines
from django.test import Client
from django.urls import reverse

from backoffice.tests.security.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def assert_security_headers(response):
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_admin_login_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "alice", "password": STRONG_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_admin_change_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    alice.is_superuser = True
    alice.save(update_fields=["is_superuser"])
    response = client.post(reverse("admin:auth_group_add"), {"name": "Intruders"})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Intruders").exists()


def test_admin_post_with_the_csrf_token_passes(alice):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("admin:login"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": STRONG_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_csrf_cookie_is_http_only(client):
    response = client.get(reverse("admin:login"))
    assert response.cookies["csrftoken"]["httponly"] is True
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_admin_pages_carry_the_security_headers(admin_client):
    for url in (reverse("admin:login"), reverse("admin:index"), reverse("admin:auth_user_changelist")):
        assert_security_headers(admin_client.get(url))
    assert_security_headers(Client().get(reverse("admin_password_reset")))


def test_script_nonce_reaches_header_and_template_when_used(rf):
    """A template that asks for {{ csp_nonce }} gets the same nonce the header allows."""
    template = engines["django"].from_string("<script nonce='{{ csp_nonce }}'></script>")

    def view(request):
        return HttpResponse(template.render({}, request))

    request = rf.get("/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = response.content.decode().split("'")[1]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def api_root():
    return reverse("api:api-root")


def test_api_responses_carry_the_security_headers(alice):
    url = api_root()
    anonymous = Client().get(url)
    assert anonymous.status_code == 401
    assert_security_headers(anonymous)
    client = Client()
    client.force_login(alice)
    assert_security_headers(client.get(url, HTTP_ACCEPT="application/json"))


def test_production_headers(alice, settings):
    """With the production values (DJANGO_DEBUG=0): HTTPS redirect, HSTS, secure cookies."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    plain = client.get(reverse("admin:login"))
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/admin/login/"

    secure = client.get(reverse("admin:login"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert secure.cookies["csrftoken"]["secure"] is True
    login = client.post(reverse("admin:login"), {"username": "alice", "password": STRONG_PASSWORD}, secure=True)
    assert login.cookies["sessionid"]["secure"] is True
    assert login.cookies["sessionid"]["httponly"] is True
