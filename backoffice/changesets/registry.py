"""What revert, undo and restore may write on each tracked model, and which service writes the rest.

The kernel knows no shop model: each app registers its rules (``inventory/changesets.py``,
``orders/changesets.py``) when it is ready. A field a service owns (a product's status, an order's
status, a customer's tier) is written only by that service; the fields in ``kept`` (stock, units
sold, stored order figures) are never written at all: they follow their movements and orders.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

IN_USE = _("%(obj)s is still used by other rows (orders, products or sub-categories); nothing was changed.")
TAKEN = _("its %(field)s “%(value)s” is taken since by %(holder)s")
GONE = _("its %(field)s is gone; %(what)s")

_RULES = {}


@dataclass(frozen=True)
class ModelRules:
    model: type
    # The field a service owns, and ``apply(objs, value, *, user, reason)``: set it to ``value`` on ``objs``.
    status_field: str = ""
    apply_status: object = None
    kept: frozenset = field(default_factory=frozenset)
    # ``delete(objs, *, user, reason)``: refuse (ServiceError) or delete with history.
    delete: object = None
    # ``in_use(pks)`` -> ``{pk: why}``: created rows that others now depend on (an order on a product).
    in_use: object = None
    # ``apply_stock({obj: delta}, *, user, reason)``: stock put back through the stock service.
    apply_stock: object = None
    # ``{foreign key: what to do}``: a deleted row whose parent is gone cannot come back.
    parents: dict = field(default_factory=dict)
    # ``after_restore(obj, version, *, user, reason)``: links and figures a restore puts back.
    after_restore: object = None
    # Undo deletes the models created in one set in this order (products before their categories).
    delete_rank: int = 0
    restorable: bool = True

    def plain_fields(self):
        """Fields a revert or undo writes directly: the editable ones no service owns."""
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in self.kept and f.name != self.status_field
        ]

    def m2m_fields(self):
        return [f for f in self.model._meta.many_to_many if f.name not in self.kept]


def register(rules):
    _RULES[rules.model._meta.label_lower] = rules


def rules_for(model):
    try:
        return _RULES[model._meta.label_lower]
    except KeyError:
        return ModelRules(model=model, restorable=False)


def restorable_models():
    return [rules.model for rules in _RULES.values() if rules.restorable]


def delete_with_history(objs, *, user, reason):
    """Delete rows one by one (each with its history row); a row others still need refuses all."""
    from django.db.models import ProtectedError, RestrictedError

    from backoffice.errors import ServiceError
    from backoffice.history import stamp

    for obj in objs:
        try:
            stamp(obj, user=user, reason=reason).delete()
        except (ProtectedError, RestrictedError):
            raise ServiceError(IN_USE, code="in_use", params={"obj": obj}) from None


def restore_blockers(model, versions):
    """``{history_id: why}`` for deleted rows that cannot come back: a unique value taken since, a parent gone.

    One query per unique field and per parent, however many rows (the recycle bin's page).
    """
    rules = rules_for(model)
    versions = list(versions)
    why = {}
    for f in model._meta.concrete_fields:
        if not f.unique or f.primary_key:
            continue
        values = {getattr(v, f.attname) for v in versions} - {None, ""}
        lookup = f"{f.attname}__in"
        holders = {}
        for holder in model._base_manager.filter(**{lookup: values}) if values else []:
            holders[_key(f, getattr(holder, f.attname))] = holder
        for v in versions:
            holder = holders.get(_key(f, getattr(v, f.attname)))
            if holder is not None and holder.pk != v.pk:
                why.setdefault(v.history_id, str(TAKEN % {"field": f.verbose_name, "value": getattr(v, f.attname),
                                                           "holder": holder}))  # fmt: skip
    for name, what_to_do in rules.parents.items():
        f = model._meta.get_field(name)
        wanted = {getattr(v, f.attname) for v in versions} - {None}
        present = set(f.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        for v in versions:
            if getattr(v, f.attname) is not None and getattr(v, f.attname) not in present:
                why.setdefault(v.history_id, str(GONE % {"field": f.verbose_name, "what": what_to_do}))
    return why


def _key(f, value):
    # E-mail addresses are unique without regard to case (orders' customer e-mail index).
    return value.lower() if f.name == "email" and isinstance(value, str) else value
