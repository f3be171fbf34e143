"""Catalogue import and export: importers (validation + bulk writes) and exporters (columns)."""

from inventory.resources.catalogue import CategoryImporter, TagImporter
from inventory.resources.export import CategoryExporter, ProductExporter, TagExporter
from inventory.resources.movements import StockMovementExporter
from inventory.resources.products import ProductImporter

__all__ = [
    "CategoryExporter",
    "CategoryImporter",
    "ProductExporter",
    "ProductImporter",
    "StockMovementExporter",
    "TagExporter",
    "TagImporter",
]
