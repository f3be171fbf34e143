from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Accounts and security. Listed after django.contrib.admin and before django.contrib.auth:
    its ``createsuperuser`` must win over auth's, and its ``ready()`` runs after the admin's
    autodiscovery so it can put axes' admin pages on Unfold."""

    name = "backoffice.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self):
        from backoffice.security import api_admin, axes_admin, signals  # noqa: F401
