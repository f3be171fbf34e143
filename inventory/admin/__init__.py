"""The catalogue in the admin: products, categories, tags and (read-only) stock movements."""

from inventory.admin.catalogue import CategoryAdmin, StockMovementAdmin, TagAdmin
from inventory.admin.product import ProductAdmin

__all__ = ["CategoryAdmin", "ProductAdmin", "StockMovementAdmin", "TagAdmin"]
