"""Every change of stock and of a product's status goes through here.

Lock order: products are always locked with ``select_for_update(no_key=True).order_by("pk")``, so
two transactions that touch the same products wait for each other instead of deadlocking. ``FOR
NO KEY UPDATE`` (stock and status are not keys) does not make an order line's foreign-key check
(``FOR KEY SHARE``) wait; deleting takes the full ``FOR UPDATE``.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.bulk import BulkResult
from backoffice.db import bulk_update_rows, capabilities
from backoffice.errors import ServiceError
from backoffice.history import actor, record_history_from_rows, stamp
from backoffice.validators import whole_number
from backoffice.webhooks.events import emit_many, stock_changed
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement, may_hold_stock, published_at_for
from inventory.sql import set_status_of_locked

INSUFFICIENT_STOCK = _("Not enough stock of %(sku)s: %(available)d in stock, %(requested)d requested.")
ZERO_STOCK_CHANGE = _("A stock change must add or remove at least one unit.")
NOT_WHOLE_UNITS = _("A stock change is a whole number of units (got %(value)s).")
RESTOCK_NOT_POSITIVE = _("A restock must add at least one unit.")
REASON_REQUIRED = _("Say why the stock changes; the reason is kept in the product's history.")
PRODUCTS_IN_ORDERS = _(
    "%(count)d product(s) appear in orders and were not deleted: %(names)s. "
    "Archive them instead: archiving keeps them out of the shop and keeps the order history."
)

# Said in the history row of a deleted product whose stock movements were deleted with it.
WITH_MOVEMENTS = "(its stock movements went with it)"

SKIP_ALREADY_PUBLISHED = _("already published")
SKIP_ALREADY_DRAFT = _("already unpublished")
SKIP_ALREADY_ARCHIVED = _("already archived")
SKIP_ARCHIVED = _("archived (publish them first)")
SKIP_IN_ORDERS = _("they appear in orders (archive them instead)")

# What each status change skips: target status -> {a product's status: why it is skipped}.
STATUS_SKIP_RULES = {
    ProductStatus.PUBLISHED: {ProductStatus.PUBLISHED: SKIP_ALREADY_PUBLISHED},
    ProductStatus.DRAFT: {ProductStatus.DRAFT: SKIP_ALREADY_DRAFT, ProductStatus.ARCHIVED: SKIP_ARCHIVED},
    ProductStatus.ARCHIVED: {ProductStatus.ARCHIVED: SKIP_ALREADY_ARCHIVED},
}

BULK_BATCH = 2000

# Stock movements of an order: the sale when it is placed, the return when it is cancelled or refunded.
ORDER_STOCK_REASONS = frozenset({MovementReason.SALE, MovementReason.CANCELLATION, MovementReason.REFUND})


def _ids(products):
    if hasattr(products, "values_list"):
        return list(products.order_by("pk").values_list("pk", flat=True))
    return sorted(p.pk for p in products)


def products_to_lock(product_ids, *, for_delete=False):
    """The one lock of products (module docstring): pk order, ``FOR NO KEY UPDATE`` unless deleting.

    A queryset, so that the one-statement bulk status change locks with the same SQL
    (``inventory.sql.set_status_of_locked``). FOR NO KEY UPDATE (PostgreSQL) does not block
    inserts of order lines that reference the product.
    """
    no_key = not for_delete and capabilities().no_key_update
    return Product.objects.select_for_update(no_key=no_key).filter(pk__in=product_ids).order_by("pk")


def _lock_products(product_ids, *, for_delete=False):
    return list(products_to_lock(product_ids, for_delete=for_delete))


def lock_products_for_order(product_ids):
    """Where the database has no ``FOR NO KEY UPDATE`` (MariaDB/MySQL), lock before writing lines.

    There, inserting an order line takes a shared lock on its product; two orders of one product
    would both hold it and then deadlock when they upgrade it to take the stock. Locking first, in
    pk order, makes them queue. PostgreSQL locks last instead (``apply_stock_changes``).
    """
    if not capabilities().no_key_update:
        _lock_products(product_ids)


def _deltas_by_pk(changes):
    """``{product: delta}`` -> ``{pk: delta}``; a change of zero units or a non-whole one is refused."""
    deltas = defaultdict(int)
    for product, delta in changes.items():
        whole = whole_number(delta)
        if whole is None:
            raise ServiceError(NOT_WHOLE_UNITS, code="not_whole_units", params={"value": delta}, field="delta")
        deltas[product.pk] += whole
    if any(delta == 0 for delta in deltas.values()):
        raise ServiceError(ZERO_STOCK_CHANGE, code="zero_stock_change", field="delta")
    return deltas


def _refuse_shortage(product, delta):
    """Refuse a change that takes a product without backorders below zero."""
    if not may_hold_stock(product.stock + delta, product.allow_backorder):
        raise ServiceError(
            INSUFFICIENT_STOCK,
            code="insufficient_stock",
            params={"sku": product.sku, "available": max(product.stock, 0), "requested": -delta},
            field="quantity",
        )


@transaction.atomic
def apply_stock_changes(*, changes, reason, user, order=None, note="", history_reason=""):
    """Apply ``{product: delta}`` under one lock on all the products, in pk order.

    Refuses the whole change if any product would drop below zero without backorders.
    Returns the movements written. Used by ``adjust_stock`` and by order placement.
    """
    deltas = _deltas_by_pk(changes)
    # Units leaving stock for an order are sold; units an order gives back are unsold. Order
    # placement (sale) and cancel/refund of a stock-holding order are exactly the moves in and
    # out of REVENUE_STATUSES, whose lines ``Product.units_sold`` sums.
    counts_as_sale = order is not None and reason in ORDER_STOCK_REASONS
    locked = _lock_products(list(deltas))
    movements = []
    for product in locked:
        delta = deltas[product.pk]
        _refuse_shortage(product, delta)
        product.stock += delta
        fields = ["stock", "updated_at"]
        if counts_as_sale:
            # Never below zero: orders written without the services (a bulk load not yet recounted)
            # must not make a cancellation fail; orders.recount.recount_units_sold() repairs such rows.
            product.units_sold = max(product.units_sold - delta, 0)
            fields.append("units_sold")
        stamp(product, user=user, reason=history_reason or _movement_reason_text(reason, delta, order, note))
        product.save(update_fields=fields)
        stock_changed(product, product.stock - delta)  # webhooks: stock.low, after commit
        movements.append(
            StockMovement(
                product=product,
                delta=delta,
                stock_after=product.stock,
                reason=reason,
                note=note[:255],
                order=order,
                user=actor(user),
            )
        )
    StockMovement.objects.bulk_create(movements)
    # Callers hold their own instances; give them the stock (and units sold) that is now true.
    fresh = {product.pk: product for product in locked}
    for product in changes:
        product.stock = fresh[product.pk].stock
        product.units_sold = fresh[product.pk].units_sold
    return movements


@transaction.atomic
def apply_stock_changes_bulk(*, changes, reason, user, note="", history_reason=""):
    """``apply_stock_changes`` for many products at once (imports): ``{product: delta}``.

    Never a sale (no order): ``units_sold`` is left alone.

    The same rules and lock order: every product is locked (``FOR NO KEY UPDATE``, pk order, in
    batches of ``BULK_BATCH`` ids) and checked before anything is written, and the whole change is
    refused if one product would drop below zero without backorders. Then, per batch: one UPDATE
    of the stock, the movements by ``bulk_create`` and the history by ``record_history_from_rows`` (one
    reason for all: ``history_reason``, else the movement reason and note). Returns the movements.
    """
    deltas = _deltas_by_pk(changes)
    ids = sorted(deltas)
    locked = []
    for start in range(0, len(ids), BULK_BATCH):
        locked.extend(_lock_products(ids[start : start + BULK_BATCH]))
    for product in locked:
        delta = deltas[product.pk]
        _refuse_shortage(product, delta)
    now = timezone.now()
    label = MovementReason(reason).label.lower()
    text = history_reason or (f"stock change ({label}): {note}" if note else f"stock change ({label})")
    movements = []
    for start in range(0, len(locked), BULK_BATCH):
        batch = locked[start : start + BULK_BATCH]
        for product in batch:
            product.stock += deltas[product.pk]
            product.updated_at = now
        bulk_update_rows(Product, batch, ["stock", "updated_at"])
        written = [
            StockMovement(
                product_id=product.pk,
                delta=deltas[product.pk],
                stock_after=product.stock,
                reason=reason,
                note=note[:255],
                user=actor(user),
                created_at=now,
            )
            for product in batch
        ]
        StockMovement.objects.bulk_create(written)
        movements.extend(written)
        record_history_from_rows(Product, batch, user=user, reason=text)
    fresh = {product.pk: product.stock for product in locked}
    for product in changes:
        product.stock = fresh[product.pk]
    return movements


def _movement_reason_text(reason, delta, order, note):
    text = f"stock {delta:+d} ({MovementReason(reason).label.lower()})"
    if order is not None:
        text += f" for {order.number}"
    if note:
        text += f": {note}"
    return text


def adjust_stock(*, product, delta, reason, user, order=None, note=""):
    """Change one product's stock by ``delta`` and record why. Returns the movement."""
    if reason == MovementReason.ADJUSTMENT and not note.strip():
        raise ServiceError(REASON_REQUIRED, code="reason_required", field="note")
    (movement,) = apply_stock_changes(changes={product: delta}, reason=reason, user=user, order=order, note=note)
    return movement


