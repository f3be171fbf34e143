"""django-axes' admin pages rebuilt on Unfold's ModelAdmin, with an explicit "Unlock" action.

Loaded from ``SecurityConfig.ready()``, after the admin's autodiscovery registered axes' own
(unstyled) admins, which are replaced here.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin, ModelAdmin):
    actions = ["unlock", "cleanup_expired_attempts"]

    @action(description=_("Unlock: clear the failed attempts"), permissions=["delete"])
    def unlock(self, request, queryset):
        attempts = list(queryset)
        self.log_deletions(request, attempts)
        queryset.delete()
        names = ", ".join(sorted({a.username or a.ip_address or "?" for a in attempts}))
        self.message_user(
            request,
            ngettext(
                "Unlocked %(count)d login record (%(names)s). They can log in again now.",
                "Unlocked %(count)d login records (%(names)s). They can log in again now.",
                len(attempts),
            )
            % {"count": len(attempts), "names": names},
        )


class AccessLogAdmin(axes_admin.AccessLogAdmin, ModelAdmin):
    pass


class AccessFailureLogAdmin(axes_admin.AccessFailureLogAdmin, ModelAdmin):
    pass


for model, model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
