"""Periodic inventory work (scheduled in settings.JOB_SCHEDULE)."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.tasks import task
from django.utils.translation import gettext as _

from inventory.models import Product

LISTED = 200  # the mail lists the lowest this many; the product list's "low stock" filter has them all


@task()
def send_low_stock_alert():
    """One mail to everyone who may change products, listing products still for sale that run low."""
    low = list(Product.objects.low_stock().order_by("stock", "sku").values_list("sku", "name", "stock")[: LISTED + 1])
    if not low:
        return 0
    users = (
        get_user_model()
        .objects.with_perm("inventory.change_product", backend="django.contrib.auth.backends.ModelBackend")
        .exclude(email="")
    )
    recipients = sorted(users.values_list("email", flat=True))
    if not recipients:
        return 0
    lines = [f"{sku}  {name}: {stock}" for sku, name, stock in low[:LISTED]]
    if len(low) > LISTED:
        lines.append(_("... and more: see the product list's “low stock” filter."))
    subject = _("Low stock: %(count)s product(s)") % {"count": f"{len(low)}+" if len(low) > LISTED else len(low)}
    send_mail(subject, "\n".join(lines), None, recipients)
    return len(recipients)
