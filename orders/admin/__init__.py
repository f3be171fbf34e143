"""Customers and orders in the admin."""

from orders.admin.customer import CustomerAdmin
from orders.admin.order import OrderAdmin
from orders.admin.tier_rule import TierRuleAdmin

__all__ = ["CustomerAdmin", "OrderAdmin", "TierRuleAdmin"]
