"""Customer import and export, order export (one row per line)."""

from orders.resources.customers import CustomerImporter
from orders.resources.export import CustomerExporter, OrderLineExporter

__all__ = ["CustomerExporter", "CustomerImporter", "OrderLineExporter"]
