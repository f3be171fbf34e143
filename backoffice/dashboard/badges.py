"""The sidebar's badges (``sidebar_navigation`` names them by path)."""

from inventory.models import Product

# The badge counts at most this many: "99+" beyond. The exact figure is on the dashboard and in the
# product list's "low stock" filter; a sidebar shown on every page must not count a whole catalogue.
BADGE_CAP = 99


def low_stock_badge(request):
    """The number beside "Products" in the sidebar: products still for sale that run low."""
    if not request.user.has_perm("inventory.view_product"):
        return ""
    count = Product.objects.low_stock().order_by()[: BADGE_CAP + 1].count()
    if count > BADGE_CAP:
        return f"{BADGE_CAP}+"
    return str(count) if count else ""
