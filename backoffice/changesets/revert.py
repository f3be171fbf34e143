"""Revert one row to a version of its history, through the services that own its rules.

A revert writes the plain fields a person could change on the row's page (names, descriptions,
prices, notes) and its tags; a status or tier goes through its service (``ModelRules.apply_status``:
an order moves only along its lifecycle); stock, units sold and stored figures are never written.
Everything in one transaction and one change set: a refused status undoes the plain fields too.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.changesets.context import recording
from backoffice.changesets.models import ChangeKind
from backoffice.changesets.registry import rules_for
from backoffice.errors import ServiceError
from backoffice.history import stamp

REVERT_REFUSED = _(
    "Nothing was reverted: the version's %(field)s “%(value)s” cannot be restored (%(why)s). "
    "Change the %(field)s with its own actions, then revert the other fields."
)


@transaction.atomic
def revert_to_version(*, obj, target, fields, m2m, user, reason):
    """Make ``obj`` (the stored row) look like ``target`` (the version, with the form's edits applied).

    ``fields``: the names the row's form lets a person change; ``m2m``: ``{name: [objects]}`` from
    that form. Returns the names written (plain, many-to-many and the status field).
    """
    rules = rules_for(type(obj))
    model = type(obj)
    locked = model._base_manager.select_for_update().get(pk=obj.pk)
    plain = {f.name: f for f in rules.plain_fields()}
    changed = []
    for name in fields:
        f = plain.get(name)
        if f is not None and getattr(locked, f.attname) != getattr(target, f.attname):
            setattr(locked, f.attname, getattr(target, f.attname))
            changed.append(name)
    relinked = []
    for name, wanted in m2m.items():
        if name in rules.kept:
            continue
        manager = getattr(locked, name)
        if {o.pk for o in wanted} != set(manager.values_list("pk", flat=True)):
            locked.skip_history_when_saving = True  # one history row below, with the new links
            manager.set(wanted)
            del locked.skip_history_when_saving
            relinked.append(name)
    with recording(kind=ChangeKind.REVERT, user=user, reason=reason):
        if changed or relinked:
            stamp(locked, user=user, reason=reason).save()
        status = rules.status_field
        if status and getattr(target, status) != getattr(locked, status):
            value = getattr(target, status)
            try:
                rules.apply_status([locked], value, user=user, reason=reason)
            except ServiceError as error:
                label = model._meta.get_field(status).verbose_name
                raise ServiceError(
                    REVERT_REFUSED,
                    code="revert_refused",
                    params={"field": label, "value": value, "why": error.message.rstrip(".")},
                    field=status,
                ) from error
            changed.append(status)
    obj.refresh_from_db()
    return changed + relinked
