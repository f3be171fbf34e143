"""The recycle bin page: deleted products, categories, tags and customers, and their Restore button."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from backoffice.changesets.recyclebin import deleted_versions, restore_from_bin
from backoffice.changesets.registry import restorable_models, restore_blockers
from backoffice.changesets.versions import as_row, links_of
from backoffice.errors import ServiceError

BIN_PAGE_SIZE = 50
RESTORED = _("%(obj)s was restored from the recycle bin.")


def _perm(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RecycleBinViews:
    def bin_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("recycle-bin/", wrap(self.bin_view), name="changesets_recycle_bin"),
            path("recycle-bin/<str:label>/<int:history_id>/restore/", wrap(self.restore_view),
                 name="changesets_recycle_bin_restore"),
        ]  # fmt: skip

    def _bin_models(self, request):
        return [m for m in restorable_models() if request.user.has_perm(_perm(m, "view"))]

    def bin_view(self, request):
        models = self._bin_models(request)
        if not models:
            raise PermissionDenied
        chosen = next((m for m in models if m._meta.label_lower == request.GET.get("model")), models[0])
        page = Paginator(deleted_versions(chosen), BIN_PAGE_SIZE).get_page(request.GET.get("page"))
        versions = list(page)
        snapshots = links_of(chosen, [v.history_id for v in versions])
        names = {}
        for field in chosen._meta.many_to_many:
            wanted = {pk for links in snapshots.values() for pk in links.get(field.name, ())}
            names[field.name] = dict(field.related_model._base_manager.filter(pk__in=wanted).values_list("pk", "name"))
        blockers = restore_blockers(chosen, versions)
        rows = []
        for version in versions:
            shown = sorted(
                str(names[name].get(pk, _("%(pk)s (deleted)") % {"pk": pk}))
                for name, pks in snapshots.get(version.history_id, {}).items()
                for pk in pks
            )
            why = blockers.get(version.history_id, "")
            rows.append({"version": version, "object": as_row(version), "links": shown, "why_not": why})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Recycle bin"),
            "models": [(m._meta.label_lower, m._meta.verbose_name_plural) for m in models],
            "chosen": chosen._meta.label_lower,
            "may_restore": request.user.has_perm(_perm(chosen, "add")),
            "rows": rows,
            "page": page,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/changesets/recycle_bin.html", context)

    def restore_view(self, request, label, history_id):
        model = next((m for m in restorable_models() if m._meta.label_lower == label), None)
        if request.method != "POST" or model is None or not request.user.has_perm(_perm(model, "add")):
            raise PermissionDenied
        back = reverse("admin:changesets_recycle_bin") + f"?model={label}"
        try:
            obj = restore_from_bin(model=model, history_id=history_id, user=request.user)
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, RESTORED % {"obj": obj}, messages.SUCCESS)
        opts = model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
