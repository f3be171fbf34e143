"""orders.customers: notes timeline, default addresses, and the address copy every order keeps."""

from decimal import Decimal

import pytest

from backoffice.errors import ServiceError
from inventory.tests.factories import ProductFactory
from orders.customers import EMPTY_NOTE, FOREIGN_ADDRESS, add_customer_note, set_default_addresses
from orders.models import Address, Order
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return CustomerFactory(first_name="Ann", last_name="Lee", email="ann@example.com")


@pytest.fixture
def book(ann, staff_user):
    home = Address.objects.create(
        customer=ann, label="Home", line1="Hauptstr. 1", city="Berlin", postcode="10115", country="DE"
    )
    office = Address.objects.create(
        customer=ann, label="Office", name="Ann Lee, ACME", line1="Marktplatz 9", city="Hamburg", country="DE"
    )
    set_default_addresses(customer=ann, shipping=home, billing=office, user=staff_user, reason="address book")
    return {"home": home, "office": office}


@pytest.fixture
def pen():
    return ProductFactory(sku="PEN-1", price=Decimal("10.00"), stock=20)


def test_a_note_keeps_its_author_and_time(ann, staff_user):
    note = add_customer_note(customer=ann, author=staff_user, body="  Prefers email.  ")
    assert (note.customer, note.author, note.body) == (ann, staff_user, "Prefers email.")
    assert note.created_at is not None
    with pytest.raises(ServiceError) as refused:
        add_customer_note(customer=ann, author=staff_user, body="   ")
    assert (refused.value.code, refused.value.message) == ("empty_note", str(EMPTY_NOTE))
    assert ann.timeline_notes.count() == 1


def test_one_default_of_each_kind_with_history(ann, book, staff_user):
    ann.refresh_from_db()
    assert (ann.default_shipping_address, ann.default_billing_address) == (book["home"], book["office"])
    set_default_addresses(customer=ann, shipping=book["office"], user=staff_user, reason="moved")
    ann.refresh_from_db()
    assert (ann.default_shipping_address, ann.default_billing_address) == (book["office"], book["office"])
    latest = ann.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (staff_user, "moved")


def test_another_customers_address_is_refused(ann, staff_user):
    bob = CustomerFactory(first_name="Bob")
    foreign = Address.objects.create(customer=bob, line1="x", city="y", country="FR")
    with pytest.raises(ServiceError) as refused:
        set_default_addresses(customer=ann, shipping=foreign, user=staff_user, reason="")
    assert refused.value.code == "foreign_address"
    assert refused.value.message == FOREIGN_ADDRESS % {"address": foreign.pk, "customer": ann}
    ann.refresh_from_db()
    assert ann.default_shipping_address is None


def test_an_order_copies_the_defaults_and_keeps_them_when_the_book_changes(ann, book, pen, staff_user):
    ann.refresh_from_db()
    order = place_order(customer=ann, lines=[(pen, 1)], user=staff_user)
    shipping = [getattr(order, f) for f in Order.SHIPPING_FIELDS]
    billing = [getattr(order, f) for f in Order.BILLING_FIELDS]
    assert shipping == ["Ann Lee", "Hauptstr. 1", "", "Berlin", "10115", "DE"]
    assert billing == ["Ann Lee, ACME", "Marktplatz 9", "", "Hamburg", "", "DE"]
    book["home"].line1 = "Neue Str. 5"
    book["home"].save()
    Address.objects.filter(pk=book["office"].pk).delete()
    order.refresh_from_db()
    assert (order.shipping_line1, order.billing_line1) == ("Hauptstr. 1", "Marktplatz 9")


def test_a_typed_shipping_address_wins_over_the_default(ann, book, pen, staff_user):
    ann.refresh_from_db()
    typed = {"shipping_line1": "Gift Lane 3", "shipping_city": "Munich", "shipping_country": "DE"}
    order = place_order(customer=ann, lines=[(pen, 1)], user=staff_user, shipping=typed)
    assert (order.shipping_name, order.shipping_line1, order.shipping_city, order.shipping_postcode) == (
        "Ann Lee",
        "Gift Lane 3",
        "Munich",
        "",
    )
    assert order.billing_line1 == "Marktplatz 9"


def test_a_draft_left_blank_takes_the_defaults_when_placed(ann, book, pen, staff_user):
    draft = create_draft_order(customer=CustomerFactory(first_name="Cy"), lines=[(pen, 1)], user=staff_user)
    assert draft.shipping_line1 == ""
    draft.customer = ann  # the admin's draft form: customer chosen, address left blank
    draft.save()
    placed = transition_order(order=draft, to_status="placed", user=staff_user)
    placed.refresh_from_db()
    assert (placed.shipping_line1, placed.billing_line1) == ("Hauptstr. 1", "Marktplatz 9")


def test_a_customer_without_addresses_orders_as_before(pen, staff_user):
    order = place_order(customer=CustomerFactory(first_name="Di", last_name="Ng"), lines=[(pen, 1)], user=staff_user)
    assert (order.shipping_name, order.shipping_line1, order.billing_line1) == ("Di Ng", "", "")
