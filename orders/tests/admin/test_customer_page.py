"""The customer page: figures, orders (paginated, newest first), notes timeline, tier history."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.tests.admin_support import change_url, changelist_url, result_pks, user_with_perms
from inventory.tests.factories import UserFactory
from orders.choices import CustomerTier, OrderStatus
from orders.customer_page import ORDERS_PER_PAGE
from orders.customers import EMPTY_NOTE
from orders.models import Address, Customer, CustomerNote, Order
from orders.recount import recount_customer_stats
from orders.services import change_customer_tier
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
FIRST = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _orders(customer, count, *, start=0):
    """``count`` orders a day apart from FIRST: totals 10.00, 20.00, ...; every fifth cancelled."""
    Order.objects.bulk_create(
        Order(
            number=f"ORD-T-{customer.pk}-{n:04d}",
            customer=customer,
            status=OrderStatus.CANCELLED if n % 5 == 4 else OrderStatus.PAID,
            placed_at=FIRST + timedelta(days=n),
            placed_total=Decimal(10 * (n + 1)),
            placed_subtotal=Decimal(10 * (n + 1)),
            placed_line_count=1,
        )
        for n in range(start, start + count)
    )
    recount_customer_stats([customer.pk])
    customer.refresh_from_db()


@pytest.fixture
def ann(superuser):
    ann = CustomerFactory(first_name="Ann", last_name="Lee", email="ann@example.com")
    Address.objects.create(customer=ann, label="Home", line1="Hauptstr. 1", city="Berlin", country="DE")
    change_customer_tier(customers=[ann], tier=CustomerTier.GOLD, user=superuser, reason="tier rule: Gold when ...")
    CustomerNote.objects.create(customer=ann, author=superuser, body="Called about a late parcel.")
    return ann


def _page(client, customer, **params):
    response = client.get(change_url(customer), params)
    assert response.status_code == 200
    return response


def test_the_figures_of_the_customer(boss_client, ann):
    _orders(ann, 5)  # 10..50; the fifth (50.00) cancelled: 4 revenue orders, 100.00
    page = _page(boss_client, ann)
    figures = page.context["figures"]
    assert (figures.orders, figures.lifetime_value, figures.average_order) == (5, Decimal("100.00"), Decimal("25.00"))
    assert (figures.first_order_at, figures.last_order_at) == (FIRST, FIRST + timedelta(days=4))
    html = page.content.decode()
    assert '<span data-figure="average-order">25.00</span>' in html
    assert '<span data-figure="first-order">2026-01-01</span>' in html


def test_a_customer_without_orders_shows_dashes(boss_client):
    page = _page(boss_client, CustomerFactory()).content.decode()
    assert '<span data-figure="average-order">-</span>' in page and "No orders yet." in page


def test_orders_newest_first_linked_and_paginated(boss_client, ann):
    _orders(ann, ORDERS_PER_PAGE + 3)
    first_page = _page(boss_client, ann).context["orders_page"]
    numbers = [o.number for o in first_page.object_list]
    assert numbers[0] == f"ORD-T-{ann.pk}-{ORDERS_PER_PAGE + 2:04d}" and len(numbers) == ORDERS_PER_PAGE
    assert numbers == sorted(numbers, reverse=True)
    newest = first_page.object_list[0]
    html = _page(boss_client, ann).content.decode()
    assert f'href="{reverse("admin:orders_order_change", args=[newest.pk])}">{newest.number}</a>' in html
    assert f"{newest.total:.2f}" == "230.00"
    second = _page(boss_client, ann, orders_page=2).context["orders_page"]
    assert [o.number for o in second.object_list] == [f"ORD-T-{ann.pk}-{n:04d}" for n in (2, 1, 0)]
    assert _page(boss_client, ann, orders_page="junk").context["orders_page"].number == 1


def test_notes_and_tier_history_are_shown(boss_client, ann, superuser):
    page = _page(boss_client, ann)
    assert [n.body for n in page.context["notes"]] == ["Called about a late parcel."]
    history = [(r.previous_tier, r.tier, r.history_user, r.history_change_reason) for r in page.context["tier_history"]]
    assert history[0] == ("regular", "gold", superuser, "tier rule: Gold when ...")
    html = page.content.decode()
    assert "Called about a late parcel." in html and "tier rule: Gold when ..." in html


def _queries(client, customer):
    with CaptureQueriesContext(connection) as queries:
        _page(client, customer)
    return len(queries)


def test_the_page_takes_the_same_queries_with_3_and_300_orders(boss_client, ann):
    _orders(ann, 3)
    small = _queries(boss_client, ann)
    _orders(ann, 297, start=3)
    assert ann.order_count == 300
    large = _queries(boss_client, ann)
    assert small == large


def test_staff_add_a_note_with_author_and_time(boss_client, ann, superuser):
    url = reverse("admin:orders_customer_add_note", args=[ann.pk])
    response = boss_client.post(url, {"body": "VIP event invite sent."}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(ann) + "#notes"
    note = CustomerNote.objects.filter(customer=ann).first()
    assert (note.body, note.author) == ("VIP event invite sent.", superuser)
    assert [str(m) for m in response.context["messages"]] == [f"Note added to {ann}."]
    response = boss_client.post(url, {"body": "  "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [str(EMPTY_NOTE)]
    assert boss_client.get(url).status_code == 405
    assert CustomerNote.objects.filter(customer=ann).count() == 2


def test_a_viewer_sees_the_page_but_adds_no_note(admin_client_as, ann):
    client = admin_client_as(user_with_perms("viewer", "orders.view_customer"))
    page = _page(client, ann)
    assert page.context["can_add_note"] is False and 'name="body"' not in page.content.decode()
    assert client.post(reverse("admin:orders_customer_add_note", args=[ann.pk]), {"body": "x"}).status_code == 403
    assert CustomerNote.objects.filter(customer=ann).count() == 1


def test_the_list_leaves_out_staff_but_their_page_stays(boss_client, ann):
    linked = CustomerFactory(user=UserFactory(username="clerk"))  # a staff user's customer, linked by hand
    assert result_pks(boss_client.get(changelist_url(Customer))) == [ann.pk]
    assert boss_client.get(change_url(linked)).status_code == 200


def test_defaults_offer_only_the_customers_own_addresses(boss_client, ann):
    other = Address.objects.create(customer=CustomerFactory(), line1="x", city="y", country="FR")
    form = _page(boss_client, ann).context["adminform"].form
    assert list(form.fields["default_shipping_address"].queryset) == list(ann.addresses.all())
    assert other not in form.fields["default_billing_address"].queryset
