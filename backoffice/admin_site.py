"""Small callbacks the Unfold settings point at."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ENVIRONMENT_LABELS = {
    "development": (_("Development"), "info"),
    "staging": (_("Staging"), "warning"),
    "production": (_("Production"), "danger"),
}


def environment_callback(request):
    return ENVIRONMENT_LABELS.get(settings.ENVIRONMENT, (settings.ENVIRONMENT, "info"))
