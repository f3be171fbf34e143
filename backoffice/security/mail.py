"""Turn django-environ's parsed EMAIL_URL into one Django 6.1 ``MAILERS`` entry.

Imported by settings.py, so nothing here may touch Django's settings or app registry.
"""

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# A stuck SMTP server must not hang a password-reset request for good.
SMTP_TIMEOUT_SECONDS = 10

_SMTP_OPTIONS = (
    ("EMAIL_HOST", "host"),
    ("EMAIL_PORT", "port"),
    ("EMAIL_HOST_USER", "username"),
    ("EMAIL_HOST_PASSWORD", "password"),
    ("EMAIL_USE_TLS", "use_tls"),
    ("EMAIL_USE_SSL", "use_ssl"),
)


def mailer_from_email_config(config):
    """``env.email_url("EMAIL_URL")`` -> ``{"BACKEND": ..., "OPTIONS": {...}}``.

    SMTP URLs carry host, port, credentials and TLS/SSL; ``filemail:///path`` carries a
    directory; the other schemes (console, memory, dummy) need only their backend.
    """
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend == SMTP_BACKEND:
        options = {option: config[key] for key, option in _SMTP_OPTIONS if config.get(key) not in (None, "")}
        options.setdefault("timeout", SMTP_TIMEOUT_SECONDS)
    elif backend == FILE_BACKEND and config.get("EMAIL_FILE_PATH"):
        options = {"file_path": "/" + config["EMAIL_FILE_PATH"]}
    mailer = {"BACKEND": backend}
    if options:
        mailer["OPTIONS"] = options
    return mailer
