"""A product's history: an edit shows as a diff with who and why, and a revert is itself recorded."""

from decimal import Decimal

from e2e.conftest import ADMIN_USERNAME, screenshot


def history_rows(page):
    return page.locator("#content tr.data-row")


def test_history_shows_the_diff_and_a_revert_is_recorded(admin_page):
    from inventory.models import Product

    page = admin_page
    product = Product.objects.exclude(price=None).order_by("-pk").first()
    old_name, old_price = product.name, product.price
    new_name, new_price = f"{old_name} (renamed)", old_price + Decimal("5.00")
    version_before_edit = product.history.latest()

    page.goto(f"/admin/inventory/product/{product.pk}/change/")
    page.fill("input[name=name]", new_name)
    page.get_by_text("Pricing and stock", exact=True).click()
    page.fill("input[name=price]", str(new_price))
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    product.refresh_from_db()
    assert (product.name, product.price) == (new_name, new_price)

    page.locator(f"a[href$='/product/{product.pk}/history/']").first.click()
    page.wait_for_url(f"**/product/{product.pk}/history/")
    newest = history_rows(page).first
    assert ADMIN_USERNAME in newest.inner_text()
    assert "changed in admin: name, price" in newest.inner_text()
    newest.locator("td").last.click()  # the chevron: opens the diff below the row
    diff = newest.locator("xpath=following-sibling::tr[1]")
    diff.wait_for(state="visible")
    diff_rows = {
        cells[0].strip(): (cells[1].strip(), cells[2].strip())
        for cells in (row.locator("td").all_inner_texts() for row in diff.locator("tbody tr").all())
    }
    assert diff_rows == {"Name": (old_name, new_name), "Price": (f"{old_price:.2f}", f"{new_price:.2f}")}
    screenshot(page, "history-diff")

    # Revert to the version before the edit.
    page.locator(f"a[href$='/history/{version_before_edit.history_id}/']").click()
    assert page.input_value("input[name=name]") == old_name
    screenshot(page, "history-revert-form")
    page.get_by_role("button", name="Revert").click()
    # Back on the product's page, with a message that names the version it went back to.
    page.wait_for_url(f"**/admin/inventory/product/{product.pk}/change/")
    page.get_by_text(f'The product "{old_name} ({product.sku})" was reverted to the version of').wait_for()

    product.refresh_from_db()
    assert (product.name, product.price) == (old_name, old_price)
    record = product.history.latest()
    assert record.history_user.username == ADMIN_USERNAME
    assert record.history_change_reason.startswith("reverted to version of ")

    page.goto(f"/admin/inventory/product/{product.pk}/history/")
    newest = history_rows(page).first
    assert record.history_change_reason in newest.inner_text()
    assert ADMIN_USERNAME in newest.inner_text()
    screenshot(page, "history-reverted")
