"""Real concurrent transactions on PostgreSQL: row locks, not luck, keep stock right."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from backoffice.db import capabilities
from backoffice.errors import ServiceError
from inventory.models import Product, StockMovement
from inventory.tests.factories import ProductFactory, UserFactory
from orders.models import Order
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if not (capabilities().row_locks and capabilities().no_key_update):
        pytest.skip("SQLite serialises all writers, so it cannot show row-lock behaviour; runs on PostgreSQL")


def run_concurrently(jobs):
    """Start every job at once (a barrier) in its own thread and connection; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            outcomes[index] = ("ok", job())
        except ServiceError as error:
            outcomes[index] = ("refused", error.code)
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcomes[index] = ("error", repr(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_buyers_for_ten_units_never_oversell():
    user = UserFactory(username="api")
    product = ProductFactory(sku="HOT-1", price=Decimal("5.00"), stock=10)
    customers = [CustomerFactory() for _ in range(20)]

    def buy(customer):
        return lambda: place_order(customer=customer, lines=[(Product.objects.get(pk=product.pk), 1)], user=user).number

    outcomes = run_concurrently([buy(c) for c in customers])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok"] * 10 + ["refused"] * 10, outcomes
    assert {value for kind, value in outcomes if kind == "refused"} == {"insufficient_stock"}
    assert Order.objects.count() == 10
    assert len({value for kind, value in outcomes if kind == "ok"}) == 10  # distinct numbers
    assert Product.objects.get().stock == 0
    assert StockMovement.objects.filter(reason="sale").count() == 10
    sales_history = Product.history.filter(history_change_reason__startswith="stock -1 (sale)")
    assert sales_history.count() == 10
    assert set(sales_history.values_list("history_user__username", flat=True)) == {"api"}


def test_opposite_line_orders_do_not_deadlock():
    user = UserFactory(username="api")
    a = ProductFactory(sku="A-1", stock=50)
    b = ProductFactory(sku="B-1", stock=50)
    customer = CustomerFactory()

    def order(first, second):
        return lambda: place_order(customer=customer, lines=[(first, 1), (second, 1)], user=user).number

    jobs = [order(a, b) if i % 2 == 0 else order(b, a) for i in range(8)]
    outcomes = run_concurrently(jobs)
    assert [kind for kind, _ in outcomes] == ["ok"] * 8, outcomes
    assert dict(Product.objects.values_list("sku", "stock")) == {"A-1": 42, "B-1": 42}


def test_orders_of_one_customer_placed_at_once_all_count():
    # The customer's figures are increments in one UPDATE (x = x + n) after the stock is taken:
    # each waits for the other's row lock and adds to what it committed; none is lost.
    from orders.choices import OrderStatus
    from orders.models import Customer
    from orders.services import create_draft_order, transition_order

    user = UserFactory(username="api")
    products = [ProductFactory(sku=f"P-{i}", price=Decimal("10.00"), stock=50) for i in range(3)]
    customer = CustomerFactory()  # regular: no discount
    drafts = [create_draft_order(customer=customer, lines=[(products[0], 1)], user=user) for _ in range(2)]

    def buy(first, second, quantity):
        return lambda: place_order(customer=customer, lines=[(first, quantity), (second, 1)], user=user).number

    def place(draft):
        return lambda: transition_order(order=draft, to_status=OrderStatus.PLACED, user=user).number

    jobs = [buy(products[i % 3], products[(i + 1) % 3], 1 + i % 2) for i in range(8)] + [place(d) for d in drafts]
    outcomes = run_concurrently(jobs)
    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    stored = Customer.objects.with_order_stats_from_orders().get(pk=customer.pk)
    # 8 orders: 4 x (1 + 1) + 4 x (2 + 1) units at 10.00 = 200.00; 2 placed drafts: 20.00.
    assert (stored.order_count, stored.lifetime_value) == (10, Decimal("220.00"))
    newest = Order.objects.exclude(status="draft").order_by("-placed_at", "-number").first()
    assert (stored.last_order_at, stored.last_order_number) == (newest.placed_at, newest.number)
    assert (stored.computed_order_count, stored.computed_lifetime_value) == (10, Decimal("220.00"))
    assert stored.computed_last_order_number == newest.number


def _wait_for_lock_waiters(count, timeout=10):
    """Until ``count`` other sessions of this database wait for a lock (PostgreSQL's pg_stat_activity)."""
    import time

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is read once per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"fewer than {count} sessions came to wait for a lock")


def test_a_bulk_publish_and_an_order_of_the_same_products_do_not_deadlock():
    """Lined up so that a publish locking in any order but ascending pk would deadlock with the order.

    The test holds the middle product. The order locks the ones below it and waits; the publish
    starts. Locking in ascending pk it waits behind the order for the lowest product; locking from
    the top down (its own ORDER BY id DESC) it would take the upper ones and wait for the middle
    one, which the order then gets and, wanting the upper ones, deadlocks on.
    """
    import threading

    from django.db import transaction

    from inventory.choices import ProductStatus
    from inventory.services import products_to_lock, publish_products

    user = UserFactory(username="api")
    on_sale = [ProductFactory(sku=f"SALE-{i}", price=Decimal("4.00"), stock=10) for i in range(5)]
    drafts = [ProductFactory(sku=f"NEW-{i}", status=ProductStatus.DRAFT, stock=3) for i in range(2)]
    middle = on_sale[2]
    customer = CustomerFactory()
    outcomes = {}

    def run(name, job):
        try:
            outcomes[name] = ("ok", job())
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcomes[name] = ("error", repr(error))
        finally:
            connection.close()

    lines = [(Product.objects.get(pk=p.pk), 1) for p in reversed(on_sale)]
    order = threading.Thread(
        target=run, args=("order", lambda: place_order(customer=customer, lines=lines, user=user).number)
    )
    publish = threading.Thread(
        target=run,
        args=("publish", lambda: publish_products(products=Product.objects.all(), user=user, reason="launch").changed),
    )
    with transaction.atomic():
        list(products_to_lock([middle.pk]))
        order.start()
        _wait_for_lock_waiters(1)  # the order holds the products below the middle one, and waits for it
        publish.start()
        _wait_for_lock_waiters(2)  # the publish waits too
    order.join(timeout=60)
    publish.join(timeout=60)
    assert outcomes["order"][0] == "ok" and outcomes["publish"] == ("ok", 2), outcomes
    assert dict(Product.objects.values_list("sku", "stock")) == {
        **{p.sku: 9 for p in on_sale},
        **{p.sku: 3 for p in drafts},
    }
    sales = StockMovement.objects.filter(reason="sale").values_list("product__sku", "delta", "stock_after")
    assert sorted(sales) == [(p.sku, -1, 9) for p in on_sale]
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.PUBLISHED}
    published = Product.history.filter(history_change_reason="launch")
    assert sorted(published.values_list("sku", "history_user__username")) == [("NEW-0", "api"), ("NEW-1", "api")]
    assert Product.history.filter(history_change_reason__startswith="stock -1 (sale)").count() == 5
    assert Order.objects.get().lines.count() == 5
