"""How API requests sign in: revocable JWTs for people, API keys for machines.

``Authorization: Bearer <access token>`` (``RevocableJWTAuthentication``) or
``Authorization: Api-Key bok_<prefix>_<secret>`` (``ApiKeyAuthentication``).
"""

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication

from backoffice.security.models import ApiKey, ApiKeyUser
from backoffice.security.tokens import user_for_token

API_KEY_KEYWORD = "Api-Key"
KEY_PREFIX = "bok"
# last_used_at is written at most this often per key, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)
INVALID_KEY = _("This API key is not valid or was revoked. Ask an administrator for a new key.")


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def split_key(raw):
    """``bok_<prefix>_<secret>`` -> the prefix, or None for anything else."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class RevocableJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer tokens, refused once their ``tv`` fingerprint is out of date."""

    def get_user(self, validated_token):
        return user_for_token(validated_token)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A request signed with an API key acts as the key's account, cut to the key's capabilities."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != API_KEY_KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID_KEY, code="invalid_api_key")
        raw = header[1]
        prefix = split_key(raw)
        key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first() if prefix else None
        if key is None or not constant_time_compare(key.key_hash, hash_key(raw)):
            raise exceptions.AuthenticationFailed(INVALID_KEY, code="invalid_api_key")
        user = ApiKeyUser.objects.filter(pk=key.user_id, is_active=True).first()
        if user is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY, code="invalid_api_key")
        user.api_key = key
        self._touch(key)
        return user, key

    def authenticate_header(self, request):
        return API_KEY_KEYWORD

    @staticmethod
    def _touch(key):
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now


class RevocableJWTScheme(OpenApiAuthenticationExtension):
    target_class = "backoffice.security.authentication.RevocableJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "backoffice.security.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key bok_<prefix>_<secret>`",
        }
