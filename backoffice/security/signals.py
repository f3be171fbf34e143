"""Glue: axes for logins through Django REST framework, and token revocation on account changes.

simplejwt's token view authenticates with DRF's ``Request`` wrapper, so axes marks the
wrapper as locked out while ``AxesMiddleware`` only looks at the Django ``HttpRequest``
underneath. Copying the marks down lets the middleware answer with the lockout response.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from backoffice.security.tokens import blacklist_outstanding, revoke_all_tokens


@receiver(user_locked_out, dispatch_uid="backoffice.security.flag_wrapped_request")
def flag_wrapped_request(sender, request=None, **kwargs):
    inner = getattr(request, "_request", None)
    if inner is None or inner is request:
        return
    inner.axes_locked_out = True
    inner.axes_credentials = getattr(request, "axes_credentials", None)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="backoffice.security.revoke_tokens")
def revoke_tokens_on_account_change(sender, instance, created, raw=False, **kwargs):
    """A password change blacklists the user's refresh tokens; a deactivation revokes all tokens.

    Access tokens fail anyway (their fingerprint covers the password hash, and inactive users are
    refused); blacklisting shows the revocation in the token admin. ``_password`` is set by
    ``set_password()`` until the save that stores it has finished (``AbstractBaseUser.save``).
    """
    if created or raw:
        return
    if not instance.is_active:
        revoke_all_tokens(user=instance)
    elif getattr(instance, "_password", None) is not None:
        blacklist_outstanding(instance)
