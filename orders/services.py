"""Order placement and the order lifecycle: the only write path for orders and their stock.

It also keeps each customer's stored order figures (``Customer.order_count``, ``lifetime_value``,
``last_order_at``, ``last_order_number``): one UPDATE of the customer row in the order's
transaction, with increments (``x = x + n``), never a read-then-write, so two orders of one
customer placed at once both count (a recount's subqueries would not see the other transaction's
order). Lock order on PostgreSQL: products (``apply_stock_changes``), then the customer row
(this UPDATE, last in the transaction); a transition locks its order row alone
(``FOR UPDATE OF``) before, and the order's foreign-key check takes ``FOR KEY SHARE`` on the
customer at commit, which the UPDATE's ``FOR NO KEY UPDATE`` does not block. Without ``FOR NO KEY
UPDATE`` (MariaDB) an order's insert takes a shared lock on its customer that two placements would
deadlock upgrading: there the customer is locked first, before the products, in placement and
transition alike (``orders/tests/services/test_concurrency.py`` mixes both on PostgreSQL).
"""

import logging
from collections import OrderedDict
from decimal import Decimal

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.bulk import BulkResult
from backoffice.errors import ServiceError
from backoffice.history import record_bulk_history
from backoffice.validators import whole_number
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product
from inventory.services import apply_stock_changes, lock_products_for_order
from orders.choices import ALLOWED_TRANSITIONS, REVENUE_STATUSES, STOCK_HOLDING_STATUSES, CustomerTier, OrderStatus
from orders.customers import order_address_fields
from orders.models import Customer, Order, OrderLine, OrderNumber
from orders.pricing import TIER_DISCOUNT_RATES, discount_rate_for, order_totals

logger = logging.getLogger(__name__)
LIFETIME_VALUE = Customer._meta.get_field("lifetime_value")

EMPTY_ORDER = _("An order needs at least one line.")
INVALID_QUANTITY = _("Quantity of %(sku)s must be a whole number of at least 1 (got %(quantity)s).")
PRODUCT_NOT_FOR_SALE = _("%(sku)s cannot be ordered: it is %(status)s. Publish it first.")
INVALID_TRANSITION = _("Order %(number)s cannot move from %(from)s to %(to)s. Allowed from %(from)s: %(allowed)s.")
UNKNOWN_STATUS = _("%(status)s is not an order status.")
UNKNOWN_TIER = _("%(tier)s is not a customer tier.")
SKIP_SAME_TIER = _("already in that tier")

ORDER_SHIPPED_SUBJECT = "Your order %(number)s is on its way"


def next_order_number(when=None):
    """``ORD-2026-000123``. Each call inserts into the number sequence: unique under concurrency."""
    when = when or timezone.now()
    return f"ORD-{when.year}-{OrderNumber.objects.create().pk:06d}"


def sync_order_number_sequence():
    """After rows were loaded with their own numbers (fixtures, seed_demo), move the sequence past them."""
    from django.core.management.color import no_style
    from django.db import connection

    highest = 0
    for number in Order.objects.values_list("number", flat=True).iterator():
        tail = number.rsplit("-", 1)[-1]
        if tail.isdigit():
            highest = max(highest, int(tail))
    if highest and not OrderNumber.objects.filter(pk__gte=highest).exists():
        OrderNumber.objects.create(pk=highest)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [OrderNumber]):
            cursor.execute(sql)


def _merge_lines(lines):
    """``[(product, quantity)]`` -> ``{product: quantity}``; lines for one product are merged."""
    merged = OrderedDict()
    by_pk = {}
    for product, quantity in lines:
        whole = whole_number(quantity)
        if whole is None or whole < 1:
            raise ServiceError(
                INVALID_QUANTITY, code="invalid_quantity", params={"sku": product.sku, "quantity": quantity}
            )
        quantity = whole
        product = by_pk.setdefault(product.pk, product)
        merged[product] = merged.get(product, 0) + quantity
    if not merged:
        raise ServiceError(EMPTY_ORDER, code="empty_order", field="lines")
    return merged


def _priced_products(product_ids):
    """Read the products' effective prices and refuse any not for sale.

    No lock here: the products are locked last, when the stock is taken (``_take_stock``), so
    that concurrent orders of one product wait for each other only for that step (bench/).
    """
    priced = {p.pk: p for p in Product.objects.filter(pk__in=product_ids).with_effective_price()}
    _refuse_not_for_sale(priced.values())
    return priced


