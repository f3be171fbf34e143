"""Signing in, and the dashboard's figures against the database."""

from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from e2e.conftest import ADMIN_USERNAME, log_in, screenshot
from e2e.environment import ADMIN_PASSWORD


def test_log_in_with_wrong_then_right_password(anonymous_page):
    page = anonymous_page
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/?next=/admin/")
    page.fill("input[name=username]", ADMIN_USERNAME)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.get_by_text("Please enter the correct username and password").wait_for()
    assert urlsplit(page.url).path == "/admin/login/"
    assert page.input_value("input[name=username]") == ADMIN_USERNAME
    screenshot(page, "login-refused")

    log_in(page, ADMIN_USERNAME, ADMIN_PASSWORD)
    assert page.url.endswith("/admin/")
    assert page.locator("#kpis").is_visible()
    screenshot(page, "login-dashboard")


def test_login_page_opened_directly_leads_to_the_dashboard(anonymous_page):
    # Unfold's login form has no hidden "next" field: only LOGIN_REDIRECT_URL keeps this off /accounts/profile/.
    page = anonymous_page
    page.goto("/admin/login/")
    page.fill("input[name=username]", ADMIN_USERNAME)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/")
    assert page.locator("#kpis").is_visible()


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _expected_kpis():
    """The dashboard's cards, computed here with orders.reports: {title: shown value}."""
    from orders import reports
    from orders.models import Customer

    today = timezone.localdate()
    end = _day_start(today + timedelta(days=1))
    expected = {}
    for days, title in ((1, "Revenue today"), (7, "Revenue, last 7 days"), (30, "Revenue, last 30 days")):
        expected[title] = f"{reports.revenue_between(_day_start(today - timedelta(days=days - 1)), end):,.2f}"
    month_start = _day_start(today - timedelta(days=29))
    expected["Average order value, last 30 days"] = f"{reports.average_order_value(month_start, end):,.2f}"
    expected["New customers, last 30 days"] = str(
        Customer.objects.filter(created_at__gte=month_start, created_at__lt=end).count()
    )
    return expected


def test_dashboard_kpis_match_the_database(admin_page):
    from orders import reports

    page = admin_page
    page.goto("/admin/")
    cards = page.locator("#kpis > *")
    shown = {}
    for index in range(cards.count()):
        card = cards.nth(index)
        value = card.locator(".kpi-value").inner_text().strip()
        title = card.inner_text().split("\n")[0].strip()
        shown[title] = value
    expected = _expected_kpis()
    assert shown == expected
    # The demo shop sold something in the last 30 days; a dashboard of zeros would hide a broken query.
    assert expected["Revenue, last 30 days"] != "0.00"

    by_status = {
        item.get_attribute("data-status"): int(item.inner_text())
        for item in page.locator("#orders-by-status [data-status]").all()
    }
    assert by_status == reports.orders_by_status()
    assert sum(by_status.values()) > 0

    order_rows = [row.locator("td").all_inner_texts() for row in page.locator("[data-list=orders] tr").all()]
    latest = [(cells[0].strip(), cells[3].strip()) for cells in order_rows]
    assert latest == _expected_latest_orders()
    low_stock = [row.locator("td").first.inner_text() for row in page.locator("[data-list=stock] tr").all()]
    assert low_stock == _expected_low_stock()
    screenshot(page, "dashboard")


def _expected_latest_orders():
    """(number, total) of the ten newest placed orders, totals with two decimals."""
    from orders.models import Order
    from orders.pricing import round_money

    orders = Order.objects.exclude(placed_at=None).with_totals().order_by("-placed_at", "-pk")[:10]
    return [(o.number, f"{round_money(o.total):,.2f}") for o in orders]


def _expected_low_stock():
    from inventory.models import Product

    return list(Product.objects.low_stock().order_by("stock", "name", "pk").values_list("sku", flat=True)[:10])
