"""An order moves from placed to paid to shipped through the buttons of its page."""

from e2e.conftest import ADMIN_USERNAME, screenshot


def mark(page, order, status, reason):
    page.locator(f"a[href$='/{order.pk}/mark_{status}/']").click()
    dialog = page.locator("#dialog")
    dialog.locator("input[name=reason]").fill(reason)
    dialog.locator("button[type=submit]").click()
    page.get_by_text(f"Order {order.number} is now {status}.").wait_for()


def shown_status(page):
    return page.locator(".field-status_badge, .field-status").first.inner_text().strip().lower()


def detail_actions(page, order):
    hrefs = [a.get_attribute("href") for a in page.locator(f"a[href*='/{order.pk}/mark_']").all()]
    return sorted(href.rstrip("/").rsplit("/mark_", 1)[1] for href in hrefs)


def test_order_moves_from_placed_to_paid_to_shipped(admin_page):
    from orders.choices import OrderStatus
    from orders.models import Order

    page = admin_page
    order = Order.objects.filter(status=OrderStatus.PLACED).order_by("pk").first()
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    assert detail_actions(page, order) == ["cancelled", "paid"]

    mark(page, order, "paid", "e2e: bank transfer received")
    assert detail_actions(page, order) == ["cancelled", "refunded", "shipped"]
    screenshot(page, "order-paid")

    mark(page, order, "shipped", "e2e: parcel handed to the carrier")
    assert detail_actions(page, order) == ["delivered", "refunded"]
    screenshot(page, "order-shipped")

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    records = list(order.history.order_by("-history_id")[:2])
    assert [(r.status, r.history_user.username, r.history_change_reason) for r in records] == [
        (OrderStatus.SHIPPED, ADMIN_USERNAME, "e2e: parcel handed to the carrier"),
        (OrderStatus.PAID, ADMIN_USERNAME, "e2e: bank transfer received"),
    ]

    # The list shows the new status too.
    page.goto(f"/admin/orders/order/?q={order.number}")
    row = page.locator("#result_list tbody tr", has_text=order.number)
    assert "shipped" in row.inner_text().lower()
    screenshot(page, "orders-list-shipped")
