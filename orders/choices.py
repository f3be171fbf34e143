from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerTier(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    VIP = "vip", _("VIP")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# The order lifecycle: status -> statuses it may move to.
ALLOWED_TRANSITIONS = {
    OrderStatus.DRAFT: (OrderStatus.PLACED,),
    OrderStatus.PLACED: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED, OrderStatus.REFUNDED),
    OrderStatus.DELIVERED: (OrderStatus.REFUNDED,),
    OrderStatus.CANCELLED: (),
    OrderStatus.REFUNDED: (),
}

# Orders whose goods left stock and whose money counts as revenue.
REVENUE_STATUSES = (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
# Orders that hold stock: cancelling or refunding one of these returns its stock.
STOCK_HOLDING_STATUSES = REVENUE_STATUSES
