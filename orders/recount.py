"""Stored figures from the orders, recounted set-based: for rows written without the services.

The services keep ``Order.placed_*``, the customer's order figures and ``Product.units_sold``
up to date as they write (``orders.services``, ``inventory.services.apply_stock_changes``). These
recounts set them from the rows instead, for data that did not go through the services: bulk
loads (``seed_demo``'s COPY, fixtures), factories in tests, and as a repair. Their definitions are
the querysets' (``OrderQuerySet.with_totals()``, ``CustomerQuerySet.with_order_stats_from_orders()``,
``units_sold_from_lines()``); the SQL is ``orders.sql``'s. No history rows: the figures are derived
from rows that have their own history. None of them locks: run them when no order is being
placed or cancelled (a count read before a concurrent sale commits would overwrite that sale).

Units sold live on the product (inventory) but are counted from order lines, so their recount
is here: inventory does not import orders.
"""

from django.db import connections

from orders import sql
from orders.choices import REVENUE_STATUSES, OrderStatus
from orders.pricing import TIER_DISCOUNT_RATES


def _store(store, ids, using, **rules):
    """``store`` (an ``orders.sql`` function) on every row, or on the distinct integer keys ``ids``."""
    keys = None if ids is None else sorted({int(pk) for pk in ids})
    if keys == []:
        return 0
    return store(connections[using], ids=keys, **rules)


def recount_order_totals(order_ids=None, using="default"):
    """Set the stored figures of placed (non-draft) orders from their lines; returns orders updated.

    The arithmetic of ``OrderQuerySet.with_totals()``: ``ROUND(subtotal * (1 - rate), 2)``, the rate
    kept at placement or else the customer's tier rate. ``order_ids`` limits it to those orders.
    """
    return _store(
        sql.store_order_totals, order_ids, using, tier_rates=TIER_DISCOUNT_RATES, draft=str(OrderStatus.DRAFT)
    )


def recount_customer_stats(customer_ids=None, using="default"):
    """Set customers' stored order figures from their orders; returns customers updated.

    The definition of ``CustomerQuerySet.with_order_stats_from_orders()``: every non-draft order
    counts, the lifetime value sums ``placed_total`` (run ``recount_order_totals`` first) of orders
    in ``REVENUE_STATUSES``, the last order is the newest by placed_at then number. Customers
    without placed orders whose figures say otherwise are zeroed. ``customer_ids`` limits both.
    """
    return _store(
        sql.store_customer_stats, customer_ids, using, revenue_statuses=REVENUE_STATUSES, draft=str(OrderStatus.DRAFT)
    )


def recount_units_sold(product_ids=None, using="default"):
    """Set ``Product.units_sold`` from the lines of orders in ``REVENUE_STATUSES``; returns products changed.

    The definition of ``units_sold_from_lines()``. Only products whose count differs are written.
    """
    return _store(sql.store_units_sold, product_ids, using, sale_statuses=REVENUE_STATUSES)
