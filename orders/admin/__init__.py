"""Customers and orders in the admin."""

from orders.admin.customer import CustomerAdmin
from orders.admin.order import OrderAdmin

__all__ = ["CustomerAdmin", "OrderAdmin"]
