"""The customer page shows the figures, orders, notes and tier history; staff add a note; staff are not customers."""

from e2e.conftest import ADMIN_USERNAME, screenshot


def test_customer_page_figures_orders_and_a_new_note(admin_page):
    from orders.customer_page import ORDERS_PER_PAGE, customer_figures
    from orders.models import Customer, CustomerNote

    page = admin_page
    customer = Customer.objects.order_by("-order_count", "pk").first()
    figures = customer_figures(customer)
    page.goto(f"/admin/orders/customer/{customer.pk}/change/")
    shown = {
        name: page.locator(f"[data-figure={name}]").inner_text().strip()
        for name in ("orders", "lifetime-value", "average-order", "first-order", "last-order")
    }
    assert shown == {
        "orders": str(figures.orders),
        "lifetime-value": f"{figures.lifetime_value:,.2f}",
        "average-order": f"{figures.average_order:,.2f}",
        "first-order": f"{figures.first_order_at:%Y-%m-%d}",
        "last-order": f"{figures.last_order_at:%Y-%m-%d}",
    }
    newest = customer.orders.order_by("-placed_at").first()
    rows = page.locator("#customer-orders tbody tr")
    assert rows.count() == min(customer.orders.count(), ORDERS_PER_PAGE)
    assert rows.first.get_attribute("data-order") == newest.number
    assert page.locator("#tier-history tbody tr").count() >= 1
    screenshot(page, "customer-page")

    page.locator("#note-body").fill("e2e: asked for an invoice copy")
    page.locator("#notes button[type=submit]").click()
    page.get_by_text(f"Note added to {customer}.").wait_for()
    assert page.locator("#notes-timeline li").first.inner_text().startswith("e2e: asked for an invoice copy")
    note = CustomerNote.objects.filter(customer=customer).first()
    assert (note.body, note.author.username) == ("e2e: asked for an invoice copy", ADMIN_USERNAME)
    screenshot(page, "customer-note-added")

    # The order link leads to the order.
    rows.first.locator("a").click()
    page.wait_for_url(f"**/admin/orders/order/{newest.pk}/change/")


def test_staff_are_not_in_the_customer_list_and_edit_their_profile(admin_page):
    from django.contrib.auth import get_user_model

    from orders.models import Customer

    page = admin_page
    assert not Customer.objects.filter(user__is_staff=True).exists()
    page.goto("/admin/orders/customer/")
    assert page.locator("#result_list tbody tr").count() == min(Customer.objects.count(), 50)
    page.goto("/admin/")
    page.locator("[x-data*=openUserLinks] > div.cursor-pointer").click()  # the user menu, foot of the sidebar
    page.get_by_role("link", name="My profile").click()
    page.wait_for_url("**/admin/profile/")
    page.locator("input[name=display_name]").fill("Shop admin")
    page.locator("#profile button[type=submit]").click()
    page.get_by_text("Your profile was saved.").wait_for()
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    admin.profile.refresh_from_db()
    assert admin.profile.display_name == "Shop admin"
    screenshot(page, "profile")