def _refuse_not_for_sale(products):
    for product in sorted(products, key=lambda p: p.pk):
        if product.status != ProductStatus.PUBLISHED:
            raise ServiceError(
                PRODUCT_NOT_FOR_SALE,
                code="product_not_for_sale",
                params={"sku": product.sku, "status": product.get_status_display().lower()},
                field="product",
            )


def _take_stock(order, changes, user):
    """The last step of placing an order: lock the products (pk order) and take their stock.

    Checks again, under the lock, that they are still for sale: a product unpublished since its
    price was read refuses the order, and the transaction undoes everything.
    """
    apply_stock_changes(changes=changes, reason=MovementReason.SALE, user=user, order=order)
    _refuse_not_for_sale(Product.objects.filter(pk__in=[p.pk for p in changes]).only("pk", "sku", "status"))


def _stamp(instance, user, reason):
    instance._history_user = user
    instance._change_reason = reason
    return instance


@transaction.atomic
def place_order(*, customer, lines, user, shipping=None, notes=""):
    """Place an order: lines at today's effective prices, stock taken, one transaction.

    ``lines`` is ``[(product, quantity)]``; two lines for one product are merged into one.
    Refuses an empty order, quantities below 1, products that are not published, and
    quantities beyond stock (unless the product takes backorders). Nothing is written then.
    """
    merged = _merge_lines(lines)
    _lock_customer_for_order(customer.pk)
    lock_products_for_order([p.pk for p in merged])
    priced = _priced_products([p.pk for p in merged])
    now = timezone.now()
    order = Order(
        number=next_order_number(now),
        customer=customer,
        status=OrderStatus.PLACED,
        placed_at=now,
        discount_rate=discount_rate_for(customer.tier),
        notes=notes,
        created_by=user if getattr(user, "pk", None) else None,
        **order_address_fields(customer, shipping=shipping),
    )
    lines = [
        OrderLine(order=order, product=product, quantity=quantity, unit_price=priced[product.pk].effective_price)
        for product, quantity in merged.items()
    ]
    _store_totals(order, lines)
    _stamp(order, user, "placed").save()
    for line in lines:
        line.order = order  # the saved order: its pk for the line
        _stamp(line, user, f"placed in {order.number}").save()
    _take_stock(order, {product: -quantity for product, quantity in merged.items()}, user)
    _count_placed_order(order)
    return order


@transaction.atomic
def create_draft_order(*, customer, lines, user, shipping=None, notes=""):
    """A draft: no stock taken, prices shown at today's value and fixed again when it is placed."""
    merged = _merge_lines(lines)
    priced = {p.pk: p for p in Product.objects.filter(pk__in=[p.pk for p in merged]).with_effective_price()}
    order = Order(
        number=next_order_number(),
        customer=customer,
        status=OrderStatus.DRAFT,
        notes=notes,
        created_by=user if getattr(user, "pk", None) else None,
        **order_address_fields(customer, shipping=shipping),
    )
    _stamp(order, user, "draft created").save()
    for product, quantity in merged.items():
        line = OrderLine(order=order, product=product, quantity=quantity, unit_price=priced[product.pk].effective_price)
        _stamp(line, user, f"added to draft {order.number}").save()
    return order