def restock(*, product, quantity, user, note=""):
    units = whole_number(quantity)
    if units is None or units <= 0:
        raise ServiceError(RESTOCK_NOT_POSITIVE, code="restock_not_positive", field="quantity")
    return adjust_stock(product=product, delta=units, reason=MovementReason.RESTOCK, user=user, note=note)


def _bulk_set_status(products, *, user, reason, to_status, skip_rules):
    """Lock the products, skip those in a status ``skip_rules`` refuses, set the rest to ``to_status`` with history.

    ``skip_rules`` maps a status to the reason its products are skipped.
    """
    result = BulkResult()
    ids = _ids(products)
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(ids), BULK_BATCH):
            batch = ids[start : start + BULK_BATCH]
            if capabilities().arrays:
                _set_status_in_database(
                    batch, result, user=user, reason=reason, to_status=to_status, now=now, skip_rules=skip_rules
                )
            else:
                _set_status_in_python(
                    batch, result, user=user, reason=reason, to_status=to_status, now=now, skip_rules=skip_rules
                )
        skipped = {product.pk for products in result.skipped.values() for product in products}
        emit_many("product.updated", "inventory.product", set(ids) - skipped)  # webhooks, after commit
    return result


def _set_status_in_python(batch, result, *, user, reason, to_status, now, skip_rules):
    to_change = []
    for product in _lock_products(batch):
        skip = skip_rules.get(product.status)
        if skip is not None:
            result.skipped[str(skip)].append(product)
            continue
        product.status = to_status
        product.published_at = published_at_for(to_status, product.published_at, now)
        product.updated_at = now
        to_change.append(product)
    if to_change:
        # One UPDATE per batch; history rows (tags included) written right after.
        by_published_at = defaultdict(list)
        for product in to_change:
            by_published_at[product.published_at].append(product.pk)
        for published_at, pks in by_published_at.items():
            Product.objects.filter(pk__in=pks).update(status=to_status, published_at=published_at, updated_at=now)
        record_history_from_rows(Product, to_change, user=user, reason=reason)
        result.changed += len(to_change)


