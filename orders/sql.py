"""The orders app's raw SQL: set-based recounts of the figures stored from orders.

Named functions with named parameters (``%(name)s``); tables and columns come from the models'
meta, never from input (hence the ``noqa: S608``). The dialect is ``backoffice.db``'s:
``update_joined`` writes the UPDATE in each database's syntax, ``in_values`` the id lists. The
rules (which statuses count, the tier rates) are the callers' (``orders.recount``); nothing here
decides them.
"""

from backoffice.db import capabilities, in_values, update_joined
from inventory.models import Product
from orders.models import Customer, Order, OrderLine

ORDERS, LINES, CUSTOMERS, PRODUCTS = (m._meta.db_table for m in (Order, OrderLine, Customer, Product))
# Products per statement where a correlated count is written per product (no arrays).
UNITS_SOLD_BATCH = 2000


def _tier_rate_case(tier_rates, column):
    """``CASE <column> WHEN %(tier_0)s THEN %(rate_0)s ... ELSE 0 END`` and its parameters."""
    params, whens = {}, []
    for index, (tier, rate) in enumerate(tier_rates.items()):
        params[f"tier_{index}"], params[f"rate_{index}"] = str(tier), rate
        whens.append(f"WHEN %(tier_{index})s THEN %(rate_{index})s")
    return f"CASE {column} {' '.join(whens)} ELSE 0 END", params


def _among(column, name, ids, connection, *, joiner=" AND "):
    """``<joiner><column> IN ids`` and its parameters; nothing when ``ids`` is None (all rows)."""
    if ids is None:
        return "", {}
    sql, params = in_values(column, name, ids, connection)
    return joiner + sql, params


def store_order_totals(connection, *, tier_rates, draft, ids=None):
    """Placed figures of every non-draft order (or of ``ids``) from its lines; returns rows written.

    ``placed_subtotal`` = the lines' sum, ``placed_total`` = ``ROUND(subtotal * (1 - rate), 2)`` with
    the rate kept on the order, else the customer's tier rate from ``tier_rates``;
    ``placed_line_count`` = the lines. Then orders without lines whose figures are unset get zeros.
    """
    rate_case, params = _tier_rate_case(tier_rates, "c.tier")
    params["draft"] = draft
    only_orders, id_params = _among("o.id", "order_ids", ids, connection)
    only_lines, _same = _among("order_id", "order_ids", ids, connection, joiner=" WHERE ")
    params.update(id_params)
    lines = (
        f"(SELECT order_id, SUM(quantity * unit_price) AS subtotal, COUNT(*) AS n FROM {LINES}{only_lines}"  # noqa: S608
        " GROUP BY order_id)"
    )
    totals = update_joined(
        connection,
        table=ORDERS,
        alias="o",
        sets={
            "placed_subtotal": "l.subtotal",
            "placed_total": f"ROUND(l.subtotal * (1 - COALESCE(o.discount_rate, {rate_case})), 2)",
            "placed_line_count": "l.n",
        },
        joins=[(lines, "l", "l.order_id = o.id"), (CUSTOMERS, "c", "c.id = o.customer_id")],
        where=f"o.status <> %(draft)s{only_orders}",
    )
    # A placed order without lines (none can be placed; rows loaded in bulk might be) totals 0.
    only_empty, _same = _among("id", "order_ids", ids, connection)
    empty = (
        f"UPDATE {ORDERS} SET placed_subtotal = 0, placed_total = 0, placed_line_count = 0"  # noqa: S608
        f" WHERE status <> %(draft)s AND placed_total IS NULL{only_empty}"
        f" AND NOT EXISTS (SELECT 1 FROM {LINES} WHERE order_id = {ORDERS}.id)"
    )
    return _execute_all(connection, [totals, empty], params)


