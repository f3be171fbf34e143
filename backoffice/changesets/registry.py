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
    # ``why_not_restorable(version)`` -> text or "": a deleted row that cannot come back.
    why_not_restorable: object = None
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


def stamp(instance, user, reason):
    instance._history_user = user
    instance._change_reason = reason
    return instance


def delete_with_history(objs, *, user, reason):
    """Delete rows one by one (each with its history row); a row others still need refuses all."""
    from django.db.models import ProtectedError, RestrictedError

    from backoffice.errors import ServiceError

    for obj in objs:
        try:
            stamp(obj, user, reason).delete()
        except (ProtectedError, RestrictedError):
            raise ServiceError(IN_USE, code="in_use", params={"obj": obj}) from None


def taken(model, *, field_name, value, exclude_pk=None):
    """The row holding ``value`` in a unique field now (a restore cannot take it), or None."""
    lookup = f"{field_name}__iexact" if field_name == "email" else field_name
    rows = model._base_manager.filter(**{lookup: value})
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.first()


def unique_clash(model, version):
    """``"SKU X is taken by ..."`` for the first unique field of ``version`` another row holds now."""
    for f in model._meta.concrete_fields:
        value = getattr(version, f.attname, None)
        if f.unique and not f.primary_key and value not in (None, ""):
            holder = taken(model, field_name=f.name, value=value, exclude_pk=version.pk)
            if holder is not None:
                return str(TAKEN % {"field": f.verbose_name, "value": value, "holder": holder})
    return ""


def missing_parent(version, field_name, what_to_do):
    """``"its category is gone ..."`` when the row a foreign key of ``version`` names no longer exists."""
    f = version.instance_type._meta.get_field(field_name)
    pk = getattr(version, f.attname)
    if pk is not None and not f.related_model._base_manager.filter(pk=pk).exists():
        return str(GONE % {"field": f.verbose_name, "what": what_to_do})
    return ""
