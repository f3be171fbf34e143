"""Glue: ``product.updated`` for every saved product (admin form, API, stock and status services).

Bulk writes without ``save()`` call ``events.emit_many`` themselves; imports send ``import.finished``.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from backoffice.webhooks.events import emit


@receiver(post_save, sender="inventory.Product", dispatch_uid="backoffice.webhooks.product_updated")
def product_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        emit("product.updated", instance)
