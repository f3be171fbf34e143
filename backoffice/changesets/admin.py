"""Change sets in the admin: the list (by user, model, date), one set's rows with their diffs, and Undo.

The recycle bin (``backoffice.changesets.admin_bin``) hangs off the same admin's URLs.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateTimeFilter
from unfold.decorators import display

from backoffice.admin_lists import RecordAdminMixin
from backoffice.changesets.admin_bin import RecycleBinViews
from backoffice.changesets.models import ChangeSet, tracked_models
from backoffice.changesets.undo import plan_undo, undo_changeset
from backoffice.changesets.versions import link_changes, links_of, versions_before
from backoffice.errors import ServiceError

ROWS_SHOWN = 100
UNDONE = _("Change set #%(pk)s was undone: change set #%(undo)s put its %(count)d row(s) back.")
MISSING_PERMISSIONS = _("Undoing this change set needs permissions you do not have: %(perms)s.")


class ModelFilter(admin.SimpleListFilter):
    title = _("model")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [(m._meta.label_lower, m._meta.verbose_name_plural) for m in tracked_models()]

    def queryset(self, request, queryset):
        if self.value() in {m._meta.label_lower for m in tracked_models()}:
            return queryset.filter(counts__has_key=self.value())
        return queryset


class UserFilter(admin.SimpleListFilter):
    """Users who recorded change sets (a few staff), not every account."""

    title = _("by")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        rows = ChangeSet.objects.filter(user__isnull=False).values_list("user_id", "user__username").distinct()
        return sorted(((str(pk), name) for pk, name in rows), key=lambda item: item[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(user_id=int(value)) if value and value.isdigit() else queryset


@admin.register(ChangeSet)
class ChangeSetAdmin(RecordAdminMixin, RecycleBinViews, ModelAdmin):
    list_display = ["number", "created_at", "user", "kind", "reason", "rows_display", "models_display", "undo_display"]
    list_display_links = ["number", "reason"]
    list_select_related = ["user", "undo_of"]
    list_filter = [UserFilter, ModelFilter, ("kind", ChoicesDropdownFilter), ("created_at", RangeDateTimeFilter)]
    list_filter_submit = True
    search_fields = ["reason"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        undo = ChangeSet.objects.filter(undo_of=OuterRef("pk")).order_by("pk").values("pk")[:1]
        return super().get_queryset(request).annotate(undone_by=Subquery(undo))

    @display(description=_("Set"), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @display(description=_("Rows"))
    def rows_display(self, obj):
        return obj.row_count

    @display(description=_("Models"))
    def models_display(self, obj):
        return ", ".join(f"{label.split('.')[1]} ({count})" for label, count in sorted(obj.counts.items()))

    @display(description=_("Undone"))
    def undo_display(self, obj):
        if obj.undone_by:
            return _("by #%(pk)s") % {"pk": obj.undone_by}
        return f"#{obj.undo_of_id}" if obj.undo_of_id else "-"

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [
            path("<path:object_id>/undo/", undo, name="changesets_changeset_undo"),
            *self.bin_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        changeset = self.get_object(request, unquote(object_id))
        if changeset is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, changeset):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(changeset),
            "changeset": changeset,
            "sections": [self._section(request, changeset, model) for model in self._models(changeset)],
            "undo_url": reverse("admin:changesets_changeset_undo", args=[changeset.pk]),
            "may_undo": request.user.has_perm("changesets.undo_changeset") and not changeset.undos.exists(),
            "undone_by": changeset.undos.order_by("pk").first(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/changesets/changeset_detail.html", context)

    def _models(self, changeset):
        return [m for m in tracked_models() if m._meta.label_lower in changeset.counts]

    def _section(self, request, changeset, model):
        """The first rows of one model with their diffs: two queries (the rows, their previous versions)."""
        opts = model._meta
        section = {"title": opts.verbose_name_plural, "count": changeset.counts[opts.label_lower], "rows": []}
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            section["hidden"] = True
            return section
        history = model.history.model
        pk_name = opts.pk.attname
        rows = list(changeset.history_rows(model)[:ROWS_SHOWN])
        # The version before each row (rows of one object in one set: the first one's).
        before_ids = versions_before(history, pk_name, {getattr(r, pk_name): r for r in reversed(rows)})
        for row in rows:
            row.before_id = before_ids.get(getattr(row, pk_name))
        previous = {r.history_id: r for r in history.objects.filter(history_id__in=list(before_ids.values()))}
        many = [f.name for f in opts.many_to_many]
        links = links_of(model, [r.history_id for r in rows] + list(previous))
        for row in rows:
            old = previous.get(row.before_id)
            changes = row.diff_against(old, excluded_fields=["updated_at", *many]).changes if old is not None else []
            changes += link_changes(model, row, old, links)
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[getattr(row, pk_name), row.history_id]
            )
            section["rows"].append({"record": row, "changes": changes, "url": url})  # fmt: skip
        return section

    def undo_view(self, request, object_id):
        changeset = get_object_or_404(ChangeSet, pk=int(object_id)) if str(object_id).isdigit() else None
        if changeset is None:
            return HttpResponseRedirect(reverse("admin:changesets_changeset_changelist"))
        if not request.user.has_perm("changesets.undo_changeset"):
            raise PermissionDenied
        detail = reverse("admin:changesets_changeset_change", args=[changeset.pk])
        try:
            plan = plan_undo(changeset)
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(detail)
        missing = sorted(p for p in plan.permissions if not request.user.has_perm(p))
        if missing:
            self.message_user(request, MISSING_PERMISSIONS % {"perms": ", ".join(missing)}, messages.ERROR)
            return HttpResponseRedirect(detail)
        blockers = plan.blockers
        if request.method == "POST" and not blockers:
            try:
                undo = undo_changeset(changeset=changeset, user=request.user)
            except ServiceError as error:
                blockers = getattr(error, "blockers", [])
                self.message_user(request, error.message, messages.ERROR)
            else:
                params = {"pk": changeset.pk, "undo": undo.pk, "count": undo.row_count}
                self.message_user(request, UNDONE % params, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:changesets_changeset_change", args=[undo.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Undo change set #%(pk)s") % {"pk": changeset.pk},
            "changeset": changeset,
            "summary": [
                (p.model._meta.verbose_name_plural, len(p.created), len(p.changed), len(p.deleted)) for p in plan.models
            ],
            "blockers": blockers[:ROWS_SHOWN],
            "blocker_count": len(blockers),
            "detail_url": detail,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/changesets/undo_confirm.html", context)
