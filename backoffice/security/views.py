"""Password reset, with Django's own views, on the admin's look (Unfold's login layout).

request -> email sent -> confirm (set a new password, full password policy) -> complete.
"""

import logging

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from unfold.widgets import BASE_INPUT_CLASSES

from backoffice.security.ratelimit import allow, key_for

INPUT_CLASS = " ".join(BASE_INPUT_CLASSES)
TOO_MANY_RESETS = _(
    "Too many password reset requests from your network. Wait %(minutes)d minutes and try again, "
    "or ask an administrator to reset your password."
)
logger = logging.getLogger(__name__)


class ResetRequestForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"class": INPUT_CLASS, "autofocus": ""})


class ResetSetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["class"] = INPUT_CLASS


class AdminLookMixin:
    """The admin site's context (site title, colours, Unfold theme) for pages outside the admin."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(AdminLookMixin, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    title = _("Reset your password")

    def form_valid(self, form):
        """Send the link, within two limits: per client address and per e-mail address.

        Over the address limit the form says so (429); over the e-mail limit the answer is the same
        "on its way" page as always, so the limit tells nobody whether the address has an account,
        but no further mail goes out: a mailbox cannot be flooded with reset links.
        """
        window = settings.PASSWORD_RESET_WINDOW_SECONDS
        ip = get_client_ip_address(self.request) or "unknown"
        if not allow(key_for("reset-ip", ip), limit=settings.PASSWORD_RESET_LIMIT_PER_IP, window=window):
            form.add_error(None, TOO_MANY_RESETS % {"minutes": max(1, window // 60)})
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"].strip().lower()
        if not allow(key_for("reset-email", email), limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL, window=window):
            logger.warning("Password reset mail not sent: too many requests for one address (from %s)", ip)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(AdminLookMixin, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"
    title = _("Check your email")


class PasswordResetConfirmView(AdminLookMixin, auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    title = _("Choose a new password")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they own the mailbox is no longer held back by earlier failed logins.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
    title = _("Password changed")
