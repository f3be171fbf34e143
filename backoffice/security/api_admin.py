"""Admin pages for API access: API keys (the key is shown once) and users' refresh tokens.

Loaded from ``SecurityConfig.ready()``, after the admin's autodiscovery registered simplejwt's
own token admins, which are replaced here.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.admin_lists import RecordAdminMixin
from backoffice.errors import ServiceError
from backoffice.security import api_keys, capabilities
from backoffice.security.models import ApiKey
from backoffice.security.tokens import blacklist, revoke_all_tokens

KEY_SHOWN_ONCE = _("Copy the key now: it is shown only this once. Only its hash is stored.")


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=capabilities.CHOICES,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("What the key may do; never more than the account it acts as may do."),
    )

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(ModelAdmin):
    list_display = ["name", "key_prefix", "user", "scope_list", "created_at", "last_used_at", "state"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["name", "key_prefix", "user", "scope_list", "created_by", "created_at", "last_used_at",
                       "revoked_at"]  # fmt: skip
    actions = ["revoke"]
    show_full_result_count = False

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "user", "scopes"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @display(description=_("Key"))
    def key_prefix(self, obj):
        return f"bok_{obj.prefix}_…"

    @display(description=_("Capabilities"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    @display(description=_("State"), label={_("active"): "success", _("revoked"): "danger"})
    def state(self, obj):
        return _("active") if obj.is_active else _("revoked")

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of a key changes but its revocation (an action)
        try:
            key, raw = api_keys.create_api_key(
                name=form.cleaned_data["name"], user=form.cleaned_data["user"], scopes=form.cleaned_data["scopes"],
                by=request.user,
            )  # fmt: skip
        except ServiceError as exc:  # the form's choices already allow only known capabilities
            raise forms.ValidationError(exc.message) from exc
        obj.pk = key.pk
        request._api_key_raw = raw

    def save_related(self, request, form, formsets, change):
        pass  # no relations beyond the service's

    def log_addition(self, request, obj, message):
        return super().log_addition(request, ApiKey.objects.get(pk=obj.pk), message)

    def response_add(self, request, obj, post_url_continue=None):
        key = ApiKey.objects.get(pk=obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API key created"),
            "key": key,
            "raw": request._api_key_raw,
            "shown_once": KEY_SHOWN_ONCE,
            "opts": self.opts,
        }
        response = TemplateResponse(request, "admin/security/api_key_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row keeps when and by whom it was used

    def has_revoke_permission(self, request, obj=None):
        return request.user.has_perm("security.change_apikey")

    @action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = api_keys.revoke_api_keys(keys=list(queryset), by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d key revoked. Requests with it fail from now on.",
                "%(count)d keys revoked. Requests with them fail from now on.",
                count,
            )
            % {"count": count},
        )


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("revoked", _("revoked")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(is_revoked=False, expires_at__gt=now)
        if self.value() == "revoked":
            return queryset.filter(is_revoked=True)
        if self.value() == "expired":
            return queryset.filter(is_revoked=False, expires_at__lte=now)
        return queryset


class OutstandingTokenAdmin(RecordAdminMixin, ModelAdmin):
    """Every refresh token issued, per user; revoke one, or log its user out everywhere."""

    list_display = ["user", "jti", "created_at", "expires_at", "state"]
    list_filter = [TokenStateFilter, "user"]
    search_fields = ["user__username", "jti"]
    ordering = ["-created_at", "-id"]
    fields = ["user", "jti", "created_at", "expires_at"]
    readonly_fields = fields
    actions = ["revoke", "log_out_everywhere"]
    show_full_result_count = False

    def get_queryset(self, request):
        revoked = Exists(BlacklistedToken.objects.filter(token=OuterRef("pk")))
        return super().get_queryset(request).select_related("user").annotate(is_revoked=revoked)

    @display(description=_("State"), label={_("active"): "success", _("revoked"): "danger", _("expired"): "info"})
    def state(self, obj):
        if obj.is_revoked:
            return _("revoked")
        return _("active") if obj.expires_at > timezone.now() else _("expired")

    def has_revoke_permission(self, request, obj=None):
        return request.user.has_perm("token_blacklist.add_blacklistedtoken")

    @action(description=_("Revoke the selected refresh tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = blacklist(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d refresh token revoked; access tokens made from it end within their lifetime.",
                "%(count)d refresh tokens revoked; access tokens made from them end within their lifetime.",
                count,
            )
            % {"count": count},
        )

    @action(description=_("Log their users out everywhere (every token fails now)"), permissions=["revoke"])
    def log_out_everywhere(self, request, queryset):
        users = {token.user for token in queryset.select_related("user") if token.user is not None}
        for user in users:
            revoke_all_tokens(user=user, by=request.user)
        names = ", ".join(sorted(user.get_username() for user in users)) or "-"
        self.message_user(
            request,
            _("Logged out everywhere: %(names)s. They must sign in again.") % {"names": names},
            messages.SUCCESS,
        )


for model in (OutstandingToken, BlacklistedToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(OutstandingToken, OutstandingTokenAdmin)
