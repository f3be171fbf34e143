"""History for bulk writes, which simple-history does not record by itself.

``bulk_history_create`` writes one historical row per object but leaves many-to-many
snapshots (a product's tags) empty, so a later revert would drop them; ``record_bulk_history``
writes both.
"""

from django.utils import timezone


def record_bulk_history(model, objs, *, user, reason, update=True, batch_size=1000):
    objs = list(objs)
    if not objs:
        return []
    now = timezone.now()
    history_rows = model.history.bulk_history_create(
        objs,
        batch_size=batch_size,
        update=update,
        default_user=user,
        default_change_reason=reason,
        default_date=now,
    )
    m2m_fields = getattr(model.history.model, "_history_m2m_fields", [])
    if m2m_fields:
        by_pk = {row.id: row for row in history_rows}
        for field in m2m_fields:
            _snapshot_m2m(model, field, by_pk, batch_size)
    return history_rows


def _snapshot_m2m(model, field, history_by_pk, batch_size):
    through = getattr(model, field.name).through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    history_m2m = _history_m2m_model(model, field)
    rows = []
    links = through.objects.filter(**{f"{source}__in": list(history_by_pk)})
    for link in links.values("id", f"{source}_id", f"{target}_id"):
        rows.append(
            history_m2m(
                id=link["id"],
                history=history_by_pk[link[f"{source}_id"]],
                **{f"{source}_id": link[f"{source}_id"], f"{target}_id": link[f"{target}_id"]},
            )
        )
    history_m2m.objects.bulk_create(rows, batch_size=batch_size)


def _history_m2m_model(model, field):
    from django.apps import apps

    return apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field.name}")
