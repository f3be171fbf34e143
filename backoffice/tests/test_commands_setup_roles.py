"""``manage.py setup_roles``: three groups with exactly their permissions, however often it runs."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CATALOG_MANAGER = {
    "add_category", "change_category", "delete_category", "view_category", "import_category", "export_category",
    "add_tag", "change_tag", "delete_tag", "view_tag", "import_tag", "export_tag",
    "add_product", "change_product", "delete_product", "view_product", "import_product", "export_product",
    "adjust_stock_product",
    "view_stockmovement", "export_stockmovement",
    "view_historicalcategory", "view_historicalproduct", "view_historicalproduct_tags", "view_historicaltag",
    "view_changeset", "undo_changeset",
}  # fmt: skip
ORDER_CLERK = {
    "add_customer", "change_customer", "view_customer", "export_customer",
    "add_address", "change_address", "view_address", "add_customernote", "change_customernote", "view_customernote",
    "view_tierrule",
    "add_order", "change_order", "view_order", "export_order",
    "add_orderline", "change_orderline", "view_orderline",
    "view_product", "view_category", "view_tag",
    "view_changeset", "undo_changeset",
}  # fmt: skip
AUDITOR = {
    "view_category", "view_tag", "view_product", "view_stockmovement",
    "view_customer", "view_order", "view_orderline", "view_ordernumber",
    "view_address", "view_customernote", "view_tierrule", "view_historicaladdress", "view_historicaltierrule",
    "view_historicalcategory", "view_historicalproduct", "view_historicalproduct_tags", "view_historicaltag",
    "view_historicalcustomer", "view_historicalorder", "view_historicalorderline",
    "export_category", "export_tag", "export_product", "export_stockmovement", "export_customer", "export_order",
    "view_changeset",
}  # fmt: skip


def setup_roles():
    out = StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def codenames(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def all_perms():
    return {
        group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }


def test_each_group_gets_exactly_its_permissions():
    output = setup_roles()
    assert codenames("Catalog manager") == CATALOG_MANAGER
    assert codenames("Order clerk") == ORDER_CLERK
    assert codenames("Auditor") == AUDITOR
    assert output.splitlines() == [
        "Catalog manager: 27 permissions (27 added, 0 removed).",
        "Order clerk: 23 permissions (23 added, 0 removed).",
        "Auditor: 27 permissions (27 added, 0 removed).",
    ]


def test_catalog_manager_only_touches_the_inventory_app_and_its_change_sets():
    setup_roles()
    apps = set(Group.objects.get(name="Catalog manager").permissions.values_list("content_type__app_label", flat=True))
    assert apps == {"inventory", "changesets"}


def test_auditor_changes_nothing():
    setup_roles()
    assert not {c for c in codenames("Auditor") if c.split("_")[0] in ("add", "change", "delete", "import", "adjust")}


def test_running_twice_gives_identical_permission_sets():
    setup_roles()
    first = all_perms()
    output = setup_roles()
    assert all_perms() == first
    assert Group.objects.count() == 3
    assert output.splitlines() == [
        "Catalog manager: 27 permissions (unchanged).",
        "Order clerk: 23 permissions (unchanged).",
        "Auditor: 27 permissions (unchanged).",
    ]


def test_permissions_a_group_should_not_have_are_removed_and_missing_ones_restored(staff_user):
    setup_roles()
    auditor = Group.objects.get(name="Auditor")
    auditor.permissions.add(Permission.objects.get(codename="delete_order"))
    auditor.permissions.remove(Permission.objects.get(codename="export_order"))
    auditor.user_set.add(staff_user)
    output = setup_roles()
    assert codenames("Auditor") == AUDITOR
    assert "Auditor: 27 permissions (1 added, 1 removed)." in output
    # Members stay members: the command manages permissions, not people.
    assert list(auditor.user_set.all()) == [staff_user]