def store_customer_stats(connection, *, revenue_statuses, draft, ids=None):
    """Stored order figures of every customer (or of ``ids``) from the orders; returns rows written.

    Non-draft orders count; the lifetime value sums ``placed_total`` of orders in
    ``revenue_statuses``; the last order is the newest by placed_at, then number (looked up per
    customer in ``order_customer_cover_idx``). Then customers without such orders are zeroed
    where their figures say otherwise.
    """
    revenue, params = in_values("status", "revenue", [str(s) for s in revenue_statuses], connection)
    params["draft"] = draft
    only_orders, id_params = _among("customer_id", "customer_ids", ids, connection)
    only_customers, _same = _among("c.id", "customer_ids", ids, connection)
    only_rows, _same = _among("id", "customer_ids", ids, connection)
    params.update(id_params)
    stats = (
        "(SELECT customer_id, COUNT(*) AS n,"  # noqa: S608
        f" SUM(CASE WHEN {revenue} THEN COALESCE(placed_total, 0) ELSE 0 END) AS v,"
        f" MAX(placed_at) AS last_at FROM {ORDERS} WHERE status <> %(draft)s{only_orders} GROUP BY customer_id)"
    )
    # The newest order's number: the highest number among the orders placed at the newest time.
    last_number = (
        f"(SELECT MAX(lo.number) FROM {ORDERS} lo WHERE lo.customer_id = s.customer_id"  # noqa: S608
        " AND lo.status <> %(draft)s AND lo.placed_at = s.last_at)"
    )
    figures = update_joined(
        connection,
        table=CUSTOMERS,
        alias="c",
        sets={
            "order_count": "s.n",
            "lifetime_value": "s.v",
            "last_order_number": last_number,
            "last_order_at": "s.last_at",
        },
        joins=[(stats, "s", "s.customer_id = c.id")],
        where=f"1 = 1{only_customers}",
    )
    never = (
        f"UPDATE {CUSTOMERS} SET order_count = 0, lifetime_value = 0, last_order_at = NULL,"  # noqa: S608
        " last_order_number = NULL WHERE (order_count <> 0 OR lifetime_value <> 0 OR last_order_at IS NOT NULL"
        f" OR last_order_number IS NOT NULL){only_rows}"
        f" AND NOT EXISTS (SELECT 1 FROM {ORDERS} WHERE {ORDERS}.customer_id = {CUSTOMERS}.id"
        f" AND {ORDERS}.status <> %(draft)s)"
    )
    return _execute_all(connection, [figures, never], params)


def store_units_sold(connection, *, sale_statuses, ids=None):
    """``units_sold`` of every product (or of ``ids``) from the lines of orders in ``sale_statuses``.

    Only rows whose count differs are written; returns how many. With arrays (PostgreSQL) one
    ``UPDATE ... FROM`` a ``GROUP BY`` over the lines of sales (one hash join of the lines and the
    orders); elsewhere a correlated sum per product, in batches of ids.
    """
    sold, params = in_values("o.status", "sale", [str(s) for s in sale_statuses], connection)
    lines_sold = f"{LINES} l INNER JOIN {ORDERS} o ON o.id = l.order_id WHERE {sold}"
    if capabilities(connection).arrays:
        only_lines, id_params = _among("l.product_id", "product_ids", ids, connection)
        only_products, _same = _among("q.id", "product_ids", ids, connection)
        sql = (
            f"UPDATE {PRODUCTS} AS p SET units_sold = COALESCE(s.units, 0) FROM {PRODUCTS} AS q"  # noqa: S608
            f" LEFT JOIN (SELECT l.product_id, SUM(l.quantity) AS units FROM {lines_sold}{only_lines}"
            " GROUP BY l.product_id) AS s ON s.product_id = q.id"
            f" WHERE p.id = q.id AND p.units_sold <> COALESCE(s.units, 0){only_products}"
        )
        return _execute_all(connection, [sql], {**params, **id_params})
    count = f"COALESCE((SELECT SUM(l.quantity) FROM {lines_sold} AND l.product_id = {PRODUCTS}.id), 0)"  # noqa: S608
    sql = f"UPDATE {PRODUCTS} SET units_sold = {count} WHERE units_sold <> {count}"  # noqa: S608
    if ids is None:
        return _execute_all(connection, [sql], params)
    changed = 0
    for start in range(0, len(ids), UNITS_SOLD_BATCH):
        only, id_params = _among("id", "product_ids", ids[start : start + UNITS_SOLD_BATCH], connection)
        changed += _execute_all(connection, [sql + only], {**params, **id_params})
    return changed


def _execute_all(connection, statements, params):
    """Run ``statements`` with ``params`` (each takes the names it uses); the rows they wrote, summed."""
    written = 0
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, {name: value for name, value in params.items() if f"%({name})s" in statement})
            written += cursor.rowcount
    return written
