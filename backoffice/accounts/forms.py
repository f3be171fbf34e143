import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget

from backoffice.models import Profile

TIME_ZONES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=TIME_ZONES, widget=UnfoldAdminSelectWidget)

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "avatar",
            "phone",
            "time_zone",
            "notify_new_orders",
            "notify_low_stock",
            "notify_jobs_finished",
        ]