def _set_status_in_database(batch, result, *, user, reason, to_status, now, skip_rules):
    """The batch in one statement (``inventory.sql``), locked by the same query as ``_lock_products``."""
    lock_sql, lock_params = products_to_lock(batch).values_list("id", "status").query.sql_with_params()
    with connection.cursor() as cursor:
        locked = set_status_of_locked(
            cursor,
            locked=connection.ops.compose_sql(lock_sql, lock_params),
            ids=batch,
            to_status=to_status,
            publishing=to_status == ProductStatus.PUBLISHED,
            now=now,
            skip=skip_rules,
            user=user,
            reason=reason,
        )
    skipped = {pk for pk, status in locked if status in skip_rules}
    result.changed += len(locked) - len(skipped)
    if skipped:
        for product in Product.objects.filter(pk__in=skipped).order_by("pk"):
            result.skipped[str(skip_rules[product.status])].append(product)


def publish_products(*, products, user, reason="published"):
    return _bulk_set_status(
        products,
        user=user,
        reason=reason,
        to_status=ProductStatus.PUBLISHED,
        skip_rules=STATUS_SKIP_RULES[ProductStatus.PUBLISHED],
    )


def unpublish_products(*, products, user, reason="unpublished"):
    return _bulk_set_status(
        products,
        user=user,
        reason=reason,
        to_status=ProductStatus.DRAFT,
        skip_rules=STATUS_SKIP_RULES[ProductStatus.DRAFT],
    )


