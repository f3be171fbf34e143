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
