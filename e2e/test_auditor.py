"""An Auditor reads everything and exports, but is offered no button that writes."""

import pytest

from e2e.conftest import screenshot

SAVE_BUTTONS = "button[name=_save], button[name=_continue], button[name=_addanother], input[type=submit][name^=_]"


def action_choices(page):
    """The bulk actions the list offers (empty when it offers none)."""
    values = page.locator("select[name=action] option").evaluate_all("options => options.map(o => o.value)")
    return [value for value in values if value]


@pytest.mark.parametrize(
    ("changelist", "can_export"),
    [
        ("/admin/inventory/product/", True),
        ("/admin/inventory/category/", True),
        ("/admin/orders/order/", True),
        ("/admin/orders/customer/", True),
        ("/admin/inventory/stockmovement/", True),
    ],
)
def test_auditor_lists_have_no_write_buttons(auditor_page, changelist, can_export):
    page = auditor_page
    response = page.goto(changelist)
    assert response.status == 200
    assert page.locator("#result_list tbody tr").count() > 0  # they do see the rows
    assert page.locator(f"a[href$='{changelist}add/']").count() == 0
    assert page.get_by_role("link", name="Import").count() == 0
    assert page.get_by_role("link", name="Export").count() == (1 if can_export else 0)
    assert action_choices(page) == []
    screenshot(page, "auditor-" + changelist.strip("/").replace("/", "-"))


def test_auditor_product_and_order_pages_are_read_only(auditor_page):
    from inventory.models import Product
    from orders.choices import OrderStatus
    from orders.models import Order

    page = auditor_page
    product = Product.objects.order_by("pk").first()
    page.goto(f"/admin/inventory/product/{product.pk}/change/")
    assert product.sku in page.locator("#content").inner_text()
    assert page.locator(SAVE_BUTTONS).count() == 0
    assert page.locator("input[name=name], input[name=price]").count() == 0
    assert page.locator("a[href$='/delete/'], a[href$='/adjust_stock_detail/']").count() == 0
    screenshot(page, "auditor-product")

    # History is theirs to read, but offers no revert.
    page.locator(f"a[href$='/product/{product.pk}/history/']").first.click()
    page.wait_for_url(f"**/product/{product.pk}/history/")
    assert page.locator("#content tr.data-row").count() >= 1
    version = product.history.earliest()
    response = page.goto(f"/admin/inventory/product/{product.pk}/history/{version.history_id}/")
    if response.status == 200:
        assert page.get_by_role("button", name="Revert").count() == 0
        assert page.locator(SAVE_BUTTONS).count() == 0
    else:
        assert response.status == 403
    screenshot(page, "auditor-product-version")

    order = Order.objects.filter(status=OrderStatus.PAID).order_by("pk").first()
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    assert order.number in page.locator("#content").inner_text()
    assert page.locator("a[href*='/mark_']").count() == 0
    assert page.locator(SAVE_BUTTONS).count() == 0
    screenshot(page, "auditor-order")