def archive_products(*, products, user, reason="archived"):
    return _bulk_set_status(
        products,
        user=user,
        reason=reason,
        to_status=ProductStatus.ARCHIVED,
        skip_rules=STATUS_SKIP_RULES[ProductStatus.ARCHIVED],
    )


@transaction.atomic
def delete_products(*, products, user, reason="deleted"):
    """Delete the products that appear in no order; refuse the rest by name.

    Set-based, in batches: lock (pk order), the "-" history rows with their tags written first
    (simple-history's own row, written after the delete, would find the tag links gone), then
    the stock movements (they go with the product; its last history row says so and keeps its
    stock), the tag links and the products. Returns a ``BulkResult``; its ``message`` (empty
    when nothing was refused) names the refused products and suggests archiving them.
    """
    result = BulkResult()
    ids = _ids(products)
    refused = []
    for start in range(0, len(ids), BULK_BATCH):
        locked = _lock_products(ids[start : start + BULK_BATCH], for_delete=True)
        pks = [p.pk for p in locked]
        in_orders = set(
            Product.objects.filter(pk__in=pks).with_has_orders().filter(has_orders=True).values_list("pk", flat=True)
        )
        refused += [p for p in locked if p.pk in in_orders]
        deletable = [p for p in locked if p.pk not in in_orders]
        if deletable:
            _delete_unordered(deletable, user=user, reason=reason)
            result.changed += len(deletable)
    if refused:
        result.skipped[str(SKIP_IN_ORDERS)] = refused
    names = ", ".join(f"{p.name} ({p.sku})" for p in refused)
    result.message = PRODUCTS_IN_ORDERS % {"count": len(refused), "names": names} if refused else ""
    return result


def _delete_unordered(products, *, user, reason):
    pks = [p.pk for p in products]
    moved = set(StockMovement.objects.filter(product_id__in=pks).values_list("product_id", flat=True).distinct())
    with_movements = [p for p in products if p.pk in moved]
    record_history_from_rows(
        Product, [p for p in products if p.pk not in moved], user=user, reason=reason, deleted=True
    )
    record_history_from_rows(Product, with_movements, user=user, reason=f"{reason} {WITH_MOVEMENTS}", deleted=True)
    StockMovement.objects.filter(product_id__in=pks).delete()
    Product.tags.through.objects.filter(product_id__in=pks).delete()
    # The rows' history is written above: a raw DELETE, so simple-history does not write a second one.
    Product.objects.filter(pk__in=pks)._raw_delete(Product.objects.db)


def can_change_status(status, to_status):
    """Whether a product in ``status`` may move to ``to_status``: what the status services do not skip.

    The product page offers only the status buttons this allows (``inventory.admin.product_actions``).
    """
    return status not in STATUS_SKIP_RULES[to_status]
