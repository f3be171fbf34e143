"""JWTs with claims other systems can read, and their revocation.

An access token carries ``username``, ``roles`` (group names), ``capabilities``
(``backoffice.security.capabilities``) and ``tv``, a fingerprint of the user's password hash and
token version. ``RevocableJWTAuthentication`` and the refresh endpoint compare ``tv`` with the
user's current one on every request, so a password change, a deactivation or "log out
everywhere" (``revoke_all_tokens``) makes every token issued before it fail at once.

Refresh tokens rotate: each use blacklists the token and returns a new pair; a refresh token used
twice is refused (the second use loses even when both arrive at the same moment).
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from backoffice.security.capabilities import capabilities_of
from backoffice.security.models import TokenVersion

logger = logging.getLogger(__name__)

FINGERPRINT_CLAIM = "tv"
FINGERPRINT_SALT = "backoffice.security.tokens.fingerprint"
TOKEN_REVOKED = _(
    "This token was revoked (password changed, account deactivated or signed out everywhere). Sign in again."
)
REFRESH_USED = _("This refresh token was already used. Use the newest refresh token, or sign in again.")


def token_version(user):
    """The user's token version; 0 without a row. Reads ``user.token_version`` (select it related)."""
    try:
        return user.token_version.version
    except TokenVersion.DoesNotExist:
        return 0


def token_fingerprint(user):
    """Changes when the password or the token version changes; the password hash itself stays secret."""
    value = f"{user.password}:{token_version(user)}"
    return salted_hmac(FINGERPRINT_SALT, value, algorithm="sha256").hexdigest()[:24]


def fingerprint_matches(token, user):
    return constant_time_compare(str(token.get(FINGERPRINT_CLAIM, "")), token_fingerprint(user))


class ShopRefreshToken(RefreshToken):
    """A refresh token (recorded as outstanding) with the claims; its access tokens copy them."""

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token["username"] = user.get_username()
        token["roles"] = sorted(user.groups.values_list("name", flat=True))
        token["capabilities"] = capabilities_of(user)
        token[FINGERPRINT_CLAIM] = token_fingerprint(user)
        return token


def user_for_token(token):
    """The token's user if the token is still good for them, else ``AuthenticationFailed``."""
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = (
        get_user_model().objects.select_related("token_version").filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    )
    if user is None or not user.is_active or not fingerprint_matches(token, user):
        raise AuthenticationFailed(TOKEN_REVOKED, code="token_revoked")
    return user


class TokenObtainSerializer(jwt_serializers.TokenObtainPairSerializer):
    """``{username, password}`` -> ``{access, refresh}`` with the claims."""

    token_class = ShopRefreshToken
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class TokenRefreshSerializer(serializers.Serializer):
    """``{refresh}`` -> a new ``{access, refresh}``; the refresh token sent is blacklisted.

    The claims are read again from the user, so a role given or taken shows in the next access token.
    """

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        old = RefreshToken(attrs["refresh"])  # signature, expiry, blacklist
        user = user_for_token(old)
        with transaction.atomic():
            outstanding, _created = OutstandingToken.objects.get_or_create(
                jti=old[api_settings.JTI_CLAIM],
                defaults={"user": user, "token": "", "expires_at": _expiry(old)},
            )
            _blacklisted, created = BlacklistedToken.objects.get_or_create(token=outstanding)
        if not created:
            raise AuthenticationFailed(REFRESH_USED, code="token_not_valid")
        new = ShopRefreshToken.for_user(user)
        return {"access": str(new.access_token), "refresh": str(new)}


def _expiry(token):
    return datetime_from_epoch(token["exp"])


def blacklist(tokens):
    """Blacklist the outstanding tokens (a list or queryset) not blacklisted yet; return how many."""
    pending = list(OutstandingToken.objects.filter(pk__in=[t.pk for t in tokens], blacklistedtoken__isnull=True))
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in pending], ignore_conflicts=True)
    return len(pending)


def blacklist_outstanding(user):
    """Blacklist every refresh token of ``user`` not yet blacklisted or expired; return how many."""
    return blacklist(OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()))


@transaction.atomic
def revoke_all_tokens(*, user, by=None):
    """Log ``user`` out everywhere: refresh tokens blacklisted, access tokens fail from now on.

    Returns the number of refresh tokens blacklisted.
    """
    state, _created = TokenVersion.objects.select_for_update().get_or_create(user=user)
    state.version += 1
    state.revoked_at = timezone.now()
    state.save(update_fields=["version", "revoked_at"])
    count = blacklist_outstanding(user)
    logger.info("Tokens of %s revoked by %s (%d refresh tokens)", user.get_username(), by or user, count)
    return count
