"""Order changelist and detail: columns, filters, status actions, drafts, query count."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.tests.admin_support import change_url, changelist_url, result_pks, run_action, user_with_perms
from inventory.models import Product, StockMovement
from inventory.tests.factories import CategoryFactory, ProductFactory
from orders.choices import ALLOWED_TRANSITIONS, OrderStatus
from orders.models import Order, OrderLine
from orders.services import EMPTY_ORDER
from orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _get(client, **params):
    response = client.get(changelist_url(Order), params)
    assert response.status_code == 200
    return response


def _status(order):
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def test_columns(boss_client, sales):
    response = _get(boss_client)
    model_admin = response.context["cl"].model_admin
    rows = {o.number: o for o in response.context["cl"].result_list}
    a1, a2, c1 = rows["ORD-A1"], rows["ORD-A2"], rows["ORD-C1"]
    assert model_admin.status_display(a1) == ("paid", "Paid")
    assert [model_admin.line_count_display(o) for o in (a1, a2, c1)] == [2, 1, 1]
    assert [model_admin.subtotal_display(o) for o in (a1, a2, c1)] == ["50.00", "30.00", "60.00"]
    # The rate kept at placement; a draft shows its customer's tier rate (cat is vip: 15%).
    assert [model_admin.discount_rate_display(o) for o in (a1, a2, c1)] == ["10%", "5%", "15%"]
    assert [model_admin.total_display(o) for o in (a1, a2, c1)] == ["45.00", "28.50", "51.00"]
    assert str(a1.customer) == "Ann Archer <ann@example.com>"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "paid"}, ["a1"]),
        ({"revenue": "yes"}, ["a1", "a2"]),
        ({"revenue": "no"}, ["b1", "c1"]),
        ({"customer__tier__exact": "gold"}, ["a1", "a2"]),
        ({"q": "bob@example.com"}, ["b1"]),
        ({"q": "ord-a"}, ["a1", "a2"]),
        ({"q": "archer"}, ["a1", "a2"]),
        ({"q": "archer a2"}, ["a2"]),
        ({"q": "COLE"}, ["c1"]),
        ({"q": "nobody"}, []),
        ({"q": '"archer"'}, ["a1", "a2"]),
        ({"q": '"archer'}, []),  # an unclosed quote is searched as typed, not a 500
    ],
)
def test_filters(boss_client, sales, params, expected):
    assert sorted(result_pks(_get(boss_client, **params))) == sorted(sales[n].pk for n in expected)


def test_list_shows_placed_orders_newest_first_and_drafts_last(boss_client, sales):
    draft2 = OrderFactory(customer=sales["bob"], status=OrderStatus.DRAFT, placed_at=None)
    expected = [sales["a1"].pk, sales["a2"].pk, sales["b1"].pk, draft2.pk, sales["c1"].pk]
    assert result_pks(_get(boss_client)) == expected
    assert list(Order.objects.values_list("pk", flat=True)) == expected


def test_placed_at_range_and_contains_product(boss_client, sales):
    day = sales["a2"].placed_at.date().isoformat()
    assert result_pks(_get(boss_client, placed_at_from=day, placed_at_to=day)) == [sales["a2"].pk]
    by_product = _get(boss_client, lines__product__id__exact=sales["pen"].pk)
    assert sorted(result_pks(by_product)) == sorted([sales["a1"].pk, sales["a2"].pk])


def test_detail_offers_only_valid_transitions(boss_client, sales):
    html = boss_client.get(change_url(sales["a1"])).content.decode()  # paid
    for name in ["mark_shipped", "mark_cancelled", "mark_refunded"]:
        assert f"/{name}/" in html
    for name in ["mark_placed", "mark_paid", "mark_delivered"]:
        assert f"/{name}/" not in html


def test_detail_transition(boss_client, superuser, sales):
    url = reverse("admin:orders_order_mark_shipped", args=[sales["a1"].pk])
    assert boss_client.get(url).status_code == 200  # the confirmation dialog
    assert _status(sales["a1"]) == OrderStatus.PAID
    response = boss_client.post(url, {"reason": "DHL 123", "_form_submitted": "1"})
    assert response.status_code == 302
    assert _status(sales["a1"]) == OrderStatus.SHIPPED
    latest = sales["a1"].history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, "DHL 123")


def test_detail_transition_not_valid_from_status_is_refused(boss_client, sales):
    url = reverse("admin:orders_order_mark_delivered", args=[sales["a1"].pk])
    assert boss_client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 403
    assert _status(sales["a1"]) == OrderStatus.PAID


def test_placing_a_draft_shows_service_refusal(boss_client, sales):
    sales["mug"].status = "draft"
    sales["mug"].save()
    url = reverse("admin:orders_order_mark_placed", args=[sales["c1"].pk])
    response = boss_client.post(url, {"reason": "", "_form_submitted": "1"}, follow=True)
    assert response.status_code == 200
    assert "MUG-1 cannot be ordered: it is draft. Publish it first." in response.content.decode()
    assert _status(sales["c1"]) == OrderStatus.DRAFT


def test_bulk_change_status(boss_client, superuser, sales):
    targets = [sales["a1"], sales["a2"], sales["b1"]]
    form_page = run_action(boss_client, Order, "change_status", targets)
    choices = [value for value, _label in form_page.context["form"].fields["to_status"].choices]
    assert choices == ["paid", "shipped", "cancelled", "refunded"]  # reachable from paid or placed
    run_action(boss_client, Order, "change_status", targets, to_status="cancelled", reason="customer asked")
    assert [_status(o) for o in targets] == ["cancelled", "cancelled", "cancelled"]
    # Cancelling returns stock of orders that held it.
    assert sorted(StockMovement.objects.values_list("order__number", "delta")) == [
        ("ORD-A1", 1),
        ("ORD-A1", 2),
        ("ORD-A2", 1),
    ]
    latest = sales["a2"].history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, "customer asked")
    messages = [str(m) for m in _get(boss_client).context["messages"]]
    assert messages == ["2 orders marked as cancelled. 1 skipped: not allowed from their status (1)."]


def test_bulk_change_status_refused_without_permission(admin_client_as, sales):
    client = admin_client_as(user_with_perms("viewer", "orders.view_order"))
    run_action(client, Order, "change_status", [sales["a1"]], to_status="shipped", reason="")
    assert _status(sales["a1"]) == OrderStatus.PAID
    url = reverse("admin:orders_order_mark_shipped", args=[sales["a1"].pk])
    assert client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 403
    assert _status(sales["a1"]) == OrderStatus.PAID


def test_add_creates_a_draft_with_prices_from_the_product(boss_client, superuser, sales):
    data = {
        "customer": sales["bob"].pk,
        "notes": "phone order",
        "status": "delivered",  # not a form field: ignored
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": sales["pen"].pk,
        "lines-0-quantity": "3",
        "lines-0-unit_price": "0.01",  # read-only: ignored
    }
    response = boss_client.post(reverse("admin:orders_order_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    order = Order.objects.get(notes="phone order")
    assert (order.status, order.created_by, order.number.startswith("ORD-")) == ("draft", superuser, True)
    line = OrderLine.objects.get(order=order)
    assert (line.quantity, line.unit_price) == (3, Decimal("10.00"))
    created = order.history.get()
    assert (created.history_user, created.history_change_reason) == (superuser, "draft created in admin")
    assert StockMovement.objects.count() == 0  # a draft takes no stock


def test_placed_orders_cannot_be_deleted_and_lines_are_read_only(boss_client, sales):
    assert boss_client.get(reverse("admin:orders_order_delete", args=[sales["a1"].pk])).status_code == 403
    html = boss_client.get(change_url(sales["a1"])).content.decode()
    assert 'name="lines-0-quantity"' not in html
    draft_html = boss_client.get(change_url(sales["c1"])).content.decode()
    assert 'name="lines-0-quantity"' in draft_html


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(Order))
    return len(queries), len(response.context["cl"].result_list)


def test_query_count_does_not_grow_with_rows(boss_client, sales):
    OrderFactory(customer=sales["bob"])
    small = _count(boss_client)
    for order in OrderFactory.create_batch(45):
        OrderLineFactory(order=order, product=sales["mug"])
    large = _count(boss_client)
    assert (small[1], large[1]) == (5, 50)
    assert small[0] == large[0]


def test_auditor_sees_orders_and_history_but_no_status_actions(admin_client_as, sales):
    from backoffice.tests.admin_support import ROLE_AUDITOR, user_in_role

    client = admin_client_as(user_in_role(ROLE_AUDITOR, "audrey"))
    order = sales["a1"]
    html = client.get(change_url(order)).content.decode()
    assert "/mark_shipped/" not in html and "/mark_cancelled/" not in html
    assert client.get(reverse("admin:orders_order_history", args=[order.pk])).status_code == 200
    url = reverse("admin:orders_order_mark_shipped", args=[order.pk])
    assert client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 403
    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    assert _status(order) == OrderStatus.PAID


def test_order_clerk_can_move_orders(admin_client_as, sales):
    from backoffice.tests.admin_support import ROLE_CLERK, user_in_role

    clerk = user_in_role(ROLE_CLERK, "olga")
    client = admin_client_as(clerk)
    url = reverse("admin:orders_order_mark_shipped", args=[sales["a1"].pk])
    assert client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 302
    assert _status(sales["a1"]) == OrderStatus.SHIPPED
    latest = sales["a1"].history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (clerk, "status paid -> shipped")


def test_order_lines_have_no_row_titles(boss_client, sales):
    html = boss_client.get(change_url(sales["a1"])).content.decode()
    assert f"2 x {sales['mug'].pk} @ 20.00" not in html
    assert "Mug" in html


def _draft_form(order, lines, **extra):
    """A change-form POST: the order fields and inline rows ``lines``, [(id, product, quantity, delete)]."""
    data = {"customer": order.customer_id, "notes": order.notes, **dict.fromkeys(Order.SHIPPING_FIELDS, "")}
    data.update({"lines-TOTAL_FORMS": str(len(lines)), "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"})
    data["lines-INITIAL_FORMS"] = str(sum(1 for pk, *_rest in lines if pk))
    for index, (pk, product, quantity, delete) in enumerate(lines):
        row = {"id": pk or "", "order": order.pk or "", "product": product.pk, "quantity": quantity}
        if delete:
            row["DELETE"] = "on"
        data.update({f"lines-{index}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def test_draft_line_prices_are_the_services_effective_prices(boss_client, superuser, sales):
    """A category-priced product: the admin's price is ``with_effective_price()``'s, never the product's own field."""
    scarf = ProductFactory(sku="SCARF-1", price=None, category=CategoryFactory(default_price=Decimal("17.35")))
    draft = sales["c1"]
    mug_line = draft.lines.get()
    sales["mug"].price = Decimal("25.00")  # after the draft was made: its mug line keeps 20.00
    sales["mug"].save()
    data = _draft_form(draft, [(mug_line.pk, sales["mug"], 5, False), (None, scarf, 2, False)], notes="by phone")
    response = boss_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    lines = list(draft.lines.order_by("pk").values_list("product__sku", "quantity", "unit_price"))
    effective = Product.objects.with_effective_price().get(pk=scarf.pk).effective_price
    assert lines == [("MUG-1", 5, Decimal("20.00")), ("SCARF-1", 2, effective)]
    assert effective == Decimal("17.35")
    added = OrderLine.history.get(product_id=scarf.pk)
    assert (added.history_user, added.history_change_reason) == (superuser, f"added to draft {draft.number}")
    changed = OrderLine.history.filter(id=mug_line.pk).order_by("-history_id").first()
    assert (changed.history_user, changed.history_change_reason) == (superuser, "lines changed in admin")
    assert Order.objects.get(pk=draft.pk).notes == "by phone"


