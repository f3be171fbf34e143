from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class MovementReason(models.TextChoices):
    SALE = "sale", _("Sale")
    CANCELLATION = "cancellation", _("Cancellation")
    REFUND = "refund", _("Refund")
    RESTOCK = "restock", _("Restock")
    ADJUSTMENT = "adjustment", _("Adjustment")
    IMPORT = "import", _("Import")
