"""Customer changelist: columns, filters, tier action, query count."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.tests.admin_support import changelist_url, result_pks, run_action, user_with_perms
from orders.choices import CustomerTier
from orders.models import Customer
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _rows(client, **params):
    response = client.get(changelist_url(Customer), params)
    assert response.status_code == 200
    return response


def test_columns(boss_client, sales):
    response = _rows(boss_client)
    model_admin = response.context["cl"].model_admin
    rows = {c.email: c for c in response.context["cl"].result_list}
    ann, bob, cat = rows["ann@example.com"], rows["bob@example.com"], rows["cat@example.com"]
    assert model_admin.name_display(ann) == "Ann Archer"
    assert model_admin.tier_display(ann) == ("gold", "Gold")
    assert [model_admin.discount_rate_display(c) for c in (ann, bob, cat)] == ["10%", "0%", "15%"]
    # Orders count once placed (ann 2, bob's cancelled 1, cat's draft 0); value sums revenue orders only.
    assert [model_admin.order_count_display(c) for c in (ann, bob, cat)] == [2, 1, 0]
    assert [model_admin.lifetime_value_display(c) for c in (ann, bob, cat)] == ["73.50", "0.00", "0.00"]
    last_order = f"{sales['a1'].placed_at:%Y-%m-%d} ORD-A1"
    assert model_admin.last_order_display(ann) == f'<span class="whitespace-nowrap">{last_order}</span>'
    assert model_admin.last_order_display(cat) == "-"
    assert [c.has_orders for c in (ann, bob, cat)] == [True, True, False]
    html = response.content.decode()
    assert "ORD-A1" in html and "73.50" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier__exact": "gold"}, ["ann"]),
        ({"has_orders": "yes"}, ["ann", "bob"]),
        ({"has_orders": "no"}, ["cat"]),
        ({"ordered_within": "30"}, ["ann"]),
        ({"ordered_within": "90"}, ["ann"]),
        ({"never_ordered": "yes"}, ["cat"]),
    ],
)
def test_filters(boss_client, sales, params, expected):
    # The logged-in superuser is staff: a profile, no customer row in the list.
    assert sorted(result_pks(_rows(boss_client, **params))) == sorted(sales[n].pk for n in expected)


def test_search(boss_client, sales):
    assert result_pks(_rows(boss_client, q="baker")) == [sales["bob"].pk]


def test_change_tier_action(boss_client, superuser, sales):
    targets = [sales["ann"], sales["bob"]]
    page = run_action(boss_client, Customer, "change_tier", targets)
    assert page.status_code == 200 and 'name="tier"' in page.content.decode()
    run_action(boss_client, Customer, "change_tier", targets, tier="gold", reason="loyalty")
    assert dict(Customer.objects.values_list("email", "tier"))["bob@example.com"] == CustomerTier.GOLD
    latest = sales["bob"].history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, "tier set to gold in admin: loyalty")
    assert sales["ann"].history.count() == 1  # ann was gold already: skipped, no history row
    messages = [str(m) for m in _rows(boss_client).context["messages"]]
    assert messages == ["1 customers moved to Gold. 1 skipped: already in that tier (1)."]


def test_change_tier_refused_without_permission_and_on_get(admin_client_as, sales):
    client = admin_client_as(user_with_perms("viewer", "orders.view_customer"))
    run_action(client, Customer, "change_tier", [sales["bob"]], tier="vip", reason="")
    client.get(changelist_url(Customer), {"action": "change_tier", "_selected_action": sales["bob"].pk, "tier": "vip"})
    assert Customer.objects.get(pk=sales["bob"].pk).tier == CustomerTier.REGULAR


def test_bad_tier_is_a_form_error(boss_client, sales):
    page = run_action(boss_client, Customer, "change_tier", [sales["bob"]], tier="platinum", reason="")
    assert page.status_code == 200 and "tier" in page.context["form"].errors


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(Customer))
    return len(queries), len(response.context["cl"].result_list)


def test_query_count_does_not_grow_with_rows(boss_client, sales):
    CustomerFactory.create_batch(2)  # with ann, bob and cat: 5 rows
    small = _count(boss_client)
    for customer in CustomerFactory.create_batch(45, tier=CustomerTier.SILVER):
        OrderFactory(customer=customer, discount_rate=Decimal("0.05"))
    large = _count(boss_client)
    assert (small[1], large[1]) == (5, 50)
    assert small[0] == large[0]


@pytest.mark.parametrize(
    ("order", "first", "last"),
    [
        ("6", None, "ann"),  # lifetime value, ascending: ann's 73.50 last
        ("-6", "ann", None),
        ("5", None, "ann"),  # order count: ann 2, bob 1, others 0
        ("-5", "ann", None),
    ],
)
def test_sort_by_stored_figures(boss_client, sales, order, first, last):
    rows = result_pks(_rows(boss_client, o=order))
    assert len(rows) == 3  # ann, bob and cat (the superuser is staff, not a customer)
    if first:
        assert rows[0] == sales[first].pk
    if last:
        assert rows[-1] == sales[last].pk
    if order == "-5":
        assert rows[:2] == [sales["ann"].pk, sales["bob"].pk]


def test_the_list_query_reads_no_orders(boss_client, sales):
    # The figures are the customer's own columns: sorted by lifetime value, the page's query
    # reads orders_customer alone (no per-customer subquery over orders_order).
    with CaptureQueriesContext(connection) as queries:
        rows = result_pks(_rows(boss_client, o="-6"))
    assert rows[0] == sales["ann"].pk
    quote = connection.ops.quote_name
    listing = [q["sql"] for q in queries if q["sql"].startswith(f"SELECT {quote('orders_customer')}.{quote('id')}")]
    assert listing and not any("orders_order" in sql for sql in listing)
