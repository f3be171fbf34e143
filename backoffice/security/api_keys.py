"""Creating and revoking API keys: the only write path for them (admin and tests call these)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.errors import ServiceError
from backoffice.security.authentication import KEY_PREFIX, hash_key
from backoffice.security.capabilities import CAPABILITIES
from backoffice.security.models import ApiKey

UNKNOWN_SCOPE = _("Unknown capability %(scopes)s. Choose from: %(allowed)s.")
NO_SCOPE = _("Give the key at least one capability.")


@transaction.atomic
def create_api_key(*, name, user, scopes, by):
    """A new key for ``user`` with ``scopes``; returns ``(key, raw)``. ``raw`` is shown once, never stored."""
    unknown = sorted(set(scopes) - set(CAPABILITIES))
    if unknown:
        raise ServiceError(
            UNKNOWN_SCOPE,
            code="unknown_scope",
            params={"scopes": ", ".join(unknown), "allowed": ", ".join(CAPABILITIES)},
            field="scopes",
        )
    if not scopes:
        raise ServiceError(NO_SCOPE, code="no_scope", field="scopes")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(30)}"
    key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=hash_key(raw),
        user=user,
        scopes=[scope for scope in CAPABILITIES if scope in scopes],
        created_by=by if getattr(by, "pk", None) else None,
    )
    return key, raw


@transaction.atomic
def revoke_api_keys(*, keys, by):
    """Revoke the keys not yet revoked; they fail from the next request on. Returns how many."""
    ids = [key.pk for key in keys]
    return ApiKey.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=timezone.now())