def test_draft_line_with_a_new_product_is_priced_again_and_removed_lines_go(boss_client, sales):
    draft = sales["c1"]
    OrderLineFactory(order=draft, product=sales["pen"], quantity=1, unit_price=Decimal("1.00"))
    mug_line, pen_line = draft.lines.order_by("pk")
    cap = ProductFactory(sku="CAP-9", price=Decimal("7.77"))
    data = _draft_form(draft, [(mug_line.pk, cap, 3, False), (pen_line.pk, sales["pen"], 1, True)])
    assert boss_client.post(change_url(draft), data).status_code == 302
    assert list(draft.lines.values_list("product__sku", "quantity", "unit_price")) == [("CAP-9", 3, Decimal("7.77"))]


def test_new_draft_without_lines_gets_the_services_message_and_nothing_is_written(boss_client, sales):
    before = Order.objects.count()
    data = {"customer": sales["bob"].pk, "notes": "empty", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}
    data.update({"lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"})
    response = boss_client.post(reverse("admin:orders_order_add"), data)
    assert response.status_code == 200
    assert str(EMPTY_ORDER) in response.content.decode()
    assert Order.objects.count() == before


def test_lines_of_a_placed_order_cannot_be_changed_by_a_forged_post(boss_client, sales):
    order = sales["a1"]
    line = order.lines.get(product=sales["mug"])
    data = _draft_form(order, [(line.pk, sales["mug"], 9, False)], notes="forged")
    boss_client.post(change_url(order), data)
    assert list(order.lines.order_by("pk").values_list("quantity", "unit_price")) == [
        (2, Decimal("20.00")),
        (1, Decimal("10.00")),
    ]


@pytest.mark.parametrize("status", OrderStatus.values)
def test_detail_page_offers_exactly_the_lifecycles_next_statuses(boss_client, sales, status):
    """One button per status ALLOWED_TRANSITIONS allows next; a button it does not allow answers 403."""
    order = OrderFactory(customer=sales["bob"], status=status)
    html = boss_client.get(change_url(order)).content.decode()
    offered = {s for s in OrderStatus.values if f"/mark_{s}/" in html}
    assert offered == set(ALLOWED_TRANSITIONS[status])
    for refused in set(OrderStatus.values) - offered - {OrderStatus.DRAFT}:
        url = reverse(f"admin:orders_order_mark_{refused}", args=[order.pk])
        assert boss_client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 403
    assert _status(order) == status
