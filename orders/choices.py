from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerTier(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    VIP = "vip", _("VIP")


# Badge colour of each tier (Unfold's label types), wherever a tier is shown.
TIER_LABELS = {
    CustomerTier.REGULAR: "default",
    CustomerTier.SILVER: "info",
    CustomerTier.GOLD: "warning",
    CustomerTier.VIP: "success",
}


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# Badge colour of each order status (Unfold's label types): the order admin and the dashboard.
STATUS_LABELS = {
    OrderStatus.DRAFT: "default",
    OrderStatus.PLACED: "info",
    OrderStatus.PAID: "primary",
    OrderStatus.SHIPPED: "warning",
    OrderStatus.DELIVERED: "success",
    OrderStatus.CANCELLED: "danger",
    OrderStatus.REFUNDED: "danger",
}


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
