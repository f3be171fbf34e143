"""List filters shared by several admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class YesNoFilter(admin.SimpleListFilter):
    """Yes / no on a boolean annotation (an ``Exists``) that the admin's ``get_queryset`` adds."""

    annotation = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{self.annotation: True})
        if self.value() == "no":
            return queryset.filter(**{self.annotation: False})
        return queryset
