"""Django's model permissions, read-protected too: an Auditor reads, a clerk writes, anonymous gets 401."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """``view_`` for reads, ``add_``/``change_``/``delete_`` for writes, as in the admin.

    A view may name the permissions of its extra actions in ``action_permissions``
    (``{"adjust_stock": ["inventory.adjust_stock_product"]}``); those replace the method's.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        action_perms = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action_perms is not None:
            return request.user.has_perms(action_perms)
        return super().has_permission(request, view)
