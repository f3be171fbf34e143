"""Forms the catalogue admin's actions ask for."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.forms import BaseDialogForm
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminTextInputWidget

from backoffice.admin_actions import ReasonForm


def _stock_fields():
    return {
        "delta": forms.IntegerField(
            label=_("Change"),
            help_text=_("Units to add (positive) or remove (negative)."),
            min_value=-1_000_000,
            max_value=1_000_000,
            widget=UnfoldAdminIntegerFieldWidget,
        ),
        "note": forms.CharField(
            label=_("Reason"),
            max_length=200,
            help_text=_("Why the stock changes, e.g. 'stock count 2026-03', 'damaged in storage'."),
            widget=UnfoldAdminTextInputWidget,
        ),
    }


class _ZeroCheck:
    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("A stock change must add or remove at least one unit."))
        return delta


class AdjustStockForm(_ZeroCheck, forms.Form):
    """The bulk form: the same change for every selected product."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_stock_fields())


class AdjustStockDialogForm(_ZeroCheck, BaseDialogForm):
    """The detail page's dialog: one product."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_stock_fields())


class ArchiveForm(ReasonForm):
    pass
