"""Query-string handling shared by every list: unknown parameters and ordering fields are rejected.

Rejecting (400, naming the parameter and the accepted ones) rather than ignoring means a
typo such as ``?staus=draft`` never silently returns the whole list.
"""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter, SearchFilter

UNKNOWN_PARAMETER = _("Unknown query parameter. This list accepts: %(allowed)s.")
UNKNOWN_ORDERING = _("Cannot order by %(fields)s. Order by one or more of: %(allowed)s (prefix - for descending).")
EMPTY_ORDERING = _("Name at least one field to order by: %(allowed)s.")
DATE_OUT_OF_RANGE = _("Enter a date-time between the years 1 and 9999 in UTC.")
NUL_CHARACTER = _("Null characters are not allowed.")
ALWAYS_ALLOWED = {"format"}


class StrictQueryParams(BaseFilterBackend):
    """Refuses query parameters that no filter, search, ordering or pagination of the view reads."""

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_parameters(request, queryset, view)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = UNKNOWN_PARAMETER % {"allowed": ", ".join(sorted(allowed - ALWAYS_ALLOWED)) or "-"}
            raise ValidationError({name: [message] for name in unknown})
        with_nul = sorted({name for name, value in request.query_params.lists() if any("\x00" in v for v in value)})
        if with_nul:
            # PostgreSQL cannot compare text with NUL bytes; no real search needs one.
            raise ValidationError({name: [NUL_CHARACTER] for name in with_nul})
        return queryset

    def allowed_parameters(self, request, queryset, view):
        allowed = set(ALWAYS_ALLOWED)
        for backend in view.filter_backends:
            if issubclass(backend, DjangoFilterBackend):
                filterset_class = backend().get_filterset_class(view, queryset)
                if filterset_class is not None:
                    allowed |= set(filterset_class.base_filters)
            elif issubclass(backend, OrderingFilter):
                allowed.add(backend.ordering_param)
            elif issubclass(backend, SearchFilter | QuerySetSearchFilter):
                allowed.add(backend.search_param)
        paginator = getattr(view, "paginator", None)
        if paginator is not None and getattr(view, "action", None) == "list":
            for name in ("page_query_param", "page_size_query_param", "cursor_query_param"):
                if getattr(paginator, name, None):
                    allowed.add(getattr(paginator, name))
        return allowed


class StrictOrderingFilter(OrderingFilter):
    """``ordering`` with the view's whitelisted fields only; anything else is a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        valid = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
        allowed = ", ".join(valid)
        fields = [term.strip() for term in raw.split(",") if term.strip()]
        if not fields:
            raise ValidationError({self.ordering_param: [EMPTY_ORDERING % {"allowed": allowed}]})
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            message = UNKNOWN_ORDERING % {"fields": ", ".join(unknown), "allowed": allowed}
            raise ValidationError({self.ordering_param: [message]})
        return fields


class QuerySetSearchFilter(BaseFilterBackend):
    """``?search=`` through the model's own ``QuerySet.search(text)``, the admin's search too."""

    search_param = "search"
    search_description = _("Text to find in SKU, name or tag names.")

    def filter_queryset(self, request, queryset, view):
        text = request.query_params.get(self.search_param, "")
        if len(text) > 200:
            raise ValidationError({self.search_param: [_("Search for at most 200 characters.")]})
        return queryset.search(text) if text.strip() else queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(self.search_description),
                "schema": {"type": "string", "maxLength": 200},
            }
        ]


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time that also exists in UTC (``0001-01-01T00:00+14:00`` does not)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError as exc:
                raise forms.ValidationError(DATE_OUT_OF_RANGE, code="invalid") from exc
        return value


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class BooleanChoiceFilter(django_filters.ChoiceFilter):
    """``true`` / ``false`` only: an unreadable value is a 400, not a silently ignored filter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


FILTER_BACKENDS = [StrictQueryParams, DjangoFilterBackend, StrictOrderingFilter]
