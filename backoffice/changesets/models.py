from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    BULK = "bulk", _("bulk action")
    IMPORT = "import", _("import")
    API = "api", _("API batch")
    REVERT = "revert", _("revert")
    UNDO = "undo", _("undo")
    RESTORE = "restore", _("restore from recycle bin")


class ChangeSet(models.Model):
    """Who changed which rows together, when and why; the rows are history rows linked to it."""

    Kind = ChangeKind

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # {"inventory.product": 3, ...}: history rows per model, stored when the set closes.
    counts = models.JSONField(_("rows per model"), default=dict, blank=True)
    undo_of = models.ForeignKey(
        "self", verbose_name=_("undo of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="undos"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")
        default_permissions = ("view",)
        permissions = [("undo_changeset", "Can undo change sets")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}: {self.reason}"

    @property
    def row_count(self):
        return sum(self.counts.values())

    def history_rows(self, model):
        """This set's history rows of ``model`` (the tracked model), in the order written."""
        return model.history.filter(changeset=self).order_by("history_id")

    def store_counts(self):
        counts = {}
        for model in tracked_models():
            count = model.history.filter(changeset=self).count()
            if count:
                counts[model._meta.label_lower] = count
        self.counts = counts
        self.save(update_fields=["counts"])

    store_counts.alters_data = True


class ChangeSetLinked(models.Model):
    """Base of every historical model (``HistoricalRecords(bases=[ChangeSetLinked])``): its change set."""

    changeset = models.ForeignKey(
        ChangeSet, verbose_name=_("change set"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


def tracked_models():
    """The models whose history rows join change sets, in a stable order."""
    found = []
    for model in apps.get_models():
        history = getattr(model, "history", None)
        manager_model = getattr(history, "model", None)
        if manager_model is not None and issubclass(manager_model, ChangeSetLinked) and manager_model is not model:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)
