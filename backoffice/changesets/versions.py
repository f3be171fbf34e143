"""What a version page and a history page show beyond simple-history's own fields.

simple-history fills a version's many-to-many fields from today's links and knows nothing of child
rows (an order's lines); these read them from their own history, as they were at that version.
"""

from collections import defaultdict
from dataclasses import dataclass

from backoffice.importing import pgcopy
from backoffice.sql import history_model_of_m2m

CHILD_ROWS_SHOWN = 200
CHUNK = 2000


def as_row(version):
    """The tracked row as ``version`` holds it, without a query (simple-history's ``instance`` reads the
    live row for the fields history leaves out; a deleted row has none: they take their defaults)."""
    model = version.instance_type
    return model(**{f.attname: getattr(version, f.attname) for f in type(version).tracked_fields})


def version_links(version):
    """``{m2m field name: [pks]}`` as the version's snapshot holds them (a product's tags then)."""
    model = version.instance_type
    links = {}
    for field in getattr(type(version), "_history_m2m_fields", []):
        snapshot = history_model_of_m2m(model, field)
        target = f"{field.m2m_reverse_field_name()}_id"
        links[field.name] = list(snapshot.objects.filter(history_id=version.history_id).values_list(target, flat=True))
    return links


def in_chunks(model, name, values):
    """Querysets of ``model`` whose ``name`` is among ``values``: on PostgreSQL one array per 20,000 values."""
    size = pgcopy.ANY_CHUNK if pgcopy.available() else CHUNK
    for start in range(0, len(values), size):
        yield model.objects.filter(pgcopy.column_in(model, name, values[start : start + size]))


def versions_before(history, pk_name, first):
    """``{pk: history_id}``: for ``first`` (``{pk: history row}``), each row's latest version before that one.

    The keys of all the rows' versions by one indexed lookup on the row's key (a few per row),
    the latest picked here: a correlated ``MAX`` per row was left to the planner's guess of a
    just-written table's size, and on 10,000 rows it guessed a scan per row.
    """
    before = {}
    keys = [key for key, row in first.items() if row.history_type != "+"]
    for rows in in_chunks(history, pk_name, keys):
        for key, history_id in rows.filter(history_id__lt=max(r.history_id for r in first.values())).values_list(
            pk_name, "history_id"
        ):
            if history_id < first[key].history_id and history_id > before.get(key, 0):
                before[key] = history_id
    return before


def links_of(model, history_ids):
    """``{history_id: {m2m field name: set of pks}}`` for many history rows: one query per field and chunk."""
    from backoffice.changesets.registry import rules_for

    history_ids = list(history_ids)
    links = defaultdict(dict)
    for m2m in rules_for(model).m2m_fields():
        snapshot = history_model_of_m2m(model, m2m)
        target = f"{m2m.m2m_reverse_field_name()}_id"
        found = defaultdict(set)
        for rows in in_chunks(snapshot, "history", history_ids):
            for history_id, pk in rows.values_list("history_id", target):
                found[history_id].add(pk)
        for history_id in history_ids:
            links[history_id][m2m.name] = found.get(history_id, set())
    return links


def link_changes(model, row, before, links):
    """simple-history's ``ModelChange``-like rows for the many-to-many fields that differ (names, not ids)."""
    changes = []
    for name, pks in links.get(row.history_id, {}).items():
        old = links.get(before.history_id, {}).get(name, set()) if before is not None else set()
        if pks != old:
            changes.append(LinkChange(field=name, old=sorted(old), new=sorted(pks)))
    return changes


@dataclass
class LinkChange:
    field: str
    old: list
    new: list


def child_fk(child, parent):
    return next(f for f in child._meta.concrete_fields if f.is_relation and f.related_model is parent)


def children_as_of(child, parent_version):
    """The child rows (an order's lines) while ``parent_version`` stood: their latest versions before the next one.

    Lines change without a new version of their order (a draft's quantity), and are written just
    after it (placement): the version's time alone would miss them.
    """
    parent = parent_version.instance_type
    fk = child_fk(child, parent)
    parent_pk = getattr(parent_version, parent._meta.pk.attname)
    following = (
        parent.history.filter(**{parent._meta.pk.attname: parent_pk}, history_id__gt=parent_version.history_id)
        .order_by("history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    rows = child.history.filter(**{fk.attname: parent_pk})
    if following is not None:
        rows = rows.filter(history_date__lt=following)
    rows = rows.order_by("history_date", "history_id").select_related(
        *[f.name for f in child._meta.concrete_fields if f.is_relation and f is not fk]
    )
    latest = {}
    for row in rows[: CHILD_ROWS_SHOWN * 10]:
        latest[getattr(row, child._meta.pk.attname)] = row
    return [row for row in latest.values() if row.history_type != "-"][:CHILD_ROWS_SHOWN]


def children_history(child, parent_pk, parent):
    """The child rows' history (newest first) with each row's changed fields against its previous version."""
    fk = child_fk(child, parent)
    rows = list(
        child.history.filter(**{fk.attname: parent_pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")[:CHILD_ROWS_SHOWN]
    )
    previous = {}
    for row in rows:
        key = getattr(row, child._meta.pk.attname)
        before = previous.get(key)
        row.child_changes = before and row.diff_against(before, excluded_fields=["created_at", "updated_at"]).changes
        previous[key] = row
    return list(reversed(rows))


def _cells(row, fields):
    return [getattr(row, name) for name in fields]


def version_context(version, children=()):
    """``children``: ``[(child model, [field names])]``: each shown as a table of its rows at the version."""
    tables = []
    for child, fields in children:
        tables.append(
            {
                "title": child._meta.verbose_name_plural,
                "headers": [child._meta.get_field(name).verbose_name for name in fields],
                "rows": [_cells(row, fields) for row in children_as_of(child, version)],
            }
        )
    return {"version_children": tables}


def history_context(parent, parent_pk, children=()):
    """The history page's extra tables: each child's changes (a line's quantity and price) beside the row's own."""
    tables = []
    for child, fields in children:
        rows = children_history(child, parent_pk, parent)
        tables.append(
            {
                "title": child._meta.verbose_name_plural,
                "rows": [
                    {"record": row, "object": ", ".join(str(value) for value in _cells(row, fields))} for row in rows
                ],
            }
        )
    return {"child_history": tables}
