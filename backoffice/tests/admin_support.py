"""Helpers the admin tests share: logged-in clients, roles, running a changelist action."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command, get_commands
from django.urls import reverse

from inventory.tests.factories import UserFactory

ROLE_AUDITOR = "Auditor"
ROLE_CATALOG = "Catalog manager"
ROLE_CLERK = "Order clerk"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _build_roles():
    """Groups equal to DESIGN.md's roles, for when ``setup_roles`` is not there yet."""
    perms = Permission.objects.select_related("content_type")

    def codenames(app_labels, prefixes):
        return [p for p in perms if p.content_type.app_label in app_labels and p.codename.split("_", 1)[0] in prefixes]

    catalog, _ = Group.objects.get_or_create(name=ROLE_CATALOG)
    catalog.permissions.set(codenames({"inventory"}, {"view", "add", "change", "delete", "import", "export", "adjust"}))
    clerk, _ = Group.objects.get_or_create(name=ROLE_CLERK)
    clerk.permissions.set(codenames({"orders"}, {"view", "add", "change", "export"}))
    auditor, _ = Group.objects.get_or_create(name=ROLE_AUDITOR)
    auditor.permissions.set(codenames({"inventory", "orders"}, {"view", "export"}))


def setup_roles():
    if "setup_roles" in get_commands():
        call_command("setup_roles", verbosity=0)
    else:
        _build_roles()


def user_in_role(role, username):
    setup_roles()
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


def user_with_perms(username, *perms):
    user = UserFactory(username=username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def admin_client_as(client):
    def login(user):
        # UserFactory sets the password after saving (skip_postgeneration_save): read the stored
        # hash back, or the session's auth hash would not match and the login would be dropped.
        user.refresh_from_db()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return login


@pytest.fixture
def boss_client(client, superuser):
    superuser.refresh_from_db()
    client.force_login(superuser, backend=MODEL_BACKEND)
    return client


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def run_action(client, model, action, objs, **form):
    """Post a bulk action the way the changelist does, then its confirmation form (``apply``)."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objs], "index": "0"}
    first = client.post(changelist_url(model), data)
    if not form:
        return first
    data.pop("index")
    data.update(form, apply="1")
    return client.post(changelist_url(model), data)


def result_pks(response):
    """Primary keys of the rows a changelist response shows, in order."""
    return [obj.pk for obj in response.context["cl"].result_list]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []
