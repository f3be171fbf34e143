from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.validators import validate_avatar, validate_time_zone


class TimeStampedModel(models.Model):
    """When a row was created and last changed; every shop model carries both."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


def avatar_path(profile, filename):
    # The user's id, never the uploaded name's directories; the extension is the checked type's.
    from pathlib import PurePath

    return f"avatars/{profile.user_id}/{PurePath(filename).name}"


def default_time_zone():
    return settings.TIME_ZONE


class Profile(TimeStampedModel):
    """One per User, made by ``backoffice.accounts.signals`` on user creation: who a staff member is.

    Staff are users with a profile, not customers; a shopper's customer record is ``orders.Customer``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    avatar = models.ImageField(
        _("avatar"),
        upload_to=avatar_path,
        blank=True,
        validators=[validate_avatar],
        help_text=_("JPEG, PNG or WebP, at most 2 MB and 4096 pixels a side."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    notify_new_orders = models.BooleanField(_("new orders"), default=False)
    notify_low_stock = models.BooleanField(_("low stock"), default=True)
    notify_jobs_finished = models.BooleanField(
        _("my imports and exports finished"), default=True, help_text=_("Imports, exports and reports I started.")
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.name

    @property
    def name(self):
        """What the back office calls the user: the display name, else the full name, else the username."""
        user = self.user
        return self.display_name or user.get_full_name() or user.get_username()
