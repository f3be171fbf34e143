"""The staff roles as groups with exactly their permissions; running it again changes nothing."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

SHOP_APPS = ("inventory", "orders", "changesets")
# Change sets: every role reads them; those who change data may undo a set (with its models' permissions too).
CHANGESET_STAFF = ("view_changeset", "undo_changeset")
CATALOG_MODELS = ("category", "tag", "product", "stockmovement")
ORDER_MODELS = ("customer", "address", "customernote", "order", "orderline")


def _is_historical(model):
    return model.startswith("historical")


def catalog_manager(app, model, codename):
    """Everything about the catalogue, its stock (through adjust_stock) and reading its history.

    Stock movements are written by the stock services only: view and export them, never edit.
    """
    if app == "changesets":
        return codename in CHANGESET_STAFF
    if app != "inventory":
        return False
    if model == "stockmovement":
        return codename in ("view_stockmovement", "export_stockmovement")
    return not _is_historical(model) or codename.startswith("view_")


def order_clerk(app, model, codename):
    """Takes and changes orders and customers, exports them, and looks the catalogue up.

    Tier rules: the clerk sees them and their preview; changing and applying them is a manager's.
    """
    if app == "changesets":
        return codename in CHANGESET_STAFF
    if app == "orders" and model == "tierrule":
        return codename == "view_tierrule"
    if app == "orders" and model in ORDER_MODELS:
        return codename.split("_", 1)[0] in ("view", "add", "change") or codename in ("export_order", "export_customer")
    return app == "inventory" and codename in ("view_product", "view_category", "view_tag")


def auditor(app, model, codename):
    """Reads everything in the shop, history included, and exports it; changes nothing."""
    return app in SHOP_APPS and codename.split("_", 1)[0] in ("view", "export")


ROLES = {
    "Catalog manager": catalog_manager,
    "Order clerk": order_clerk,
    "Auditor": auditor,
}


def role_permissions(rule):
    permissions = Permission.objects.filter(content_type__app_label__in=SHOP_APPS).select_related("content_type")
    return [p for p in permissions if rule(p.content_type.app_label, p.content_type.model, p.codename)]


@transaction.atomic
def setup_roles():
    """Create or correct each role's group; return ``{name: (permission count, added, removed)}``."""
    for app_label in SHOP_APPS:
        # Permissions normally appear after migrate; make sure they exist even before then.
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    report = {}
    for name, rule in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {p.pk for p in role_permissions(rule)}
        current = set(group.permissions.values_list("pk", flat=True))
        group.permissions.set(wanted)
        report[name] = (len(wanted), len(wanted - current), len(current - wanted))
    return report


class Command(BaseCommand):
    help = "Create the groups Catalog manager, Order clerk and Auditor with exactly their permissions (idempotent)."

    def handle(self, *args, **options):
        for name, (total, added, removed) in setup_roles().items():
            change = f"{added} added, {removed} removed" if added or removed else "unchanged"
            self.stdout.write(f"{name}: {total} permissions ({change}).")
