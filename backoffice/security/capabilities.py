"""Capabilities: the short names other systems read in a token or give an API key.

Each capability is a fixed set of Django permissions. A user *has* a capability when they hold
every permission of it (a superuser holds all); an API key is *scoped* to capabilities and can use
only the permissions they name (and only those its account holds). README "Tokens and keys" lists them.
"""

from django.utils.translation import gettext_lazy as _

CAPABILITIES = {
    "catalog:read": ("inventory.view_product", "inventory.view_category", "inventory.view_tag"),
    "products:write": ("inventory.add_product", "inventory.change_product"),
    "catalog:write": (
        "inventory.add_category",
        "inventory.change_category",
        "inventory.delete_category",
        "inventory.add_tag",
        "inventory.change_tag",
        "inventory.delete_tag",
    ),
    "stock:adjust": ("inventory.adjust_stock_product",),
    "customers:read": ("orders.view_customer",),
    "customers:write": ("orders.add_customer", "orders.change_customer"),
    "orders:read": ("orders.view_order",),
    "orders:write": ("orders.add_order", "orders.change_order"),
}

LABELS = {
    "catalog:read": _("Read products, categories and tags"),
    "products:write": _("Create and change products"),
    "catalog:write": _("Create, change and delete categories and tags"),
    "stock:adjust": _("Adjust stock"),
    "customers:read": _("Read customers"),
    "customers:write": _("Create and change customers"),
    "orders:read": _("Read orders"),
    "orders:write": _("Place orders and change their status"),
}

CHOICES = [(name, f"{name}: {LABELS[name]}") for name in CAPABILITIES]


def capabilities_of(user):
    """The capabilities ``user`` holds, in the table's order."""
    return [name for name, perms in CAPABILITIES.items() if user.has_perms(perms)]


def permissions_of(capabilities):
    """Every permission the capabilities name (``{"orders.add_order", ...}``)."""
    return {perm for name in capabilities for perm in CAPABILITIES.get(name, ())}
