"""Undo a change set as a whole: all or nothing, through the services, itself a change set.

``plan_undo`` reads the set's history rows and finds, per row, the version before the set (the
one to put back) and what stands in the way: a later change of the row, or a created row that
others now use (an order placed on an imported product). ``undo_changeset`` refuses while anything
stands in the way, and otherwise, in one transaction: restores what the set deleted, puts changed
rows back (plain fields and tags directly; stock, status and tier through their services) and
deletes what the set created (through the delete services). The reads are set-based: a few
queries per model, however many rows the set holds.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.changesets.context import recording
from backoffice.changesets.models import ChangeKind, ChangeSet, tracked_models
from backoffice.changesets.recyclebin import restore_version
from backoffice.changesets.registry import rules_for
from backoffice.changesets.versions import as_row, in_chunks, links_of, versions_before
from backoffice.errors import ServiceError
from backoffice.history import record_history_from_rows

ALREADY_UNDONE = _("Change set #%(pk)s was already undone by change set #%(undo)s; undo that one instead.")
CHANGED_SINCE = _("changed since by %(who)s on %(when)s (%(reason)s)")
NO_EARLIER_VERSION = _("it has no version from before this change set")
UNDO_REFUSED = _("Nothing was undone: %(count)d row(s) cannot be put back. They are listed below with the reason.")
UNDO_REASON = "undo of change set #%(pk)s"
CHUNK = 2000


@dataclass
class Blocker:
    model: type
    pk: object
    label: str
    why: str


@dataclass
class ModelPlan:
    model: type
    created: list = field(default_factory=list)  # pks the set created: delete them
    deleted: list = field(default_factory=list)  # the set's "-" rows: restore them
    changed: list = field(default_factory=list)  # (before, after) history rows: put "before" back


@dataclass
class UndoPlan:
    changeset: ChangeSet
    models: list = field(default_factory=list)
    blockers: list = field(default_factory=list)

    @property
    def permissions(self):
        """What the undo writes needs: the permissions of the original changes, and ``undo_changeset``."""
        needed = {"changesets.undo_changeset"}
        for plan in self.models:
            opts = plan.model._meta
            if plan.changed:
                needed.add(f"{opts.app_label}.change_{opts.model_name}")
            if plan.created:
                needed.add(f"{opts.app_label}.delete_{opts.model_name}")
            if plan.deleted:
                needed.add(f"{opts.app_label}.add_{opts.model_name}")
        return needed


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_undo(changeset):
    plan = UndoPlan(changeset=changeset)
    undo = changeset.undos.order_by("pk").first()
    if undo is not None:
        raise ServiceError(ALREADY_UNDONE, code="already_undone", params={"pk": changeset.pk, "undo": undo.pk})
    for model in tracked_models():
        if model._meta.label_lower in changeset.counts:
            plan.models.append(_plan_model(model, changeset, plan.blockers))
    return plan


def _plan_model(model, changeset, blockers):
    history = model.history.model
    pk_name = model._meta.pk.attname
    rows = list(history.objects.filter(changeset=changeset).order_by("history_id"))
    first, last = {}, {}
    plan = ModelPlan(model=model)
    if not rows:
        return plan
    for row in rows:
        key = getattr(row, pk_name)
        first.setdefault(key, row)
        last[key] = row
    before_ids = versions_before(history, pk_name, first)
    for label, why in _changed_since(history, pk_name, changeset, last, rows[0].history_id):
        blockers.append(Blocker(model, label[0], label[1], why))
    rules = rules_for(model)
    created = [key for key, row in first.items() if row.history_type == "+" and last[key].history_type != "-"]
    if created and rules.in_use is not None:
        for chunk in _chunks(created):
            for key, why in rules.in_use(chunk).items():
                blockers.append(Blocker(model, key, str(as_row(last[key])), why))
    plan.created = created
    before_rows = {}
    wanted = [before_ids[key] for key, row in first.items() if row.history_type != "+" and key in before_ids]
    for rows in in_chunks(history, "history_id", wanted):
        before_rows.update((r.history_id, r) for r in rows)
    for key, row in first.items():
        if row.history_type == "+":
            continue
        if last[key].history_type == "-":
            plan.deleted.append(last[key])
        elif key not in before_ids:
            blockers.append(Blocker(model, key, str(as_row(row)), str(NO_EARLIER_VERSION)))
        else:
            plan.changed.append((before_rows[before_ids[key]], last[key]))
    return plan


def _changed_since(history, pk_name, changeset, last, first_id):
    """``((pk, label), why)`` for each of the set's rows with a history row written after the set's own."""
    for rows in in_chunks(history, pk_name, list(last)):
        later = (
            rows.filter(history_id__gt=first_id)
            .exclude(changeset=changeset)
            .select_related("history_user")
            .order_by("history_id")
        )
        seen = set()
        for row in later:
            key = getattr(row, pk_name)
            if row.history_id > last[key].history_id and key not in seen:
                seen.add(key)
                who = row.history_user or _("system")
                when = row.history_date.strftime("%Y-%m-%d %H:%M")
                yield (
                    (key, str(as_row(row))),
                    str(CHANGED_SINCE % {"who": who, "when": when, "reason": row.history_change_reason}),
                )


def undo_changeset(*, changeset, user):
    """Undo ``changeset`` or refuse it whole (``ServiceError`` code ``undo_blocked``, ``.blockers`` listed)."""
    plan = plan_undo(changeset)
    if plan.blockers:
        error = ServiceError(UNDO_REFUSED, code="undo_blocked", params={"count": len(plan.blockers)})
        error.blockers = plan.blockers
        raise error
    reason = UNDO_REASON % {"pk": changeset.pk}
    with transaction.atomic(), recording(kind=ChangeKind.UNDO, user=user, reason=reason, undo_of=changeset) as undo:
        by_rank = sorted(plan.models, key=lambda p: rules_for(p.model).delete_rank, reverse=True)
        for model_plan in by_rank:  # parents (categories) come back before their children
            for version in model_plan.deleted:
                restore_version(version, user=user, reason=reason)
        for model_plan in plan.models:
            _put_back(model_plan, user=user, reason=reason)
        for model_plan in reversed(by_rank):  # children (products) go before their parents
            _delete_created(model_plan, user=user, reason=reason)
    return undo


def _delete_created(plan, *, user, reason):
    if not plan.created:
        return
    rules = rules_for(plan.model)
    objs = list(plan.model._base_manager.filter(pk__in=plan.created).order_by("-pk"))
    rules.delete(objs, user=user, reason=reason)


def _put_back(plan, *, user, reason):
    """Changed rows: plain fields and links as they were, then stock and status through their services."""
    if not plan.changed:
        return
    model, rules = plan.model, rules_for(plan.model)
    pk_name = model._meta.pk.attname
    plain = rules.plain_fields()
    links = links_of(model, [h.history_id for pair in plan.changed for h in pair])
    plain_names = [f.attname for f in plain]

    def relinked(before, after):
        return links.get(before.history_id) != links.get(after.history_id)

    # Only the rows written here are read in full; a status change needs no more than the key.
    written = [
        getattr(after, pk_name)
        for before, after in plan.changed
        if relinked(before, after)
        or any(getattr(before, name) != getattr(after, name) for name in plain_names)
        or (rules.apply_stock is not None and before.stock != after.stock)
    ]
    live = {}
    for chunk in _chunks(written):
        live.update((obj.pk, obj) for obj in model._base_manager.filter(pk__in=chunk))
    rewritten, replain, fields, relink = [], [], set(), defaultdict(dict)
    stock, statuses = {}, defaultdict(list)
    for before, after in plan.changed:
        obj = live.get(getattr(after, pk_name)) or model(pk=getattr(after, pk_name))
        differs = [f for f in plain if getattr(before, f.attname) != getattr(after, f.attname)]
        for f in differs:
            setattr(obj, f.attname, getattr(before, f.attname))
        fields.update(f.attname for f in differs)
        if differs:
            replain.append(obj)
        for name, pks in links.get(before.history_id, {}).items():
            if pks != links[after.history_id][name]:
                relink[obj][name] = pks
        if differs or obj in relink:
            rewritten.append(obj)
        if rules.apply_stock is not None and before.stock != after.stock:
            stock[obj] = before.stock - after.stock
        if rules.status_field and getattr(before, rules.status_field) != getattr(after, rules.status_field):
            statuses[getattr(before, rules.status_field)].append(obj)
    if replain:
        model._base_manager.bulk_update(replain, sorted(fields), batch_size=1000)
    for obj, names in relink.items():
        for name, pks in names.items():
            obj.skip_history_when_saving = True
            getattr(obj, name).set(list(pks))
            del obj.skip_history_when_saving
    if rewritten:
        record_history_from_rows(model, rewritten, user=user, reason=reason)
    if stock:
        rules.apply_stock(stock, user=user, reason=reason)
    for value, objs in statuses.items():
        rules.apply_status(objs, value, user=user, reason=reason)
