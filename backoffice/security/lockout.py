"""What a locked-out client sees: an admin-styled page, or a JSON error on the API.

django-axes calls ``lockout_response`` (``AXES_LOCKOUT_CALLABLE``) once its middleware sees
that the current login attempt hit the failure limit or came from a locked-out client.
"""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

LOCKOUT_STATUS = 429
LOCKOUT_CODE = "locked_out"
LOCKOUT_TITLE = _("Too many failed login attempts")
API_PREFIX = "/api/"


def _cool_off_minutes(request):
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else None


def lockout_message(request, credentials=None):
    """One sentence that says what happened and what to do next."""
    limit = get_failure_limit(request, credentials)
    minutes = _cool_off_minutes(request)
    failures = ngettext(
        "This account is locked after %(limit)d failed login attempt from your address.",
        "This account is locked after %(limit)d failed login attempts from your address.",
        limit,
    ) % {"limit": limit}
    if minutes is None:
        return failures + " " + str(_("Ask an administrator to unlock it."))
    wait = ngettext(
        "Try again in %(minutes)d minute, or ask an administrator to unlock it.",
        "Try again in %(minutes)d minutes, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}
    return f"{failures} {wait}"


def _wants_json(request):
    return request.path.startswith(API_PREFIX) or "application/json" in request.headers.get("Accept", "")


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message(request, credentials)
    cool_off = get_cool_off(request)
    if _wants_json(request):
        response = JsonResponse(
            # The API's error shape (backoffice/api/exceptions.py); Retry-After carries the wait.
            {"status": LOCKOUT_STATUS, "code": LOCKOUT_CODE, "detail": message, "errors": {}},
            status=LOCKOUT_STATUS,
        )
    else:
        context = {
            **admin.site.each_context(request),
            "title": LOCKOUT_TITLE,
            "message": message,
        }
        response = TemplateResponse(request, "registration/locked_out.html", context, status=LOCKOUT_STATUS)
        response.render()
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
