from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangeSetsConfig(AppConfig):
    name = "backoffice.changesets"
    label = "changesets"
    verbose_name = _("History")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from backoffice.changesets.context import link_history_row

        pre_create_historical_record.connect(link_history_row, dispatch_uid="changesets.link_history_row")
