"""Revert from a version page goes through the services: the issue's scenarios, each as it was found."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.changesets.models import ChangeSet
from backoffice.tests.admin_support import ROLE_CLERK, messages_of, user_in_role
from backoffice.tests.changesets.shop import assert_figures_hold, revert_form, stocked, version_url
from inventory.choices import ProductStatus
from inventory.models import Product
from inventory.services import archive_products
from inventory.tests.factories import TagFactory
from orders.choices import CustomerTier, OrderStatus
from orders.models import Customer, Order
from orders.services import create_draft_order, place_order, transition_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(admin_client_as):
    return admin_client_as(user_in_role(ROLE_CLERK, "clerk-1"))


@pytest.fixture
def shirt(staff_user):
    return stocked("SHIRT-1", 26, user=staff_user, price=Decimal("20.00"))


@pytest.fixture
def ann(db):
    return CustomerFactory(first_name="Ann", email="ann@example.com")


def _version(order, status):
    return order.history.filter(status=status).order_by("history_id").first()


def test_a_cancelled_order_reverted_to_placed_is_refused_and_takes_no_stock(clerk_client, shirt, ann, staff_user):
    order = place_order(customer=ann, lines=[(shirt, 3)], user=staff_user)
    shirt.refresh_from_db()
    assert shirt.stock == 23
    transition_order(order=order, to_status=OrderStatus.CANCELLED, user=staff_user)
    placed = _version(order, OrderStatus.PLACED)
    response = clerk_client.post(version_url(order, placed), {**revert_form(clerk_client, order, placed), "_save": "1"})
    assert response.status_code == 302
    shown = messages_of(clerk_client.get(response["Location"]))
    assert shown == [
        "Nothing was reverted: the version's status “placed” cannot be restored (Order "
        f"{order.number} cannot move from cancelled to placed. Allowed from cancelled: nothing (final status)). "
        "Change the status with its own actions, then revert the other fields."
    ]
    order.refresh_from_db()
    shirt.refresh_from_db()
    assert (order.status, shirt.stock, shirt.units_sold) == (OrderStatus.CANCELLED, 26, 0)
    assert not ChangeSet.objects.exists()  # the refused revert left nothing behind
    assert_figures_hold()


def test_a_placed_order_reverted_to_its_draft_keeps_its_stock_and_totals(clerk_client, shirt, ann, staff_user):
    order = create_draft_order(customer=ann, lines=[(shirt, 2)], user=staff_user)
    transition_order(order=order, to_status=OrderStatus.PLACED, user=staff_user)
    draft = _version(order, OrderStatus.DRAFT)
    form = {**revert_form(clerk_client, order, draft), "_save": "1"}
    response = clerk_client.post(version_url(order, draft), form)
    assert response.status_code == 302
    order.refresh_from_db()
    shirt.refresh_from_db()
    ann.refresh_from_db()
    assert (order.status, order.placed_total, shirt.stock) == (OrderStatus.PLACED, Decimal("40.00"), 24)
    assert (ann.order_count, ann.lifetime_value) == (1, Decimal("40.00"))
    assert_figures_hold()


def test_a_plain_field_of_an_order_is_reverted_and_recorded_in_a_change_set(clerk_client, shirt, ann, staff_user):
    order = place_order(customer=ann, lines=[(shirt, 1)], user=staff_user, notes="leave at the door")
    Order.objects.filter(pk=order.pk).update(notes="changed")
    first = _version(order, OrderStatus.PLACED)
    response = clerk_client.post(version_url(order, first), {**revert_form(clerk_client, order, first), "_save": "1"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.notes, order.status, order.placed_total) == (
        "leave at the door",
        OrderStatus.PLACED,
        Decimal("20.00"),
    )
    changeset = ChangeSet.objects.get()
    assert (changeset.kind, changeset.user.username, changeset.counts) == ("revert", "clerk-1", {"orders.order": 1})
    assert order.history.latest().changeset_id == changeset.pk


def test_an_archived_product_reverted_to_published_goes_through_the_publish_service(boss_client, shirt, superuser):
    published = shirt.history.latest()
    archive_products(products=[shirt], user=superuser)
    response = boss_client.post(
        version_url(shirt, published), {**revert_form(boss_client, shirt, published), "_save": "1"}
    )
    assert response.status_code == 302
    shirt.refresh_from_db()
    assert shirt.status == ProductStatus.PUBLISHED
    row = shirt.history.latest()
    changeset = ChangeSet.objects.get()
    # One history row, written by the publish service's statement, in the revert's change set.
    assert (row.status, row.history_user, row.changeset_id) == ("published", superuser, changeset.pk)
    assert row.history_change_reason.startswith("reverted to version of ")
    assert changeset.counts == {"inventory.product": 1}


def test_a_product_version_shows_and_restores_its_tags(boss_client, staff_user):
    red, blue, sale = TagFactory(name="red"), TagFactory(name="blue"), TagFactory(name="sale")
    product = stocked("MUG-1", 5, user=staff_user, tags=[red, blue])
    product.tags.set([sale])  # today's tags (simple-history records the change)
    product.refresh_from_db()
    old = product.history.filter(history_change_reason__startswith="stock").latest()
    form = revert_form(boss_client, product, old)
    assert sorted(form["tags"]) == sorted([str(red.pk), str(blue.pk)])  # as they were, not today's
    response = boss_client.post(version_url(product, old), {**form, "_save": "1"})
    assert response.status_code == 302
    assert sorted(product.tags.values_list("name", flat=True)) == ["blue", "red"]
    latest = product.history.latest()
    assert sorted(latest.tags.values_list("tag__name", flat=True)) == ["blue", "red"]
    assert Product.objects.get(pk=product.pk).stock == 5
    assert_figures_hold()


def test_a_customer_tier_revert_goes_through_the_tier_service(boss_client, shirt, ann, staff_user):
    place_order(customer=ann, lines=[(shirt, 1)], user=staff_user)
    regular = ann.history.latest()
    Customer.objects.filter(pk=ann.pk).update(tier=CustomerTier.GOLD, first_name="Annie")
    response = boss_client.post(version_url(ann, regular), {**revert_form(boss_client, ann, regular), "_save": "1"})
    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.tier, ann.first_name, ann.order_count, ann.lifetime_value) == ("regular", "Ann", 1, Decimal("20.00"))
    reasons = list(ann.history.order_by("-history_id").values_list("tier", "history_change_reason")[:2])
    assert [tier for tier, _reason in reasons] == ["regular", "gold"]  # the tier service wrote the last row
    assert_figures_hold()


def test_a_draft_line_change_in_the_admin_shows_on_the_order_history(boss_client, shirt, ann, staff_user):
    order = create_draft_order(customer=ann, lines=[(shirt, 3)], user=staff_user)
    line = order.lines.get()
    data = {
        "customer": ann.pk,
        "notes": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": line.pk,
        "lines-0-order": order.pk,
        "lines-0-product": shirt.pk,
        "lines-0-quantity": "8",
        **{name: getattr(order, name) for name in Order.SHIPPING_FIELDS},
    }
    response = boss_client.post(reverse("admin:orders_order_change", args=[order.pk]), data)
    assert response.status_code == 302
    # The order's own row says nothing changed on it; the line's change shows beside it.
    assert order.history.latest().history_change_reason == "saved in admin (no field changed)"
    html = boss_client.get(reverse("admin:orders_order_history", args=[order.pk])).content.decode()
    assert 'data-line-change="quantity">quantity: 3 &rarr; 8' in html
    assert "lines changed in admin" in html
    version = boss_client.get(version_url(order, order.history.latest()))
    (table,) = version.context["version_children"]
    assert table["rows"] == [[shirt, 8, Decimal("20.00")]]  # the lines as they stood at that version
    first = boss_client.get(version_url(order, order.history.earliest()))
    assert first.context["version_children"][0]["rows"] == [[shirt, 3, Decimal("20.00")]]
