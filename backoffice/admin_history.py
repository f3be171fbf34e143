"""History in the admin: who changed what and why, for every tracked model.

``TrackedAdmin`` wraps simple-history's admin (with Unfold's templates): every save through an
admin form records the acting user and a reason, and a revert is allowed only with the change
permission, goes through the services (``backoffice.changesets.revert``) and is itself recorded as
"reverted to version of <date>", in a change set.
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
from backoffice.changesets import recording
from backoffice.changesets.models import ChangeKind
from backoffice.changesets.revert import revert_to_version
from backoffice.changesets.versions import history_context, version_context, version_links
from backoffice.errors import ServiceError
from backoffice.history import stamp

REVERT_REASON = "reverted to version of %(date)s"
REVERTED_MESSAGE = _('The %(name)s "%(obj)s" was reverted to the version of %(date)s.')
NOTHING_TO_REVERT = _(
    'The %(name)s "%(obj)s" already matches the version of %(date)s in every field a revert may change; '
    "nothing was written."
)


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
    # ``[(child model, [fields])]``: child rows (an order's lines) shown on the history and version pages.
    history_children = ()

    def history_view(self, request, object_id, extra_context=None):
        if self.history_children:
            extra = history_context(self.model, unquote(object_id), self.history_children)
            extra_context = {**extra, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        # On the historical model "pk" is history_id: filter on the tracked row's own key.
        key = {self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
        version = self.model.history.filter(**key).first()
        if obj is not None and version is not None:
            request._history_version = version
            if request.method == "POST":
                # simple-history only asks for view permission here; a revert writes, so it needs change.
                if not self.has_change_history_permission(request, obj):
                    raise PermissionDenied
                response = self._revert(request, obj, version)
                if response is not None:
                    return response
            extra_context = {**version_context(version, self.history_children), **(extra_context or {})}
        elif request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _revert(self, request, obj, version):
        """Through ``revert_to_version`` (the services); ``None`` re-renders the page with the form's errors."""
        target = version.instance
        target._state.adding = False  # the stored row: unique checks exclude it
        form = self.get_form(request, obj)(request.POST, request.FILES, instance=target)
        if not form.is_valid():
            return None
        date = _format_date(version.history_date)
        many = {f.name for f in obj._meta.many_to_many}
        try:
            written = revert_to_version(
                obj=obj,
                target=form.instance,
                fields=[name for name in form.cleaned_data if name not in many],
                m2m={name: list(value) for name, value in form.cleaned_data.items() if name in many},
                user=request.user,
                reason=REVERT_REASON % {"date": date},
            )
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        opts = obj._meta
        text = REVERTED_MESSAGE if written else NOTHING_TO_REVERT
        self.message_user(request, text % {"name": opts.verbose_name, "obj": obj, "date": date}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    def response_action(self, request, queryset, *args, **kwargs):
        """Each bulk action is one change set (none when it only showed its confirmation page)."""
        action = request.POST.get("action", "")
        chosen = self.get_actions(request).get(action)
        reason = str(chosen.description) if chosen else action
        with recording(kind=ChangeKind.BULK, user=request.user, reason=reason):
            return super().response_action(request, queryset, *args, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        version = getattr(request, "_history_version", None)
        if version is None or request.method == "POST":
            return form_class
        # A version page shows the links (tags) as they were, not today's.
        links = version_links(version)

        class VersionForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                for name, pks in links.items():
                    if name in self.fields:
                        self.initial[name] = pks

        return VersionForm

    def render_history_view(self, request, template, context, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None and context.get("revert_disabled"):
            # Who may not revert sees the version as text, like a view-only change page.
            fieldsets = list(adminform.fieldsets)
            readonly = list(dict.fromkeys([*adminform.readonly_fields, *flatten_fieldsets(fieldsets)]))
            context["adminform"] = helpers.AdminForm(adminform.form, fieldsets, {}, readonly, model_admin=self)
        return super().render_history_view(request, template, context, **kwargs)

    def get_change_reason(self, request, obj, form, change):
        return form_change_reason(form, change)

    def save_model(self, request, obj, form, change):
        stamp(obj, user=request.user, reason=self.get_change_reason(request, obj, form, change))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = f"changed in admin with {formset.model._meta.verbose_name}"
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
