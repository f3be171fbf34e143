import pytest

from backoffice.errors import ServiceError
from inventory.choices import MovementReason
from inventory.models import Product, StockMovement
from inventory.services import INSUFFICIENT_STOCK, REASON_REQUIRED, adjust_stock, restock
from inventory.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_adjust_stock_changes_stock_and_writes_movement_and_history(staff_user):
    product = ProductFactory(sku="TEE-1", stock=5)
    movement = adjust_stock(
        product=product,
        delta=-2,
        reason=MovementReason.ADJUSTMENT,
        user=staff_user,
        note="two damaged in the warehouse",
    )
    product.refresh_from_db()
    assert product.stock == 3
    assert (movement.delta, movement.stock_after, movement.reason, movement.user) == (-2, 3, "adjustment", staff_user)
    last = product.history.first()
    assert last.history_user == staff_user
    assert last.history_change_reason == "stock -2 (adjustment): two damaged in the warehouse"
    assert last.stock == 3


def test_adjust_stock_refuses_to_go_below_zero(staff_user):
    product = ProductFactory(sku="TEE-2", stock=1)
    with pytest.raises(ServiceError) as refused:
        adjust_stock(product=product, delta=-2, reason=MovementReason.ADJUSTMENT, user=staff_user, note="count")
    assert refused.value.code == "insufficient_stock"
    assert refused.value.message == INSUFFICIENT_STOCK % {"sku": "TEE-2", "available": 1, "requested": 2}
    assert Product.objects.get().stock == 1
    assert StockMovement.objects.count() == 0
    assert product.history.count() == 1  # only the creation


def test_backorder_products_may_go_negative(staff_user):
    product = ProductFactory(stock=0, allow_backorder=True)
    adjust_stock(product=product, delta=-3, reason=MovementReason.SALE, user=staff_user)
    assert Product.objects.get().stock == -3


def test_adjustment_needs_a_reason(staff_user):
    product = ProductFactory(stock=4)
    with pytest.raises(ServiceError) as refused:
        adjust_stock(product=product, delta=1, reason=MovementReason.ADJUSTMENT, user=staff_user, note="  ")
    assert refused.value.message == str(REASON_REQUIRED)


def test_zero_change_is_refused(staff_user):
    product = ProductFactory(stock=4)
    with pytest.raises(ServiceError) as refused:
        adjust_stock(product=product, delta=0, reason=MovementReason.RESTOCK, user=staff_user)
    assert refused.value.code == "zero_stock_change"


def test_restock_adds_units_and_refuses_non_positive(staff_user):
    product = ProductFactory(stock=4)
    restock(product=product, quantity=6, user=staff_user, note="delivery 42")
    assert product.stock == 10  # the caller's instance is refreshed too
    assert StockMovement.objects.get().reason == "restock"
    with pytest.raises(ServiceError) as refused:
        restock(product=product, quantity=-1, user=staff_user)
    assert refused.value.code == "restock_not_positive"


def test_sum_of_movements_equals_stock(staff_user):
    product = ProductFactory(stock=0)
    for delta in (5, -2, 7, -10):
        adjust_stock(product=product, delta=delta, reason=MovementReason.ADJUSTMENT, user=staff_user, note="x")
    assert StockMovement.objects.total_for(product) == Product.objects.get().stock == 0


@pytest.mark.parametrize("delta", ["2.5", "two", None, 1.5])
def test_a_stock_change_that_is_not_whole_units_is_refused(staff_user, delta):
    product = ProductFactory(stock=4)
    with pytest.raises(ServiceError) as refused:
        adjust_stock(product=product, delta=delta, reason=MovementReason.ADJUSTMENT, user=staff_user, note="n")
    assert refused.value.code == "not_whole_units"
    assert Product.objects.get().stock == 4 and StockMovement.objects.count() == 0


@pytest.mark.parametrize("quantity", ["abc", "0", -3, "1.5"])
def test_restock_refuses_anything_but_positive_whole_units(staff_user, quantity):
    product = ProductFactory(stock=4)
    with pytest.raises(ServiceError) as refused:
        restock(product=product, quantity=quantity, user=staff_user)
    assert refused.value.code == "restock_not_positive"
    assert StockMovement.objects.count() == 0
