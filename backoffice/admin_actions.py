"""Bulk admin actions that ask for input or confirmation on an intermediate page.

Django runs admin actions on POST only. An action built with ``form_action`` answers the first
POST (from the changelist) with a page holding its form and the selected rows; the second POST
(``apply``) validates the form and calls the service. Refusals (``ServiceError``) become error
messages, never a 500.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.forms import BaseDialogForm
from unfold.widgets import UnfoldAdminTextInputWidget

from backoffice.errors import ServiceError

APPLY_FIELD = "apply"
SELECTION_LIMIT = 10_000
TOO_MANY_SELECTED = _(
    "Select at most %(limit)d rows for this action (%(count)d selected). Narrow the list with filters."
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=True,
        help_text=_("Kept in the history of every changed row."),
        widget=UnfoldAdminTextInputWidget,
    )


class OptionalReasonForm(ReasonForm):
    """A confirmation page whose reason may stay empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False


def admin_reason(what, reason=""):
    """The history reason of a change made in the admin: ``archived in admin: <typed reason>``.

    ``what`` says what happened ("archived", "tier set to gold"); ``reason`` is what the user typed.
    """
    text = f"{what} in admin"
    return f"{text}: {reason}" if reason else text


class ReasonDialogForm(BaseDialogForm):
    """The dialog of a detail-page action: one optional reason, kept in the object's history.

    Subclasses set ``reason_help_text`` to name the history it goes to.
    """

    reason_help_text = _("Optional; kept in the history.")
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = self.reason_help_text


def redirect_to_change_page(request, obj):
    """Back to ``obj``'s change page after a detail action; unfold's dialogs post through htmx."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def form_action(modeladmin, request, queryset, *, form_class, title, perform, intro="", danger=False):
    """Show ``form_class`` for the selected rows, then run ``perform(queryset, cleaned_data)``.

    ``perform`` returns the message to show (its level is success, or warning when the text says
    something was skipped). Returns ``None`` after applying, so Django redirects to the list.
    """
    if request.method != "POST":
        raise PermissionDenied
    count = queryset.count()
    if count > SELECTION_LIMIT:
        modeladmin.message_user(request, TOO_MANY_SELECTED % {"limit": SELECTION_LIMIT, "count": count}, messages.ERROR)
        return None
    form = form_class(request.POST if APPLY_FIELD in request.POST else None)
    if APPLY_FIELD in request.POST and form.is_valid():
        try:
            text, level = perform(queryset, form.cleaned_data)
        except ServiceError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
            return None
        modeladmin.message_user(request, text, level)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "danger": danger,
        "form": form,
        "opts": opts,
        "queryset": queryset[:50],
        "count": count,
        "action": request.POST.get("action", ""),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply_field": APPLY_FIELD,
        "preserved_query": request.GET.urlencode(),
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/bulk_action_form.html", context)


def result_level(result):
    return messages.WARNING if result.skipped_count or result.message else messages.SUCCESS


def confirm_and_apply(modeladmin, request, queryset, *, apply, what, noun, verb, title, intro, danger=False):
    """A bulk change behind a confirmation page with an optional reason: ``apply(rows, reason)``.

    ``apply`` calls the service and returns its ``BulkResult`` (what it refused, and why); the
    history reason is ``admin_reason(what, typed reason)``, the message ``result.summary(noun, verb)``.
    """

    def perform(rows, data):
        result = apply(list(rows), admin_reason(what, data.get("reason")))
        return result.summary(noun, verb), result_level(result)

    return form_action(
        modeladmin,
        request,
        queryset,
        form_class=OptionalReasonForm,
        title=title,
        intro=intro,
        perform=perform,
        danger=danger,
    )


def confirm_delete(modeladmin, request, queryset, *, delete, noun, title, intro):
    """``confirm_and_apply`` for a delete service: "deleted in admin: <reason>", a red button."""
    return confirm_and_apply(
        modeladmin,
        request,
        queryset,
        apply=delete,
        what="deleted",
        noun=noun,
        verb=_("deleted"),
        title=title,
        intro=intro,
        danger=True,
    )
