"""Password reset, with Django's own views, on the admin's look (Unfold's login layout).

request -> email sent -> confirm (set a new password, full password policy) -> complete.
"""

from axes.utils import reset as axes_reset
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from unfold.widgets import BASE_INPUT_CLASSES

INPUT_CLASS = " ".join(BASE_INPUT_CLASSES)


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
