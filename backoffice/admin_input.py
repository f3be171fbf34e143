"""Keys and filter values the database cannot take never reach an admin view.

Every admin page (Django's, Unfold's detail actions, simple-history's history pages, any admin
registered later) goes through ``AdminInputMiddleware``:

- an object key that is no valid primary key of the model (``abc`` for an integer key, a number
  past the column's range, a NUL byte, ``25/change``) gets Django's own answer for a missing
  object: a redirect to the admin index with "... doesn't exist. Perhaps it was deleted?";
- a changelist parameter that filters on a model field with a value that field cannot hold
  (``?category__id__exact=99999999999999999999``, ``?status__exact=%00``), or a NUL byte in any
  parameter, gets Django's answer for wrong lookup parameters: the plain list with ``?e=1``.

Without it such values reach the SQL: PostgreSQL refuses NUL bytes, SQLite integers past 64 bits,
and the custom views query ``pk=object_id`` before Django's own checks run.
"""

import inspect

from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ForeignObjectRel
from django.http import HttpResponseRedirect

# Parameters a changelist reads that are not lookups on the model.
NOT_LOOKUPS = frozenset(IGNORED_PARAMS) | {PAGE_VAR, SEARCH_VAR, ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR}
LIST_LOOKUPS = ("in", "range")  # the value is a comma-separated list


def holds(field, value):
    """Whether ``value`` (text from a URL) is a value the model field's column can hold."""
    if "\x00" in value:
        return False
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


def lookup_field(model, parameter):
    """``category__id__exact`` -> (the field ``Category.id``, ``"exact"``); (None, None) if no field."""
    field, lookup = None, None
    parts = parameter.split("__")
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            if field is None:
                return None, None
            lookup = "__".join(parts[index:])
            break
        if isinstance(field, ForeignObjectRel):
            field = field.remote_field.model._meta.pk if index == len(parts) - 1 else field
            model = field.related_model if field.is_relation else model
        elif field.is_relation:
            if index == len(parts) - 1:
                field = field.target_field
            else:
                model = field.related_model
    return field, lookup


def valid_filter(model, parameter, value):
    field, lookup = lookup_field(model, parameter)
    if field is None or field.is_relation:
        return True  # a list filter's own parameter (``availability=low``): the filter checks it
    if lookup == "isnull":
        return True
    values = value.split(",") if lookup in LIST_LOOKUPS else [value]
    if lookup in {"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "iexact"}:
        return True  # text lookups take any text but NUL, which is refused before
    return all(holds(field, item) for item in values)


def model_admin_of(view_func):
    admin = getattr(view_func, "model_admin", None)
    if admin is None:
        admin = getattr(inspect.unwrap(view_func), "__self__", None)
    return admin if isinstance(admin, ModelAdmin) else None


class AdminInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        model_admin = model_admin_of(view_func)
        if model_admin is None or not model_admin.admin_site.has_permission(request):
            return None  # not an admin view, or the login page is the answer
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied  # as Django's views answer, before telling whether a key exists
        key = view_kwargs.get("object_id", view_args[0] if view_args else None)
        if key is not None and not holds(model_admin.model._meta.pk, unquote(key)):
            return model_admin._get_obj_does_not_exist_redirect(request, model_admin.model._meta, key)
        if (
            match.url_name
            and match.url_name.endswith("_changelist")
            and not self._valid_list_query(request, model_admin)
        ):
            if ERROR_FLAG in request.GET:
                return None  # Django's own error page for a list that fails twice
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None

    def _valid_list_query(self, request, model_admin):
        for parameter, values in request.GET.lists():
            if "\x00" in parameter or any("\x00" in value for value in values):
                return False
            if parameter in NOT_LOOKUPS:
                continue
            if not all(valid_filter(model_admin.model, parameter, value) for value in values):
                return False
        return True
