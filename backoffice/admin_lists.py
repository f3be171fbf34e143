"""Changelist pages that read only the columns they show; small helpers of list cells."""

from django.utils.html import format_html


def nowrap(text):
    """Order numbers and SKUs break at their hyphens: keep them on one line."""
    return format_html('<span class="whitespace-nowrap">{}</span>', text)


class RecordAdminMixin:
    """For pages of records the system writes (change sets, jobs, tokens): nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListColumnsMixin:
    """``list_columns``: the fields a changelist page reads (``QuerySet.only``), on GET only.

    Django's changelist selects every column of the model and of each ``list_select_related``
    model; turning a 500-row page's unused columns (timestamps, addresses, notes...) into Python
    objects cost more than its SQL (bench/RESULTS.md, table 1). Actions (POST) and every other view
    (change form, autocomplete, export) keep whole rows. The query-count tests of each list catch a
    column shown but not listed here: reading it would cost a query per row.
    """

    list_columns = ()

    def changelist_view(self, request, extra_context=None):
        request.reads_list_columns = request.method == "GET"
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.list_columns and getattr(request, "reads_list_columns", False):
            queryset = queryset.only(*self.list_columns)
        return queryset
