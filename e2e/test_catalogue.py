"""The product list's filters, a bulk publish, and a stock adjustment, checked on the page and in the database."""

from decimal import Decimal

from e2e.conftest import ADMIN_USERNAME, screenshot

PRODUCTS = "/admin/inventory/product/"
PRICE_FROM, PRICE_TO = Decimal("20"), Decimal("60")


def shown_skus(page):
    return page.locator("#result_list tbody th.field-sku").all_inner_texts()


def expected_skus(page_size=50, **filters):
    """SKUs the product list shows for ``filters``, in its order (name, pk)."""
    from inventory.models import Product

    products = Product.objects.with_effective_price().with_has_orders().filter(**filters).order_by("name", "pk")
    skus = list(products.values_list("sku", flat=True))
    assert 0 < len(skus) < Product.objects.count(), "the filter should leave some rows, not all"
    if page_size:
        assert len(skus) <= page_size, "the filter should leave one page of rows"
    return skus


def product_row(page, sku):
    return page.locator("#result_list tbody tr", has=page.locator("th.field-sku", has_text=sku))


def open_filters(page):
    page.click("a.filter-open-button")
    page.get_by_role("button", name="Apply Filters").wait_for()


def test_filter_by_has_orders(admin_page):
    page = admin_page
    page.goto(PRODUCTS)
    open_filters(page)
    page.locator("input[type=radio][name=has_orders][value=no]").check()
    page.get_by_role("button", name="Apply Filters").click()
    page.wait_for_url("**has_orders=no**")
    expected = expected_skus(has_orders=False)
    assert shown_skus(page) == expected
    screenshot(page, "products-without-orders")

    open_filters(page)
    page.locator("input[type=radio][name=has_orders][value=yes]").check()
    page.get_by_role("button", name="Apply Filters").click()
    page.wait_for_url("**has_orders=yes**")
    show_all = page.locator("a[href*='all=']", has_text="Show all")
    if show_all.count():  # more than a page: show them all, as staff would
        show_all.click()
        page.wait_for_url("**all=**")
    expected = expected_skus(has_orders=True, page_size=None)
    assert shown_skus(page) == expected
    assert set(expected).isdisjoint(expected_skus(has_orders=False))
    screenshot(page, "products-has-orders")


def test_filter_by_effective_price_range(admin_page):
    page = admin_page
    page.goto(PRODUCTS)
    open_filters(page)
    page.fill("input[name=effective_price_from]", str(PRICE_FROM))
    page.fill("input[name=effective_price_to]", str(PRICE_TO))
    page.get_by_role("button", name="Apply Filters").click()
    page.wait_for_url("**effective_price_to=60**")
    expected = expected_skus(effective_price__gte=PRICE_FROM, effective_price__lte=PRICE_TO)
    assert shown_skus(page) == expected
    prices = [Decimal(text.split()[0]) for text in page.locator("td.field-effective_price_display").all_inner_texts()]
    assert all(PRICE_FROM <= price <= PRICE_TO for price in prices)
    screenshot(page, "products-price-range")


def test_has_orders_and_price_range_combine(admin_page):
    page = admin_page
    page.goto(f"{PRODUCTS}?has_orders=yes")
    open_filters(page)
    page.fill("input[name=effective_price_from]", str(PRICE_FROM))
    page.fill("input[name=effective_price_to]", str(PRICE_TO))
    page.get_by_role("button", name="Apply Filters").click()
    page.wait_for_url("**effective_price_to=60**")
    screenshot(page, "products-has-orders-and-price")
    assert shown_skus(page) == expected_skus(
        has_orders=True, effective_price__gte=PRICE_FROM, effective_price__lte=PRICE_TO
    )


def test_bulk_publish_two_drafts(admin_page):
    from inventory.choices import ProductStatus
    from inventory.models import Product

    page = admin_page
    drafts = list(Product.objects.filter(status=ProductStatus.DRAFT).order_by("pk")[:2])
    assert len(drafts) == 2
    page.goto(f"{PRODUCTS}?status__exact=draft")
    for product in drafts:
        page.check(f"input[name=_selected_action][value='{product.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.get_by_text("2 products published.").wait_for()
    screenshot(page, "products-bulk-published")
    # Back on the drafts list, which no longer holds them.
    shown = shown_skus(page)
    assert all(product.sku not in shown for product in drafts)

    for product in drafts:
        product.refresh_from_db()
        assert product.status == ProductStatus.PUBLISHED
        assert product.published_at is not None
        record = product.history.latest()
        assert (record.history_user.username, record.history_change_reason) == (ADMIN_USERNAME, "published in admin")
        page.goto(f"{PRODUCTS}?q={product.sku}")
        assert product_row(page, product.sku).locator("td.field-status_display").inner_text().strip().lower() == (
            "published"
        )


def test_adjust_stock_with_a_reason(admin_page):
    from inventory.choices import MovementReason
    from inventory.models import Product

    page = admin_page
    product = Product.objects.filter(stock__gte=10, allow_backorder=False).order_by("pk").first()
    before = product.stock
    movements_before = product.stock_movements.count()
    page.goto(f"{PRODUCTS}{product.pk}/change/")

    # Taking more than there is is refused in the dialog, and nothing is written.
    page.locator("a[href$='/adjust_stock_detail/']").click()
    dialog = page.locator("#dialog")
    dialog.locator("input[name=delta]").fill(str(-(before + 100)))
    dialog.locator("input[name=note]").fill("e2e: too many")
    dialog.locator("button[type=submit]").click()
    dialog.locator(".errorlist, .text-red-600, [class*='errors']").first.wait_for()
    screenshot(page, "stock-adjust-refused")
    product.refresh_from_db()
    assert (product.stock, product.stock_movements.count()) == (before, movements_before)

    dialog.locator("input[name=delta]").fill("-3")
    dialog.locator("input[name=note]").fill("e2e: stock count, 3 damaged")
    dialog.locator("button[type=submit]").click()
    page.get_by_text(f"changed by -3 to {before - 3}.").wait_for()

    product.refresh_from_db()
    assert product.stock == before - 3
    assert product.stock_movements.count() == movements_before + 1
    movement = product.stock_movements.select_related("user").latest("pk")
    assert (movement.delta, movement.reason, movement.note, movement.user.username) == (
        -3,
        MovementReason.ADJUSTMENT,
        "e2e: stock count, 3 damaged",
        ADMIN_USERNAME,
    )

    page.get_by_role("link", name="Recent stock movements").click()
    newest = page.locator("tr.form-row", has_text="e2e: stock count, 3 damaged")
    newest.wait_for()
    assert "-3" in newest.inner_text()
    screenshot(page, "stock-adjusted")
