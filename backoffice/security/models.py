"""Per-user token version (revokes JWTs) and API keys for machines."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.security.capabilities import permissions_of


class TokenVersion(models.Model):
    """Bumped by "log out everywhere" and deactivation; every JWT carries a fingerprint of it.

    No row means version 0. The fingerprint also covers the password hash, so a password change
    (any path: admin, reset, ``changepassword``) makes the user's tokens fail without a row here.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="token_version")  # fmt: skip
    version = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token version")

    def __str__(self):
        return f"{self.user_id}: {self.version}"


class ApiKey(models.Model):
    """A long-lived key for one integration. Only the SHA-256 of the key is stored.

    The key is ``bok_<prefix>_<secret>``: the prefix finds the row, the hash proves the secret
    (the secret has 240 random bits, so a fast hash is as good as a slow one here).
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("The integration that uses the key."))
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("acts as"),
        help_text=_("The account the integration acts as: history records it; the key never does more than it may."),
    )
    scopes = models.JSONField(_("capabilities"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} (bok_{self.prefix}_…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def permissions(self):
        return permissions_of(self.scopes)


class ApiKeyUser(User):
    """The key's account as seen by a request made with the key: its permissions cut to the key's scopes.

    A proxy, so history and ``created_by`` store the real account.
    """

    class Meta:
        proxy = True
        default_permissions = ()

    api_key = None

    def has_perm(self, perm, obj=None):
        return self.api_key is not None and perm in self.api_key.permissions() and super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        scoped = self.api_key is not None and any(p.startswith(f"{app_label}.") for p in self.api_key.permissions())
        return scoped and super().has_module_perms(app_label)
