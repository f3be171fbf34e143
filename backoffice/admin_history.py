"""History in the admin: who changed what and why, for every tracked model.

``TrackedAdmin`` wraps simple-history's admin (with Unfold's templates): every save through an
admin form records the acting user and a reason, and a revert is allowed only with the change
permission and is itself recorded as "reverted to version of <date>".
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from backoffice.admin_actions import admin_reason
from backoffice.history import stamp

REVERT_REASON = "reverted to version of %(date)s"
REVERTED_MESSAGE = _('The %(name)s "%(obj)s" was reverted to the version of %(date)s.')


def form_change_reason(form, change):
    if not change:
        return admin_reason("created")
    fields = ", ".join(form.changed_data) if form is not None and form.changed_data else ""
    return admin_reason("changed", fields) if fields else "saved in admin (no field changed)"


class TrackedAdmin(SimpleHistoryAdmin):
    history_list_per_page = 50
    # "system" instead of a broken user link for records without a user; no empty notice bar
    # and read-only fields on a version page for those who may not revert.
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            # simple-history only asks for view permission here; a revert writes, so it needs change.
            if obj is None or not self.has_change_history_permission(request, obj):
                raise PermissionDenied
            # On the historical model "pk" is history_id: filter on the tracked row's own key.
            key = {self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
            version = self.model.history.filter(**key).only("history_date").first()
            if version is not None:
                request._reverted_to = _format_date(version.history_date)
                request._revert_reason = REVERT_REASON % {"date": request._reverted_to}
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None and context.get("revert_disabled"):
            # Who may not revert sees the version as text, like a view-only change page.
            fieldsets = list(adminform.fieldsets)
            readonly = list(dict.fromkeys([*adminform.readonly_fields, *flatten_fieldsets(fieldsets)]))
            context["adminform"] = helpers.AdminForm(adminform.form, fieldsets, {}, readonly, model_admin=self)
        return super().render_history_view(request, template, context, **kwargs)

    def response_change(self, request, obj):
        reverted_to = getattr(request, "_reverted_to", None)
        if reverted_to is None:
            return super().response_change(request, obj)
        opts = obj._meta
        self.message_user(
            request,
            REVERTED_MESSAGE % {"name": opts.verbose_name, "obj": obj, "date": reverted_to},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    def get_change_reason(self, request, obj, form, change):
        return getattr(request, "_revert_reason", None) or form_change_reason(form, change)

    def save_model(self, request, obj, form, change):
        stamp(obj, user=request.user, reason=self.get_change_reason(request, obj, form, change))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = getattr(request, "_revert_reason", None) or f"changed in admin with {formset.model._meta.verbose_name}"
        instances = formset.save(commit=False)
        for instance in instances:
            stamp(instance, user=request.user, reason=reason).save()
        for instance in formset.deleted_objects:
            stamp(instance, user=request.user, reason=reason).delete()
        formset.save_m2m()

    def delete_model(self, request, obj):
        stamp(obj, user=request.user, reason=admin_reason("deleted"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # Row by row, so each deletion is recorded with the user and the reason.
        for obj in queryset:
            self.delete_model(request, obj)


def _format_date(value):
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i:s")
