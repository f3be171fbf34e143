"""Glue so that axes also answers for logins made through Django REST framework.

simplejwt's token view authenticates with DRF's ``Request`` wrapper, so axes marks the
wrapper as locked out while ``AxesMiddleware`` only looks at the Django ``HttpRequest``
underneath. Copying the marks down lets the middleware answer with the lockout response.
"""

from axes.signals import user_locked_out
from django.dispatch import receiver


@receiver(user_locked_out, dispatch_uid="backoffice.security.flag_wrapped_request")
def flag_wrapped_request(sender, request=None, **kwargs):
    inner = getattr(request, "_request", None)
    if inner is None or inner is request:
        return
    inner.axes_locked_out = True
    inner.axes_credentials = getattr(request, "axes_credentials", None)
