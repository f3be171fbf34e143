"""List filters shared by several admins."""

from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RadioFilter


class YesNoFilter(RadioFilter):
    """Yes / no on a boolean annotation (an ``Exists``) that the admin's ``get_queryset`` adds.

    A radio group inside the filter form (not a list of links), so "Apply filters" submits it
    together with the range and dropdown filters instead of dropping it.
    """

    annotation = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{self.annotation: True})
        if self.value() == "no":
            return queryset.filter(**{self.annotation: False})
        return queryset
