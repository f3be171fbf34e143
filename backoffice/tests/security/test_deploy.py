"""Production settings: `manage.py check --deploy` is clean, and the settings read the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import environ
import pytest

from backoffice.security.mail import mailer_from_email_config

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_TESTING": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "DJANGO_BEHIND_PROXY": "1",
    "EMAIL_URL": "smtp+tls://mailer%40shop.example.com:s3cret@smtp.example.com:587",
}


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/deploy-check.sqlite3"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**env):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in ("
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'CSRF_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', 'SECURE_PROXY_SSL_HEADER', 'ALLOWED_HOSTS', 'MAILERS', "
        "'SESSION_COOKIE_AGE', 'AXES_FAILURE_LIMIT', 'SECURE_CSP_REPORT_ONLY')}, default=str))"
    )
    result = run_manage("shell", "-c", code, **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # manage.py in a subprocess
def test_deploy_check_passes_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow  # manage.py in a subprocess
def test_deploy_check_fails_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.slow  # manage.py in a subprocess
def test_deploy_check_wants_real_mail_in_production():
    """Without EMAIL_URL the console backend stays, and Django 6.1's deploy check refuses it:
    password reset emails would never leave the server."""
    result = run_manage("check", "--deploy", **{**PRODUCTION_ENV, "EMAIL_URL": ""})
    assert result.returncode != 0
    assert "(mail.E001)" in result.stderr


@pytest.mark.slow  # manage.py in a subprocess
def test_production_settings_values():
    values = production_settings(DJANGO_SESSION_IDLE_SECONDS="600", DJANGO_AXES_FAILURE_LIMIT="3")
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ALLOWED_HOSTS"] == ["shop.example.com"]
    assert values["SESSION_COOKIE_AGE"] == 600
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["SECURE_CSP_REPORT_ONLY"] == {}
    assert values["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.com",
            "port": 587,
            "username": "mailer@shop.example.com",
            "password": "s3cret",
            "use_tls": True,
            "timeout": 10,
        },
    }


@pytest.mark.slow  # manage.py in a subprocess
def test_no_proxy_header_unless_behind_a_proxy():
    values = production_settings(DJANGO_BEHIND_PROXY="0")
    assert values["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.slow  # manage.py in a subprocess
def test_console_mail_without_email_url():
    values = production_settings(EMAIL_URL="")
    assert values["MAILERS"]["default"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+ssl://user:pw@mail.example.com:465",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "mail.example.com",
                    "port": 465,
                    "username": "user",
                    "password": "pw",
                    "use_ssl": True,
                    "timeout": 10,
                },
            },
        ),
        (
            "smtp://mail.example.com:25",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "mail.example.com", "port": 25, "timeout": 10},
            },
        ),
        ("consolemail://", {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "filemail:///var/mail/outbox",
            {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": "/var/mail/outbox"},
            },
        ),
    ],
)
def test_mailer_from_email_url(url, expected):
    assert mailer_from_email_config(environ.Env.email_url_config(url)) == expected
