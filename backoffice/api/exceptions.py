"""One error shape for every failed API request, and no 500 for input the client got wrong.

Every error body is::

    {"status": 400, "code": "invalid", "detail": "One or more fields are invalid.",
     "errors": {"sku": ["Enter a SKU ..."], "lines.0.quantity": ["Ensure ..."]}}

``errors`` maps a field (nested fields joined with dots, list items by index) to its messages;
errors not tied to a field are under ``non_field_errors``; it is empty for 401/403/404/429.

Status codes for refusals of the services (``backoffice.errors.ServiceError``): 409 Conflict
when the request is well formed but the current state refuses it (not enough stock, a status
change the lifecycle does not allow, a row still referenced); 400 for everything else.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from backoffice.errors import ServiceError

CONFLICT_CODES = frozenset({"insufficient_stock", "invalid_transition", "protected", "conflict"})

INVALID_FIELDS = _("One or more fields are invalid.")
STILL_REFERENCED = _("This row is still referenced by others and cannot be deleted.")
DATABASE_REFUSED = _("The database refused a value of this request (out of range or malformed).")
BODY_TOO_LARGE = _("The request body is larger than %(limit)s MB, the most the API reads. Send fewer rows at a time.")
CONFLICTING_WRITE = _("The change conflicts with the current data (for example a duplicate value). Reload and retry.")


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return _service_error_response(exc)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        detail = BODY_TOO_LARGE % {"limit": f"{limit:g}"}
        return _error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", detail, {})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError | RestrictedError):
        return _error_response(status.HTTP_409_CONFLICT, "protected", STILL_REFERENCED, {})
    if isinstance(exc, IntegrityError):
        return _error_response(status.HTTP_409_CONFLICT, "conflict", CONFLICTING_WRITE, {})
    if isinstance(exc, DataError):
        return _error_response(status.HTTP_400_BAD_REQUEST, "invalid_data", DATABASE_REFUSED, {})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        response.data = error_body(response.status_code, "invalid", _first_message(errors) or INVALID_FIELDS, errors)
    else:
        code, detail = _code_and_detail(exc)
        response.data = error_body(response.status_code, code, detail, {})
    return response


def error_body(status_code, code, detail, errors):
    return {"status": status_code, "code": str(code), "detail": str(detail), "errors": errors}


def flatten_errors(detail, prefix=""):
    """``{"lines": [{}, {"sku": ["x"]}]}`` -> ``{"lines.1.sku": ["x"]}``; always ``{field: [message]}``."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            # A nested object's own errors belong to the object: "lines.0", not "lines.0.non_field_errors".
            name = (
                prefix
                if prefix and key == api_settings.NON_FIELD_ERRORS_KEY
                else f"{prefix}.{key}"
                if prefix
                else str(key)
            )
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                flat.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(item))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in messages]}


def _first_message(errors):
    if len(errors) == 1:
        ((field, messages),) = errors.items()
        if field == api_settings.NON_FIELD_ERRORS_KEY and len(messages) == 1:
            return messages[0]
    return None


def _code_and_detail(exc):
    detail = exc.detail
    if isinstance(detail, dict):
        # simplejwt's token errors: {"detail": ..., "code": ..., "messages": [...]}
        return detail.get("code", exc.default_code), detail.get("detail", exc.default_detail)
    if isinstance(detail, list):
        return exc.default_code, " ".join(str(item) for item in detail)
    return getattr(detail, "code", None) or exc.default_code, detail


def _service_error_response(exc):
    status_code = status.HTTP_409_CONFLICT if exc.code in CONFLICT_CODES else status.HTTP_400_BAD_REQUEST
    field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
    return _error_response(status_code, exc.code, exc.message, {field: [exc.message]})


def _error_response(status_code, code, detail, errors):
    set_rollback()
    return Response(error_body(status_code, code, detail, errors), status=status_code)
