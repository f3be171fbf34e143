from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Sales")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from orders import signals  # noqa: F401
        from orders.changesets import register_rules

        register_rules()
