"""7. ``place_order`` from 8 concurrent clients on one hot product, against a bare conditional UPDATE.

Each client orders for a customer of its own (shoppers differ; the product is what they share).

Clients are processes (like gunicorn workers), each with its own database connection, started
together at a barrier. The service does everything an order needs (lock, price, order, line,
stock movement, history); the baseline is only ``UPDATE ... SET stock = stock - 1 WHERE id = %s
AND stock >= 1``, one autocommit statement per "order". Orders the run creates are deleted
afterwards and the product's stock restored, so the seeded data stay as they were.
"""

import multiprocessing
import statistics
import time

from django.db import connections

from bench.measure import BenchFailure, Measurement, NotRun

TITLE = "7. place_order under contention (issue 3: the cost of safety)"
HOT_STOCK = 1_000_000_000
CONDITIONAL_UPDATE = "UPDATE inventory_product SET stock = stock - 1 WHERE id = %s AND stock >= 1"


def _place_orders(barrier, results, client, product_pk, customer_pks, user_pk, count, lock_first=False):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from inventory.models import Product
    from orders.models import Customer
    from orders.services import place_order

    try:
        product = Product.objects.get(pk=product_pk)
        # Each client is another shopper: the hot spot is the product, not one customer's row.
        customer = Customer.objects.get(pk=customer_pks[client])
        user = get_user_model().objects.get(pk=user_pk)
        barrier.wait()
        for _ in range(count):
            if lock_first:
                # How place_order locked before the bench: FOR UPDATE first, held for the whole order.
                with transaction.atomic():
                    list(Product.objects.select_for_update().filter(pk=product_pk).values_list("pk"))
                    place_order(customer=customer, lines=[(product, 1)], user=user)
            else:
                place_order(customer=customer, lines=[(product, 1)], user=user)
        results.put(count)
    except Exception as error:  # noqa: BLE001 - handed to the parent, which fails the benchmark
        results.put(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()


def _conditional_updates(barrier, results, client, product_pk, count):
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")  # connect before the start line
            barrier.wait()
            done = 0
            for _ in range(count):
                cursor.execute(CONDITIONAL_UPDATE, [product_pk])
                done += cursor.rowcount
        results.put(done)
    except Exception as error:  # noqa: BLE001
        results.put(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()


def _race(clients, target, args, expected):
    """Start ``clients`` processes at one barrier; seconds from the start line until all are done."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients + 1), context.Queue()
    connections.close_all()  # never share a connection with the children
    procs = [context.Process(target=target, args=(barrier, results, client, *args)) for client in range(clients)]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    start = time.perf_counter()
    outcomes = [results.get(timeout=600) for _ in procs]
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join()
    errors = [o for o in outcomes if not isinstance(o, int)]
    if errors:
        raise BenchFailure(f"a client failed: {errors[0]}")
    if sum(outcomes) != expected:
        raise BenchFailure(f"{sum(outcomes)} of {expected} succeeded")
    return elapsed


def run(ctx):
    from inventory.models import Product
    from orders.models import Customer

    product = Product.objects.published().filter(allow_backorder=False).order_by("pk").first()
    customer_pks = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[: ctx.scale.clients])
    if product is None or len(customer_pks) < ctx.scale.clients:
        raise NotRun("no published product or too few customers in the bench data")
    scale = ctx.scale
    clients = scale.clients
    saved_stock, saved_units_sold = product.stock, product.units_sold
    last_order = ctx.scalar("SELECT coalesce(max(id), 0) FROM orders_order")
    last_movement = ctx.scalar("SELECT coalesce(max(id), 0) FROM inventory_stockmovement")
    last_history = ctx.scalar("SELECT coalesce(max(history_id), 0) FROM inventory_historicalproduct")
    ctx.execute("UPDATE inventory_product SET stock = %s WHERE id = %s", [HOT_STOCK, product.pk])
    service_rates, update_rates, before_rates = [], [], []
    runs = min(scale.runs, 3)
    try:
        orders = clients * scale.orders_per_client
        updates = clients * scale.updates_per_client
        for _ in range(runs):
            args = (product.pk, customer_pks, ctx.user.pk, scale.orders_per_client)
            service_rates.append(orders / _race(clients, _place_orders, args, orders))
            args = (product.pk, scale.updates_per_client)
            update_rates.append(updates / _race(clients, _conditional_updates, args, updates))
            args = (product.pk, customer_pks, ctx.user.pk, scale.orders_per_client, True)
            before_rates.append(orders / _race(clients, _place_orders, args, orders))
        placed = ctx.scalar("SELECT count(*) FROM orders_order WHERE id > %s", [last_order])
        stock = ctx.scalar("SELECT stock FROM inventory_product WHERE id = %s", [product.pk])
        movements = ctx.scalar(
            "SELECT coalesce(sum(delta), 0) FROM inventory_stockmovement WHERE id > %s AND product_id = %s",
            [last_movement, product.pk],
        )
    finally:
        saved = (saved_stock, saved_units_sold)
        _clean_up(ctx, product.pk, customer_pks, saved, last_order, last_movement, last_history)
    expected_orders = 2 * orders * runs  # the service as it is, and with the lock taken first
    if placed != expected_orders or movements != -expected_orders:
        raise BenchFailure(f"{placed} orders and {movements} units of stock movements for {expected_orders} orders")
    if stock != HOT_STOCK - expected_orders - updates * runs:
        raise BenchFailure(f"stock ended at {stock}: units were lost or oversold")
    m = Measurement(
        benchmark=TITLE,
        case=f"{clients} clients, one hot product, {scale.orders_per_client} orders each",
        metric="orders/s",
        value=statistics.median(service_rates),
        baseline=statistics.median(update_rates),
        baseline_label=f"conditional UPDATE, {clients} clients",
        higher_is_better=True,
        extra={
            "ms_per_order_per_client": round(1000 * clients / statistics.median(service_rates), 1),
            "runs": runs,
        },
    )
    yield m
    yield Measurement(
        benchmark=TITLE,
        case=f"the same, locking as before the bench ({clients} clients, FOR UPDATE held for the whole order)",
        metric="orders/s",
        value=statistics.median(before_rates),
        baseline=statistics.median(update_rates),
        baseline_label=f"conditional UPDATE, {clients} clients",
        higher_is_better=True,
        extra={"runs": runs},
    )


def _clean_up(ctx, product_pk, customer_pks, saved, last_order, last_movement, last_history):
    """Remove what the run wrote (orders, lines, movements, history); the product gets its stock and units
    sold back, the customer its order figures."""
    from orders.recount import recount_customer_stats

    saved_stock, saved_units_sold = saved
    for sql in (
        "DELETE FROM inventory_stockmovement WHERE id > %(movement)s",
        "DELETE FROM orders_historicalorderline WHERE order_id > %(order)s",
        "DELETE FROM orders_orderline WHERE order_id > %(order)s",
        "DELETE FROM orders_historicalorder WHERE id > %(order)s",
        "DELETE FROM orders_order WHERE id > %(order)s",
        "DELETE FROM inventory_historicalproduct WHERE history_id > %(history)s AND id = %(product)s",
        "UPDATE inventory_product SET stock = %(stock)s, units_sold = %(units_sold)s WHERE id = %(product)s",
    ):
        ctx.execute(
            sql,
            {
                "movement": last_movement,
                "order": last_order,
                "history": last_history,
                "product": product_pk,
                "stock": saved_stock,
                "units_sold": saved_units_sold,
            },
        )
    recount_customer_stats(customer_pks)
