"""The inventory app's raw SQL: the bulk status change as one statement per batch.

Named parameters (``%(name)s``); table and column names come from the models' meta, never from
input (hence the ``noqa: S608``). Needs arrays and data-modifying CTEs (PostgreSQL: callers check
``backoffice.db.capabilities``).
"""

from backoffice.sql import history_insert, history_params, snapshot_inserts
from inventory.models import Product

PRODUCTS = Product._meta.db_table


def set_status_of_locked(cursor, *, locked, ids, to_status, publishing, now, skip, user, reason):
    """Lock, update, copy history and tag snapshots in one statement; ``[(id, status before)]`` of the locked.

    ``locked`` is the products' lock as SQL text with its values in it (the services' one lock
    query, ``inventory.services.products_to_lock``, so the order and the strength are the same
    as everywhere else). ``ids`` are the same products again, for the UPDATE and the tag snapshots
    to use their indexes. Products whose status is in ``skip`` are locked and left alone. The
    history rows are copied from the UPDATE's RETURNING (the rows as written), as
    ``record_history_from_rows`` copies them from the table.
    """
    publish = ", published_at = COALESCE(p.published_at, %(now)s)" if publishing else ""
    ctes = [
        f"locked AS ({locked.replace('%', '%%')})",
        f"changed AS (UPDATE {PRODUCTS} AS p SET status = %(status)s{publish}, updated_at = %(now)s FROM locked"  # noqa: S608
        " WHERE p.id = ANY(%(ids)s) AND p.id = locked.id AND NOT locked.status = ANY(%(skip)s) RETURNING p.*)",
        f"written AS ({history_insert(Product, 'changed')})",
        *(f"snapshot{i} AS ({sql})" for i, sql in enumerate(snapshot_inserts(Product, "written", among="ids"))),
    ]
    statement = "WITH " + ", ".join(ctes) + " SELECT id, status FROM locked ORDER BY id"  # noqa: S608
    params = {"ids": list(ids), "status": to_status, "now": now, "skip": [str(status) for status in skip]}
    cursor.execute(statement, {**params, **history_params(user=user, reason=reason)})
    return cursor.fetchall()
