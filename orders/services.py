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

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice import money
from backoffice.bulk import BulkResult
from backoffice.db import capabilities
from backoffice.errors import ServiceError
from backoffice.history import actor, record_bulk_history, stamp
from backoffice.validators import whole_number
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product
from inventory.services import apply_stock_changes, lock_products_for_order
from orders.choices import ALLOWED_TRANSITIONS, REVENUE_STATUSES, STOCK_HOLDING_STATUSES, CustomerTier, OrderStatus
from orders.customers import order_address_fields
from orders.models import Customer, Order, OrderLine, OrderNumber
from orders.pricing import discount_rate_for, order_totals

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
        created_by=actor(user),
        **order_address_fields(customer, shipping=shipping),
    )
    lines = [
        OrderLine(order=order, product=product, quantity=quantity, unit_price=priced[product.pk].effective_price)
        for product, quantity in merged.items()
    ]
    _store_totals(order, lines)
    stamp(order, user=user, reason="placed").save()
    for line in lines:
        line.order = order  # the saved order: its pk for the line
        stamp(line, user=user, reason=f"placed in {order.number}").save()
    _take_stock(order, {product: -quantity for product, quantity in merged.items()}, user)
    _count_placed_order(order)
    return order


@transaction.atomic
def create_draft_order(*, customer, lines, user, shipping=None, notes="", reason="draft created"):
    """A draft: no stock taken, prices shown at today's value and fixed again when it is placed."""
    merged = _merge_lines(lines)
    priced = {p.pk: p for p in Product.objects.filter(pk__in=[p.pk for p in merged]).with_effective_price()}
    order = Order(
        number=next_order_number(),
        customer=customer,
        status=OrderStatus.DRAFT,
        notes=notes,
        created_by=actor(user),
        **order_address_fields(customer, shipping=shipping),
    )
    stamp(order, user=user, reason=reason).save()
    for product, quantity in merged.items():
        line = OrderLine(order=order, product=product, quantity=quantity, unit_price=priced[product.pk].effective_price)
        stamp(line, user=user, reason=f"added to draft {order.number}").save()
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
    of = ("self",) if capabilities().for_update_of else ()
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
    stamp(locked, user=user, reason=history_reason).save()
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
        stamp(line, user=user, reason=f"price fixed at placement of {order.number}").save(
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
    if not capabilities().no_key_update:
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
                When(lifetime_value__lte=total, then=Value(money.ZERO, output_field=LIFETIME_VALUE)),
                default=F("lifetime_value") - total,
            )
        )


def _store_totals(order, lines):
    """Set the order's stored figures from its lines and rate, as placed (see ``order_totals``)."""
    order.placed_subtotal, order.placed_total, order.placed_line_count = order_totals(
        [(line.quantity, line.unit_price) for line in lines], order.discount_rate
    )


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


def check_lines(lines):
    """Refuse what every order refuses in its lines (none, quantities below 1), before anything is written.

    For forms that validate before they save (the admin's new draft): the same rule as
    ``place_order`` and ``create_draft_order``, raised as the same ``ServiceError``.
    """
    _merge_lines(lines)
