"""``Product.units_sold``: the stored count of units on orders that are sales, kept by the stock services."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.errors import ServiceError
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement
from inventory.services import (
    adjust_stock,
    apply_stock_changes,
    apply_stock_changes_bulk,
    restock,
)
from inventory.tests.factories import ProductFactory, UserFactory
from orders.choices import OrderStatus
from orders.models import Order
from orders.querysets import units_sold_from_lines
from orders.recount import recount_units_sold
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def sold():
    return dict(Product.objects.values_list("sku", "units_sold"))


def from_lines():
    return dict(
        Product.objects.annotate(units_sold_from_lines=units_sold_from_lines()).values_list(
            "sku", "units_sold_from_lines"
        )
    )


@pytest.fixture
def tee():
    return ProductFactory(sku="TEE-1", price=Decimal("10.00"), stock=10)


@pytest.fixture
def cap():
    return ProductFactory(sku="CAP-1", price=Decimal("5.00"), stock=2)


@pytest.fixture
def customer():
    return CustomerFactory(email="ann@example.com")


def test_placing_an_order_counts_its_lines_merged(tee, cap, customer, staff_user):
    place_order(customer=customer, lines=[(tee, 1), (cap, 2), (tee, 2)], user=staff_user)
    assert sold() == {"TEE-1": 3, "CAP-1": 2}
    # The caller's instances hold the new count, like the new stock.
    assert (tee.units_sold, tee.stock, cap.units_sold, cap.stock) == (3, 7, 2, 0)
    place_order(customer=customer, lines=[(tee, 4)], user=staff_user)
    assert sold() == {"TEE-1": 7, "CAP-1": 2}
    assert sold() == from_lines()


def test_the_count_is_written_with_the_stock_in_one_update_per_product(tee, cap, customer, staff_user):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        place_order(customer=customer, lines=[(tee, 1), (cap, 1)], user=staff_user)
    table = connection.ops.quote_name(Product._meta.db_table)
    updates = [q["sql"] for q in queries if q["sql"].startswith(f"UPDATE {table} ")]
    assert len(updates) == 2
    stock, units_sold = (connection.ops.quote_name(name) for name in ("stock", "units_sold"))
    assert all(f"{stock} =" in sql and f"{units_sold} =" in sql for sql in updates)


def test_a_draft_counts_when_it_is_placed(tee, customer, staff_user):
    draft = create_draft_order(customer=customer, lines=[(tee, 3)], user=staff_user)
    assert sold() == {"TEE-1": 0}
    transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user)
    assert sold() == {"TEE-1": 3} == from_lines()


@pytest.mark.parametrize(
    "path",
    [
        ["cancelled"],
        ["paid", "cancelled"],
        ["paid", "refunded"],
        ["paid", "shipped", "refunded"],
        ["paid", "shipped", "delivered", "refunded"],
    ],
)
def test_cancel_and_refund_take_the_units_back(tee, cap, customer, staff_user, path):
    kept = place_order(customer=customer, lines=[(tee, 2)], user=staff_user)
    returned = place_order(customer=customer, lines=[(tee, 3), (cap, 1)], user=staff_user)
    assert sold() == {"TEE-1": 5, "CAP-1": 1}
    for status in path[:-1]:
        transition_order(order=returned, to_status=status, user=staff_user)
        assert sold() == {"TEE-1": 5, "CAP-1": 1}  # paid, shipped, delivered are still sales
    transition_order(order=returned, to_status=path[-1], user=staff_user)
    assert sold() == {"TEE-1": 2, "CAP-1": 0} == from_lines()
    assert kept.status == OrderStatus.PLACED


def test_backorders_count_as_sold(customer, staff_user):
    mug = ProductFactory(sku="MUG-1", stock=0, allow_backorder=True)
    order = place_order(customer=customer, lines=[(mug, 3)], user=staff_user)
    assert Product.objects.values_list("stock", "units_sold").get() == (-3, 3)
    transition_order(order=order, to_status=OrderStatus.CANCELLED, user=staff_user)
    assert Product.objects.values_list("stock", "units_sold").get() == (0, 0)


def test_a_refused_order_changes_no_count(tee, cap, customer, staff_user):
    place_order(customer=customer, lines=[(tee, 1)], user=staff_user)
    with pytest.raises(ServiceError) as refused:
        place_order(customer=customer, lines=[(tee, 2), (cap, 3)], user=staff_user)  # 2 caps in stock
    assert refused.value.code == "insufficient_stock"
    assert sold() == {"TEE-1": 1, "CAP-1": 0}
    cap.status = ProductStatus.DRAFT
    cap.save()
    draft = create_draft_order(customer=customer, lines=[(tee, 1), (cap, 1)], user=staff_user)
    with pytest.raises(ServiceError):
        transition_order(order=draft, to_status=OrderStatus.PLACED, user=staff_user)
    assert sold() == {"TEE-1": 1, "CAP-1": 0}


def test_stock_changes_that_are_not_sales_leave_the_count(tee, customer, staff_user):
    order = place_order(customer=customer, lines=[(tee, 2)], user=staff_user)
    restock(product=tee, quantity=5, user=staff_user)
    adjust_stock(product=tee, delta=-1, reason=MovementReason.ADJUSTMENT, user=staff_user, note="damaged")
    # A "sale" or a return with no order has no order line: not counted either.
    adjust_stock(product=tee, delta=-1, reason=MovementReason.SALE, user=staff_user, note="till")
    apply_stock_changes(changes={tee: 1}, reason=MovementReason.REFUND, user=staff_user, note="till")
    # An adjustment tied to an order is not a sale.
    adjust_stock(product=tee, delta=1, reason=MovementReason.ADJUSTMENT, user=staff_user, order=order, note="found")
    apply_stock_changes_bulk(changes={tee: 4}, reason=MovementReason.IMPORT, user=staff_user, note="stock file")
    assert sold() == {"TEE-1": 2}
    assert Product.objects.get().stock == 10 - 2 + 5 - 1 - 1 + 1 + 1 + 4


def test_a_return_on_rows_loaded_without_a_count_stops_at_zero(tee, customer, staff_user):
    # A placed order written without the services (a bulk load before recount_units_sold).
    order = OrderFactory(customer=customer, status=OrderStatus.PAID)
    OrderLineFactory(order=order, product=tee, quantity=4)
    transition_order(order=order, to_status=OrderStatus.CANCELLED, user=staff_user)
    assert sold() == {"TEE-1": 0} == from_lines()


def test_units_sold_is_not_history(tee, customer, staff_user):
    history_fields = {f.name for f in Product.history.model._meta.get_fields()}
    assert "units_sold" not in history_fields and "stock" in history_fields
    place_order(customer=customer, lines=[(tee, 2)], user=staff_user)
    latest = tee.history.order_by("-history_id")
    delta = latest[0].diff_against(latest[1])
    assert [change.field for change in delta.changes] == ["stock"]


def test_a_revert_keeps_units_sold_and_stock(boss_client, tee, customer, staff_user):
    first = tee.history.get()
    place_order(customer=customer, lines=[(tee, 2)], user=staff_user)
    url = reverse("admin:inventory_product_simple_history", args=[tee.pk, first.history_id])
    form = {
        "sku": "TEE-1",
        "name": "Reverted name",
        "slug": tee.slug,
        "category": tee.category_id,
        "description": "",
        "price": "10.00",
        "cost": "8.00",
        "_save": "1",
    }
    response = boss_client.post(url, form)
    assert response.status_code == 302
    reverted = Product.objects.get()
    # The version had stock 10 and no sale; the product keeps what its movements and orders say.
    assert (reverted.name, reverted.stock, reverted.units_sold) == ("Reverted name", 8, 2)
    # Its history row shows the stock as stored, not the version's.
    assert reverted.history.order_by("-history_id").values_list("name", "stock").first() == ("Reverted name", 8)


def test_a_whole_row_save_does_not_write_back_stale_counts(tee, customer, staff_user):
    stale = Product.objects.get(pk=tee.pk)  # read before the sale, like an admin form or an API PUT
    place_order(customer=customer, lines=[(tee, 2)], user=staff_user)
    stale.name = "Renamed"
    stale.save()
    assert Product.objects.values_list("name", "stock", "units_sold").get() == ("Renamed", 8, 2)
    assert (stale.stock, stale.units_sold) == (8, 2)
    assert tee.history.order_by("-history_id").values_list("name", "stock").first() == ("Renamed", 8)


def test_recount_repairs_every_product_or_the_given_ones(tee, cap, customer, staff_user):
    place_order(customer=customer, lines=[(tee, 2), (cap, 1)], user=staff_user)
    draft = OrderFactory(customer=customer, status=OrderStatus.DRAFT, placed_at=None)
    OrderLineFactory(order=draft, product=tee, quantity=50)
    for status, quantity in [(OrderStatus.DELIVERED, 4), (OrderStatus.REFUNDED, 7), (OrderStatus.CANCELLED, 9)]:
        OrderLineFactory(order=OrderFactory(customer=customer, status=status), product=cap, quantity=quantity)
    idle = ProductFactory(sku="IDLE-1")
    Product.objects.filter(pk=idle.pk).update(units_sold=99)  # wrong: it has no line at all
    assert recount_units_sold(product_ids=[cap.pk]) == 1
    assert sold() == {"TEE-1": 2, "CAP-1": 5, "IDLE-1": 99}
    assert recount_units_sold(product_ids=[]) == 0
    assert recount_units_sold() == 1
    assert sold() == {"TEE-1": 2, "CAP-1": 5, "IDLE-1": 0} == from_lines()
    assert recount_units_sold() == 0  # nothing left to change


def test_the_migration_backfill_counts_from_the_lines(tee, cap, customer, staff_user):
    import importlib

    backfill = importlib.import_module("inventory.migrations.0006_product_units_sold").backfill
    place_order(customer=customer, lines=[(tee, 2), (cap, 1)], user=staff_user)
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.SHIPPED), product=cap, quantity=6)
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.REFUNDED), product=tee, quantity=5)
    # Every status that counts as a sale counts (placed above, shipped, paid, delivered), the others not.
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.PAID), product=tee, quantity=3)
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.DELIVERED), product=cap, quantity=4)
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.CANCELLED), product=cap, quantity=8)
    OrderLineFactory(order=OrderFactory(customer=customer, status=OrderStatus.DRAFT), product=tee, quantity=9)
    Product.objects.update(units_sold=0)  # as the new column starts
    backfill(django_apps, SimpleNamespace(connection=connection))  # it uses the schema editor's connection
    assert sold() == {"TEE-1": 5, "CAP-1": 11} == from_lines()


steps = st.lists(
    st.one_of(
        st.tuples(st.just("place"), st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=3)),
        st.tuples(st.just("draft"), st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=3)),
        st.tuples(st.just("adjust"), st.integers(0, 2), st.integers(-3, 5).filter(bool)),
        st.tuples(
            st.just("move"),
            st.integers(0, 20),
            st.sampled_from(["placed", "paid", "cancelled", "refunded", "shipped", "delivered"]),
        ),
    ),
    max_size=25,
)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_units_sold_equals_the_lines_of_sales_after_any_sequence(steps):
    """Whatever staff and customers do, the counter is the sum of the lines of sales, and stock the movements."""
    StockMovement.objects.all().delete()
    Order.objects.all().delete()
    Product.objects.all().delete()
    user = UserFactory(username="prop")
    customer = CustomerFactory()
    products = [ProductFactory(stock=0, allow_backorder=(i == 2)) for i in range(3)]
    for product in products:
        adjust_stock(product=product, delta=5, reason=MovementReason.RESTOCK, user=user)
    for kind, *args in steps:
        try:
            if kind in ("place", "draft"):
                lines = [(products[index], quantity) for index, quantity in args[0]]
                create = place_order if kind == "place" else create_draft_order
                create(customer=customer, lines=lines, user=user)
            elif kind == "adjust":
                index, delta = args
                reason = MovementReason.ADJUSTMENT
                adjust_stock(product=products[index], delta=delta, reason=reason, user=user, note="n")
            else:
                index, status = args
                orders = list(Order.objects.order_by("pk"))
                if orders:
                    transition_order(order=orders[index % len(orders)], to_status=status, user=user)
        except ServiceError:
            pass
    for product in Product.objects.annotate(units_sold_from_lines=units_sold_from_lines()):
        assert product.units_sold == product.units_sold_from_lines
        assert product.stock == StockMovement.objects.total_for(product)
        assert product.stock >= 0 or product.allow_backorder