@transaction.atomic
def transition_order(*, order, to_status, user, reason=""):
    """Move an order along its lifecycle; the only way an order's status changes.

    Placing a draft fixes its prices and takes stock; cancelling or refunding an order that
    holds stock returns it (once: cancelled and refunded orders cannot move again).
    """
    if to_status not in OrderStatus.values:
        raise ServiceError(UNKNOWN_STATUS, code="unknown_status", params={"status": to_status}, field="status")
    # Only the order row where the database can say so (PostgreSQL): the customer row is updated
    # last, after the products are locked (_count_placed_order), as place_order does; locking it
    # here first would deadlock with a placement for the same customer holding a product it needs.
    # Without OF (MariaDB) the customer is locked with the order, as place_order locks it first there.
    of = ("self",) if connection.features.has_select_for_update_of else ()
    locked = Order.objects.select_for_update(of=of).select_related("customer").get(pk=order.pk)
    from_status = locked.status
    allowed = ALLOWED_TRANSITIONS[from_status]
    if to_status not in allowed:
        raise ServiceError(
            INVALID_TRANSITION,
            code="invalid_transition",
            params={
                "number": locked.number,
                "from": from_status,
                "to": to_status,
                "allowed": ", ".join(allowed) or _("nothing (final status)"),
            },
            field="status",
        )
    lines = list(locked.lines.select_related("product").order_by("product_id"))
    history_reason = reason or f"status {from_status} -> {to_status}"
    if to_status == OrderStatus.PLACED:
        _place_draft(locked, lines, user, history_reason)
        _count_placed_order(locked)
    elif to_status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) and from_status in STOCK_HOLDING_STATUSES:
        apply_stock_changes(
            changes={line.product: line.quantity for line in lines},
            reason=MovementReason.CANCELLATION if to_status == OrderStatus.CANCELLED else MovementReason.REFUND,
            user=user,
            order=locked,
            note=reason,
        )
    if from_status in REVENUE_STATUSES and to_status not in REVENUE_STATUSES:
        _uncount_revenue(locked)
    locked.status = to_status
    _stamp(locked, user, history_reason).save()
    if to_status == OrderStatus.SHIPPED and locked.customer.email:
        transaction.on_commit(lambda: _mail_shipped(locked))
    order.status, order.placed_at, order.discount_rate = locked.status, locked.placed_at, locked.discount_rate
    order.placed_subtotal, order.placed_total = locked.placed_subtotal, locked.placed_total
    order.placed_line_count = locked.placed_line_count
    return locked


def _place_draft(order, lines, user, reason):
    if not lines:
        raise ServiceError(EMPTY_ORDER, code="empty_order", field="lines")
    lock_products_for_order([line.product_id for line in lines])
    priced = _priced_products([line.product_id for line in lines])
    for line in lines:
        line.unit_price = priced[line.product_id].effective_price
        _stamp(line, user, f"price fixed at placement of {order.number}").save(
            update_fields=["unit_price", "updated_at"]
        )
    order.placed_at = timezone.now()
    order.discount_rate = discount_rate_for(order.customer.tier)
    # Addresses left blank on the draft are copied from the customer's defaults, now, for good.
    typed = {field: getattr(order, field) for field in (*Order.SHIPPING_FIELDS, *Order.BILLING_FIELDS)}
    for field, value in order_address_fields(order.customer, shipping=typed).items():
        setattr(order, field, value)
    _store_totals(order, lines)  # saved with the status change, in transition_order
    _take_stock(order, {line.product: -line.quantity for line in lines}, user)


