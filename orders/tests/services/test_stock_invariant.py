"""Whatever staff and customers do, a product's stock is the sum of its movements."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.errors import ServiceError
from inventory.choices import MovementReason
from inventory.models import Product, StockMovement
from inventory.services import adjust_stock
from inventory.tests.factories import ProductFactory, UserFactory
from orders.models import Order
from orders.services import place_order, transition_order
from orders.tests.factories import CustomerFactory

steps = st.lists(
    st.one_of(
        st.tuples(st.just("place"), st.integers(0, 2), st.integers(1, 4)),
        st.tuples(st.just("adjust"), st.integers(0, 2), st.integers(-3, 5).filter(bool)),
        st.tuples(
            st.just("move"),
            st.integers(0, 20),
            st.sampled_from(["paid", "cancelled", "refunded", "shipped", "delivered"]),
        ),
    ),
    max_size=25,
)


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_stock_equals_sum_of_movements_after_any_sequence(steps):
    StockMovement.objects.all().delete()
    Order.objects.all().delete()
    Product.objects.all().delete()
    user = UserFactory(username="prop")
    customer = CustomerFactory()
    products = [ProductFactory(stock=0, allow_backorder=(i == 2)) for i in range(3)]
    for product in products:
        adjust_stock(product=product, delta=5, reason=MovementReason.RESTOCK, user=user)
    for kind, a, b in steps:
        try:
            if kind == "place":
                place_order(customer=customer, lines=[(products[a], b)], user=user)
            elif kind == "adjust":
                adjust_stock(product=products[a], delta=b, reason=MovementReason.ADJUSTMENT, user=user, note="n")
            else:
                orders = list(Order.objects.order_by("pk"))
                if orders:
                    transition_order(order=orders[a % len(orders)], to_status=b, user=user)
        except ServiceError:
            pass
    for product in Product.objects.all():
        assert product.stock == StockMovement.objects.total_for(product)
        assert product.stock >= 0 or product.allow_backorder
