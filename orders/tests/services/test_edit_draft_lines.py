"""``edit_draft_lines`` and ``create_draft_order``: the only code that prices a draft's lines."""

from decimal import Decimal

import pytest

from backoffice.errors import ServiceError
from inventory.models import StockMovement
from inventory.tests.factories import CategoryFactory, ProductFactory
from orders.choices import OrderStatus
from orders.draft_services import NOT_A_DRAFT, PRODUCT_TWICE, edit_draft_lines
from orders.models import OrderLine
from orders.services import EMPTY_ORDER, check_lines, create_draft_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    shirts = CategoryFactory(name="Shirts", default_price=Decimal("14.50"))
    return {
        # No own price: the category's default is the effective price.
        "tee": ProductFactory(sku="TEE-1", price=None, category=shirts),
        "cap": ProductFactory(sku="CAP-1", price=Decimal("9.00")),
        "mug": ProductFactory(sku="MUG-1", price=Decimal("6.25")),
        "pen": ProductFactory(sku="PEN-1", price=Decimal("2.10")),
        "customer": CustomerFactory(first_name="Ann", tier="gold"),
    }


def _lines(order):
    return list(order.lines.order_by("pk").values_list("product__sku", "quantity", "unit_price"))


def test_a_draft_is_created_at_effective_prices_with_the_reason_given(shop, staff_user):
    draft = create_draft_order(
        customer=shop["customer"], lines=[(shop["tee"], 2)], user=staff_user, reason="draft created in admin"
    )
    assert (draft.status, draft.created_by, _lines(draft)) == ("draft", staff_user, [("TEE-1", 2, Decimal("14.50"))])
    assert draft.history.get().history_change_reason == "draft created in admin"
    assert StockMovement.objects.count() == 0


def test_new_and_repointed_lines_take_todays_price_a_quantity_change_keeps_it(shop, staff_user):
    draft = create_draft_order(customer=shop["customer"], lines=[(shop["tee"], 1), (shop["cap"], 1)], user=staff_user)
    tee_line, cap_line = draft.lines.order_by("pk")
    # Prices move after the draft was made: only lines that are new or change product see it.
    shop["tee"].category.default_price = Decimal("15.00")
    shop["tee"].category.save()
    edit_draft_lines(
        order=draft,
        user=staff_user,
        add=[(shop["pen"], 4)],
        change=[(tee_line.pk, shop["tee"], 3), (cap_line.pk, shop["mug"], 2)],
        reason="lines changed in admin",
    )
    assert _lines(draft) == [
        ("TEE-1", 3, Decimal("14.50")),
        ("MUG-1", 2, Decimal("6.25")),
        ("PEN-1", 4, Decimal("2.10")),
    ]
    changed = OrderLine.history.filter(id=tee_line.pk).order_by("-history_id").first()
    assert (changed.history_user, changed.history_change_reason) == (staff_user, "lines changed in admin")
    added = OrderLine.history.filter(history_type="+", product_id=shop["pen"].pk).get()
    assert (added.history_user, added.history_change_reason) == (staff_user, f"added to draft {draft.number}")


def test_removed_lines_are_deleted_with_history(shop, staff_user):
    draft = create_draft_order(customer=shop["customer"], lines=[(shop["tee"], 1), (shop["cap"], 1)], user=staff_user)
    cap_line = draft.lines.get(product=shop["cap"])
    edit_draft_lines(order=draft, user=staff_user, remove=[cap_line.pk], reason="lines changed in admin")
    assert _lines(draft) == [("TEE-1", 1, Decimal("14.50"))]
    deleted = OrderLine.history.get(id=cap_line.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (staff_user, "lines changed in admin")


def test_a_placed_order_is_refused_and_nothing_is_written(shop, staff_user):
    draft = create_draft_order(customer=shop["customer"], lines=[(shop["tee"], 1)], user=staff_user)
    draft.status = OrderStatus.PAID
    draft.save()
    line = draft.lines.get()
    with pytest.raises(ServiceError) as refused:
        edit_draft_lines(order=draft, user=staff_user, add=[(shop["mug"], 1)], change=[(line.pk, shop["cap"], 5)])
    assert refused.value.code == "not_a_draft"
    assert refused.value.message == NOT_A_DRAFT % {"number": draft.number, "status": "paid"}
    assert _lines(draft) == [("TEE-1", 1, Decimal("14.50"))]


@pytest.mark.parametrize("quantity", [0, -1, "1.5"])
def test_quantities_below_one_are_refused(shop, staff_user, quantity):
    draft = create_draft_order(customer=shop["customer"], lines=[(shop["tee"], 1)], user=staff_user)
    with pytest.raises(ServiceError) as refused:
        edit_draft_lines(order=draft, user=staff_user, add=[(shop["mug"], quantity)])
    assert refused.value.code == "invalid_quantity"
    assert _lines(draft) == [("TEE-1", 1, Decimal("14.50"))]


def test_a_product_on_two_lines_is_refused(shop, staff_user):
    draft = create_draft_order(customer=shop["customer"], lines=[(shop["tee"], 1), (shop["cap"], 1)], user=staff_user)
    cap_line = draft.lines.get(product=shop["cap"])
    with pytest.raises(ServiceError) as refused:
        edit_draft_lines(order=draft, user=staff_user, change=[(cap_line.pk, shop["tee"], 1)])
    assert refused.value.message == PRODUCT_TWICE % {"sku": "TEE-1"}
    # Removing the line that held the product first makes room for it.
    tee_line = draft.lines.get(product=shop["tee"])
    edit_draft_lines(order=draft, user=staff_user, remove=[tee_line.pk], add=[(shop["tee"], 2)])
    assert sorted(_lines(draft)) == [("CAP-1", 1, Decimal("9.00")), ("TEE-1", 2, Decimal("14.50"))]


def test_check_lines_refuses_what_an_order_refuses(shop):
    with pytest.raises(ServiceError) as refused:
        check_lines([])
    assert (refused.value.code, refused.value.message) == ("empty_order", str(EMPTY_ORDER))
    check_lines([(shop["tee"], 1)])  # no error
