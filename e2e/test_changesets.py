"""History staff can trust: a bulk publish undone from its change set page, a deleted product restored."""

from e2e.conftest import ADMIN_USERNAME, screenshot

PRODUCTS = "/admin/inventory/product/"
CHANGESETS = "/admin/changesets/changeset/"


def test_a_bulk_publish_is_undone_from_its_change_set_page(admin_page):
    from backoffice.changesets.models import ChangeSet
    from inventory.choices import ProductStatus
    from inventory.models import Product

    page = admin_page
    drafts = list(Product.objects.filter(status=ProductStatus.DRAFT).order_by("pk")[:3])
    assert len(drafts) == 3
    page.goto(f"{PRODUCTS}?status__exact=draft")
    for product in drafts:
        page.check(f"input[name=_selected_action][value='{product.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.get_by_text("3 products published.").wait_for()
    published = ChangeSet.objects.latest("pk")
    assert (published.kind, published.user.username, published.counts) == (
        "bulk",
        ADMIN_USERNAME,
        {"inventory.product": 3},
    )

    page.goto(CHANGESETS)
    page.get_by_role("link", name=f"#{published.pk}", exact=True).click()
    page.wait_for_url(f"**{CHANGESETS}{published.pk}/change/")
    assert page.locator("[data-change='status']").count() == 3
    screenshot(page, "changeset-detail")
    page.click("#undo-link")
    page.wait_for_url(f"**{CHANGESETS}{published.pk}/undo/")
    screenshot(page, "changeset-undo-confirm")
    page.get_by_role("button", name="Yes, undo it").click()
    page.get_by_text(f"Change set #{published.pk} was undone").wait_for()
    screenshot(page, "changeset-undone")

    undo = ChangeSet.objects.get(undo_of=published)
    assert undo.counts == {"inventory.product": 3}
    for product in drafts:
        product.refresh_from_db()
        assert product.status == ProductStatus.DRAFT
        assert product.history.latest().history_change_reason == f"undo of change set #{published.pk}"
    # The original now says who undid it, and offers no second undo.
    page.goto(f"{CHANGESETS}{published.pk}/change/")
    assert page.locator(f"[data-undone-by='{undo.pk}']").count() == 1
    assert page.locator("#undo-link").count() == 0


def test_a_deleted_product_is_restored_from_the_recycle_bin(admin_page):
    from inventory.models import Product

    page = admin_page
    product = Product.objects.filter(order_lines__isnull=True).exclude(tags=None).order_by("pk").first()
    tags = sorted(product.tags.values_list("name", flat=True))
    stock, status = product.stock, product.status

    page.goto(f"{PRODUCTS}{product.pk}/delete/")
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.wait_for_url(f"**{PRODUCTS}")
    assert not Product.objects.filter(pk=product.pk).exists()

    page.goto("/admin/changesets/changeset/recycle-bin/")
    row = page.locator("#recycle-bin tr", has_text=product.sku)
    assert ", ".join(tags) in row.inner_text() and ADMIN_USERNAME in row.inner_text()
    screenshot(page, "recycle-bin")
    row.get_by_role("button", name="Restore").click()
    page.wait_for_url(f"**{PRODUCTS}{product.pk}/change/")
    page.get_by_text("was restored from the recycle bin").wait_for()
    screenshot(page, "recycle-bin-restored")

    restored = Product.objects.get(pk=product.pk)
    assert (restored.stock, restored.status) == (stock, status)
    assert sorted(restored.tags.values_list("name", flat=True)) == tags
    assert restored.history.latest("history_id").history_change_reason == "restored from recycle bin"