def _lock_customer_for_order(customer_id):
    """Without ``FOR NO KEY UPDATE`` (MariaDB/MySQL), lock the customer before the order is written.

    There the order's insert takes a shared lock on its customer; two orders of one customer would
    both hold it and deadlock upgrading it for ``_count_placed_order``. First, as ``transition_order``
    locks it (with the order), then the products. PostgreSQL needs no lock here (module docstring).
    """
    if not connection.features.has_select_for_no_key_update:
        list(Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk", flat=True))


def _count_placed_order(order):
    """Add a just-placed order to its customer's stored figures: one UPDATE, increments.

    The last order becomes this one only if it is newer (placed_at, then number) than the stored
    one: a concurrent placement that committed first with a later time keeps its place. The
    number is set before the date: MariaDB evaluates a single-table UPDATE's assignments left to
    right, so the date's condition must still see the old date (PostgreSQL and SQLite see old values).
    """
    placed_at = Value(order.placed_at)
    number = Value(order.number)
    newer = (
        Q(last_order_at__isnull=True)
        | Q(last_order_at__lt=placed_at)
        | Q(last_order_at=placed_at, last_order_number__lt=number)
    )
    Customer.objects.filter(pk=order.customer_id).update(
        order_count=F("order_count") + 1,
        lifetime_value=F("lifetime_value") + Value(order.placed_total or 0, output_field=LIFETIME_VALUE),
        last_order_number=Case(When(newer, then=number), default=F("last_order_number")),
        last_order_at=Case(When(newer, then=placed_at), default=F("last_order_at")),
    )


def _uncount_revenue(order):
    """An order leaves the revenue statuses (cancelled, refunded): its total leaves the lifetime value.

    It still counts as an order and may stay the last one, as ``with_order_stats_from_orders()`` counts.
    """
    if order.placed_total:
        total = Value(order.placed_total, output_field=LIFETIME_VALUE)
        # Never below zero; exactly zero when the last revenue leaves (SQLite's float arithmetic
        # would otherwise store -0.0, shown as "-0.00").
        Customer.objects.filter(pk=order.customer_id).update(
            lifetime_value=Case(
                When(lifetime_value__lte=total, then=Value(Decimal("0.00"), output_field=LIFETIME_VALUE)),
                default=F("lifetime_value") - total,
            )
        )


def _store_totals(order, lines):
    """Set the order's stored figures from its lines and rate, as placed (see ``order_totals``)."""
    order.placed_subtotal, order.placed_total, order.placed_line_count = order_totals(
        [(line.quantity, line.unit_price) for line in lines], order.discount_rate
    )


def recount_order_totals(order_ids=None, using="default"):
    """Set the stored figures of placed (non-draft) orders from their lines, in one set-based UPDATE.

    For orders written without ``place_order``: rows loaded in bulk (``seed_demo``'s COPY, fixtures
    made before the fields existed) and the migration that added the fields (orders 0005). The
    same arithmetic as ``OrderQuerySet.with_totals()``: ``ROUND(subtotal * (1 - rate), 2)``, the
    rate kept at placement or else the customer's tier rate. ``order_ids`` limits it to those
    orders. No history rows: the figures are derived from lines that have their own history, as
    with the bulk loads this is meant for. Returns the number of orders updated.
    """
    from django.db import connections

    connection = connections[using]
    tiers = " ".join("WHEN %s THEN %s" for _tier in TIER_DISCOUNT_RATES)
    tier_params = [value for tier, rate in TIER_DISCOUNT_RATES.items() for value in (str(tier), rate)]
    rate = f"COALESCE(o.discount_rate, CASE c.tier {tiers} ELSE 0 END)"
    only, only_lines, id_params = "", "", []
    if order_ids is not None:
        id_params = [int(pk) for pk in order_ids]
        if not id_params:
            return 0
        marks = ", ".join(["%s"] * len(id_params))
        only, only_lines = f" AND o.id IN ({marks})", f" WHERE order_id IN ({marks})"
    lines = (
        "SELECT order_id, SUM(quantity * unit_price) AS subtotal, COUNT(*) AS n"  # noqa: S608 - no user input
        f" FROM orders_orderline{only_lines} GROUP BY order_id"
    )
    values = {
        "placed_subtotal": "l.subtotal",
        "placed_total": f"ROUND(l.subtotal * (1 - {rate}), 2)",
        "placed_line_count": "l.n",
    }
    draft = [str(OrderStatus.DRAFT)]
    if connection.vendor == "mysql":
        sets = ", ".join(f"o.{column} = {value}" for column, value in values.items())
        sql = (
            f"UPDATE orders_order o JOIN ({lines}) l ON l.order_id = o.id"  # noqa: S608
            f" JOIN orders_customer c ON c.id = o.customer_id SET {sets} WHERE o.status <> %s{only}"
        )
        params = id_params + tier_params + draft + id_params
    else:  # PostgreSQL, SQLite (3.33+): UPDATE ... FROM
        sets = ", ".join(f"{column} = {value}" for column, value in values.items())
        sql = (
            f"UPDATE orders_order AS o SET {sets} FROM ({lines}) AS l, orders_customer AS c"  # noqa: S608
            f" WHERE l.order_id = o.id AND c.id = o.customer_id AND o.status <> %s{only}"
        )
        params = tier_params + id_params + draft + id_params
    # A placed order without lines (none can be placed; rows loaded in bulk might be) totals 0.
    empty = (
        "UPDATE orders_order SET placed_subtotal = 0, placed_total = 0, placed_line_count = 0"  # noqa: S608
        f" WHERE status <> %s AND placed_total IS NULL{only.replace('o.id', 'id')}"
        " AND NOT EXISTS (SELECT 1 FROM orders_orderline WHERE order_id = orders_order.id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
        cursor.execute(empty, draft + id_params)
        return updated + cursor.rowcount


def recount_customer_stats(customer_ids=None, using="default"):
    """Set customers' stored order figures from their orders, set-based (no loop over customers).

    For rows written without the order services: ``seed_demo``'s COPY, fixtures, the migration that
    added the fields (orders 0006). The definition of ``CustomerQuerySet.with_order_stats_from_orders()``:
    every non-draft order counts, lifetime value sums ``placed_total`` (run ``recount_order_totals``
    first) of orders in ``REVENUE_STATUSES``, the last order is the newest by placed_at then number.
    One UPDATE ... FROM a GROUP BY over the orders (the number of the last order looked up per
    customer in ``order_customer_cover_idx``), then one UPDATE zeroing customers without placed
    orders whose figures say otherwise. ``customer_ids`` limits both to those customers. No history
    rows: the figures are not part of a customer's history. Returns the number of customers updated.
    """
    from django.db import connections

    connection = connections[using]
    only, only_orders, id_params = "", "", []
    if customer_ids is not None:
        id_params = [int(pk) for pk in customer_ids]
        if not id_params:
            return 0
        marks = ", ".join(["%s"] * len(id_params))
        only, only_orders = f" AND c.id IN ({marks})", f" AND customer_id IN ({marks})"
    draft = str(OrderStatus.DRAFT)
    revenue = [str(status) for status in REVENUE_STATUSES]
    revenue_marks = ", ".join(["%s"] * len(revenue))
    stats = (
        "SELECT customer_id, COUNT(*) AS n,"  # noqa: S608 - no user input
        f" SUM(CASE WHEN status IN ({revenue_marks}) THEN COALESCE(placed_total, 0) ELSE 0 END) AS v,"
        f" MAX(placed_at) AS last_at FROM orders_order WHERE status <> %s{only_orders} GROUP BY customer_id"
    )
    stats_params = [*revenue, draft, *id_params]
    # The newest order's number: the highest number among the orders placed at the newest time.
    number = (
        "(SELECT MAX(o.number) FROM orders_order o WHERE o.customer_id = s.customer_id"
        " AND o.status <> %s AND o.placed_at = s.last_at)"
    )
    values = {
        "order_count": "s.n",
        "lifetime_value": "s.v",
        "last_order_number": number,
        "last_order_at": "s.last_at",
    }
    if connection.vendor == "mysql":
        sets = ", ".join(f"c.{column} = {value}" for column, value in values.items())
        sql = (
            f"UPDATE orders_customer c JOIN ({stats}) s ON s.customer_id = c.id SET {sets}"  # noqa: S608
            f" WHERE 1 = 1{only}"
        )
        params = [*stats_params, draft, *id_params]
    else:  # PostgreSQL, SQLite (3.33+): UPDATE ... FROM
        sets = ", ".join(f"{column} = {value}" for column, value in values.items())
        sql = f"UPDATE orders_customer AS c SET {sets} FROM ({stats}) AS s WHERE s.customer_id = c.id{only}"  # noqa: S608
        params = [draft, *stats_params, *id_params]
    never = (
        "UPDATE orders_customer SET order_count = 0, lifetime_value = 0, last_order_at = NULL,"  # noqa: S608
        " last_order_number = NULL WHERE (order_count <> 0 OR lifetime_value <> 0 OR last_order_at IS NOT NULL"
        f" OR last_order_number IS NOT NULL){only.replace('c.id', 'id')} AND NOT EXISTS (SELECT 1 FROM"
        " orders_order WHERE orders_order.customer_id = orders_customer.id AND orders_order.status <> %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
        cursor.execute(never, [*id_params, draft])
        return updated + cursor.rowcount


def _mail_shipped(order):
    # Runs after commit: a mail server that is down must not undo a shipment.
    try:
        send_mail(
            ORDER_SHIPPED_SUBJECT % {"number": order.number},
            f"Hello {order.customer.first_name or order.customer.email},\n\n"
            f"your order {order.number} has been shipped.\n",
            None,
            [order.customer.email],
        )
    except Exception:  # noqa: BLE001
        logger.exception("Could not send the shipping mail for %s", order.number)


@transaction.atomic
def change_customer_tier(*, customers, tier, user, reason=""):
    """Set the tier of many customers, with history; customers already in it are skipped."""
    if tier not in CustomerTier.values:
        raise ServiceError(UNKNOWN_TIER, code="unknown_tier", params={"tier": tier}, field="tier")
    result = BulkResult()
    ids = [c.pk for c in customers]
    locked = list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    changing = []
    now = timezone.now()
    for customer in locked:
        if customer.tier == tier:
            result.skipped[str(SKIP_SAME_TIER)].append(customer)
            continue
        customer.tier = tier
        customer.updated_at = now
        changing.append(customer)
    if changing:
        Customer.objects.filter(pk__in=[c.pk for c in changing]).update(tier=tier, updated_at=now)
        record_bulk_history(Customer, changing, user=user, reason=reason or f"tier set to {tier}")
    result.changed = len(changing)
    return result
