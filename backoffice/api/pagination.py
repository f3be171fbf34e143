"""Page-number pagination for most lists, cursor pagination for orders (stable while orders arrive).

A page size that is not a whole number between 1 and ``max_page_size`` is refused with 400
instead of being clamped silently; so is a page number or cursor that cannot be read.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

PAGE_SIZE_INVALID = _("Enter a whole number from 1 to %(max)d.")
PAGE_INVALID = _("Enter a page number of 1 or more.")
CURSOR_INVALID = _("This cursor is not valid. Use the next or previous link of a list response.")


def _strict_page_size(pagination, request):
    raw = request.query_params.get(pagination.page_size_query_param)
    if raw is None:
        return pagination.page_size
    if not raw.isdigit() or not 1 <= int(raw) <= pagination.max_page_size:
        raise ValidationError(
            {pagination.page_size_query_param: [PAGE_SIZE_INVALID % {"max": pagination.max_page_size}]}
        )
    return int(raw)


class PagePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        return _strict_page_size(self, request)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return raw
        if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            raise ValidationError({self.page_query_param: [PAGE_INVALID]})
        return raw


class OrderCursorPagination(CursorPagination):
    """Newest orders first; ``created_at`` never changes and is never empty, so cursors stay valid."""

    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        return _strict_page_size(self, request)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception as exc:  # NotFound, and anything a crafted cursor provokes
            raise ValidationError({self.cursor_query_param: [CURSOR_INVALID]}) from exc
