from decimal import Decimal

import pytest
from django.core import mail

from backoffice.errors import ServiceError
from inventory.choices import ProductStatus
from inventory.models import Product, StockMovement
from inventory.tests.factories import ProductFactory
from orders.choices import ALLOWED_TRANSITIONS, OrderStatus
from orders.models import Order
from orders.services import INVALID_TRANSITION, create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(staff_user):
    tee = ProductFactory(sku="TEE-1", price=Decimal("10.00"), stock=10)
    customer = CustomerFactory(email="ann@example.com", first_name="Ann", tier="silver")
    return place_order(customer=customer, lines=[(tee, 4)], user=staff_user)


def stock():
    return Product.objects.get(sku="TEE-1").stock


def test_happy_path_to_delivered_with_history(placed, staff_user):
    for status in ("paid", "shipped", "delivered"):
        transition_order(order=placed, to_status=status, user=staff_user)
    assert Order.objects.get().status == "delivered"
    reasons = list(placed.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [
        ("placed", staff_user.pk),
        ("status placed -> paid", staff_user.pk),
        ("status paid -> shipped", staff_user.pk),
        ("status shipped -> delivered", staff_user.pk),
    ]
    assert stock() == 6


def test_shipping_mails_the_customer_after_commit(placed, staff_user, django_capture_on_commit_callbacks):
    transition_order(order=placed, to_status="paid", user=staff_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition_order(order=placed, to_status="shipped", user=staff_user)
    assert len(callbacks) == 2  # the mail, and the order.shipped webhook (backoffice/tests/webhooks)
    assert [m.subject for m in mail.outbox] == [f"Your order {placed.number} is on its way"]
    assert mail.outbox[0].to == ["ann@example.com"]


@pytest.mark.parametrize(
    ("path", "movement_reason"),
    [
        (["cancelled"], "cancellation"),
        (["paid", "cancelled"], "cancellation"),
        (["paid", "refunded"], "refund"),
        (["paid", "shipped", "delivered", "refunded"], "refund"),
    ],
)
def test_cancel_and_refund_return_stock_once(placed, staff_user, path, movement_reason):
    for status in path:
        transition_order(order=placed, to_status=status, user=staff_user, reason="customer asked")
    assert stock() == 10
    returned = StockMovement.objects.filter(delta__gt=0)
    assert list(returned.values_list("delta", "reason", "note")) == [(4, movement_reason, "customer asked")]
    for status in OrderStatus.values:  # a final status: nothing more can happen, stock cannot return twice
        with pytest.raises(ServiceError):
            transition_order(order=placed, to_status=status, user=staff_user)
    assert stock() == 10


def test_invalid_transition_message_lists_allowed(placed, staff_user):
    with pytest.raises(ServiceError) as refused:
        transition_order(order=placed, to_status="delivered", user=staff_user)
    assert refused.value.code == "invalid_transition"
    assert refused.value.message == INVALID_TRANSITION % {
        "number": placed.number,
        "from": "placed",
        "to": "delivered",
        "allowed": "paid, cancelled",
    }
    assert Order.objects.get().status == "placed"


def test_unknown_status_is_refused(placed, staff_user):
    with pytest.raises(ServiceError) as refused:
        transition_order(order=placed, to_status="lost", user=staff_user)
    assert refused.value.code == "unknown_status"


def test_every_allowed_transition_is_reachable():
    allowed = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert allowed == {
        ("draft", "placed"),
        ("placed", "paid"),
        ("placed", "cancelled"),
        ("paid", "shipped"),
        ("paid", "cancelled"),
        ("paid", "refunded"),
        ("shipped", "delivered"),
        ("shipped", "refunded"),
        ("delivered", "refunded"),
    }


def test_placing_a_draft_fixes_todays_prices_and_takes_stock(staff_user):
    tee = ProductFactory(sku="TEE-1", price=Decimal("10.00"), stock=10)
    customer = CustomerFactory(tier="vip")
    draft = create_draft_order(customer=customer, lines=[(tee, 3)], user=staff_user)
    assert stock() == 10 and draft.placed_at is None and draft.discount_rate is None
    tee.price = Decimal("12.00")
    tee.save()
    placed = transition_order(order=draft, to_status="placed", user=staff_user)
    assert placed.lines.get().unit_price == Decimal("12.00")
    assert placed.discount_rate == Decimal("0.15") and placed.placed_at is not None
    assert stock() == 7
    assert Order.objects.with_totals().get().total == Decimal("30.60")


def test_placing_a_draft_with_an_unpublished_product_is_refused(staff_user):
    tee = ProductFactory(sku="TEE-1", stock=10)
    draft = create_draft_order(customer=CustomerFactory(), lines=[(tee, 1)], user=staff_user)
    tee.status = ProductStatus.ARCHIVED
    tee.save()
    with pytest.raises(ServiceError) as refused:
        transition_order(order=draft, to_status="placed", user=staff_user)
    assert refused.value.code == "product_not_for_sale"
    assert Order.objects.get().status == "draft" and stock() == 10
