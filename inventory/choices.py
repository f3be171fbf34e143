from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# Badge colour of each product status (Unfold's label types).
STATUS_LABELS = {ProductStatus.DRAFT: "info", ProductStatus.PUBLISHED: "success", ProductStatus.ARCHIVED: "warning"}


class MovementReason(models.TextChoices):
    SALE = "sale", _("Sale")
    CANCELLATION = "cancellation", _("Cancellation")
    REFUND = "refund", _("Refund")
    RESTOCK = "restock", _("Restock")
    ADJUSTMENT = "adjustment", _("Adjustment")
    IMPORT = "import", _("Import")
