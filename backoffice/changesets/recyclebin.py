"""Deleted rows, read from their history, and putting one back through the services.

A deleted row's last history row ("-") holds its values and its tags as they were. Restoring
inserts it again under its own primary key with the plain fields and the tags that still exist;
its stock comes back through a stock movement and its status or tier through their services
(``ModelRules``), all recorded "restored from recycle bin" in one change set.
"""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from backoffice.changesets.context import recording
from backoffice.changesets.models import ChangeKind
from backoffice.changesets.registry import restorable_models, restore_blockers, rules_for
from backoffice.changesets.versions import as_row, version_links
from backoffice.errors import ServiceError
from backoffice.history import record_bulk_history, stamp

RESTORE_REASON = "restored from recycle bin"
CANNOT_RESTORE = _("%(obj)s cannot be restored: %(why)s.")
NOT_IN_BIN = _("That row is not in the recycle bin any more (restored, or never deleted).")


def deleted_versions(model):
    """The last history row of each deleted row of ``model`` that is still gone, newest first."""
    history = model.history.model
    pk_name = model._meta.pk.attname
    latest = (
        history.objects.filter(**{pk_name: OuterRef(pk_name)})
        .values(pk_name)
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return (
        history.objects.filter(history_type="-", history_id=Subquery(latest[:1]))
        .exclude(**{f"{pk_name}__in": model._base_manager.values("pk")})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def why_not_restorable(version):
    if not rules_for(version.instance_type).restorable:
        return str(NOT_IN_BIN)
    return restore_blockers(version.instance_type, [version]).get(version.history_id, "")


def restore_version(version, *, user, reason=RESTORE_REASON):
    """Insert the deleted row again as ``version`` holds it; refuse (``ServiceError``) if it cannot come back."""
    model = version.instance_type
    rules = rules_for(model)
    why = why_not_restorable(version)
    if why:
        raise ServiceError(CANNOT_RESTORE, code="not_restorable", params={"obj": as_row(version), "why": why})
    obj = as_row(version)
    obj._state.adding = True
    status = rules.status_field
    wanted_status = getattr(obj, status) if status else None
    for name in [*rules.kept, *([status] if status else [])]:
        f = model._meta.get_field(name)
        if f.concrete and not f.many_to_many and f.has_default():
            setattr(obj, f.attname, f.get_default())
    obj.skip_history_when_saving = True
    obj.save(force_insert=True)
    for name, pks in version_links(version).items():
        related = model._meta.get_field(name).related_model
        getattr(obj, name).set(related._base_manager.filter(pk__in=pks))
    del obj.skip_history_when_saving
    record_bulk_history(model, [stamp(obj, user=user, reason=reason)], user=user, reason=reason, update=False)
    if rules.after_restore is not None:
        rules.after_restore(obj, version, user=user, reason=reason)
    if status and wanted_status != getattr(obj, status):
        rules.apply_status([obj], wanted_status, user=user, reason=reason)
    return obj


@transaction.atomic
def restore_from_bin(*, model, history_id, user):
    """The recycle bin's Restore button: one row, one change set."""
    if model not in restorable_models():
        raise ServiceError(NOT_IN_BIN, code="not_in_bin")
    version = deleted_versions(model).filter(history_id=history_id).first()
    if version is None:
        raise ServiceError(NOT_IN_BIN, code="not_in_bin")
    with recording(kind=ChangeKind.RESTORE, user=user, reason=f"{RESTORE_REASON}: {as_row(version)}"):
        return restore_version(version, user=user)
