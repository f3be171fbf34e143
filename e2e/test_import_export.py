"""Importing products from CSV (a refused file, then a good one) and exporting a filtered list.

Imports run as jobs on the worker the ``server`` fixture starts: the page follows the check (it
reloads while the job runs), then the import.
"""

import csv
import io
from pathlib import Path

from e2e.conftest import ADMIN_USERNAME, screenshot

PRODUCTS = "/admin/inventory/product/"
HEADER = ["sku", "name", "category", "price", "stock"]
NEW_SKUS = ["E2E-IMP-MUG", "E2E-IMP-BOWL"]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def check_file(page, path):
    """Open the import page from the product list, upload ``path`` as CSV and ask for the check."""
    page.goto(PRODUCTS)
    page.get_by_role("link", name="Import").click()
    page.wait_for_url("**/product/import/")
    page.set_input_files("input[name=import_file]", str(path))
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="Check file").click()
    page.wait_for_url("**/product/import/?job=*")
    page.locator("#import-report").wait_for()


def shown_counts(page):
    return {cell.get_attribute("data-count"): int(cell.inner_text()) for cell in page.locator("[data-count]").all()}


def test_import_refuses_a_file_with_a_bad_row(admin_page, tmp_path):
    from inventory.models import Category, Product

    page = admin_page
    category = Category.objects.order_by("pk").first()
    path = write_csv(
        tmp_path / "products-bad.csv",
        [
            [NEW_SKUS[0], "E2E stoneware mug", category.name, "12.50", "5"],
            [NEW_SKUS[1], "E2E stoneware bowl", category.name, "twelve", "3"],  # line 3: not a number
        ],
    )
    products_before = Product.objects.count()
    check_file(page, path)
    screenshot(page, "import-refused")

    errors = [row.locator("td").all_inner_texts() for row in page.locator("#import-errors tbody tr").all()]
    assert len(errors) == 1
    line, column, problem = (cell.strip() for cell in errors[0])
    assert (line, column) == ("3", "price")
    assert "twelve" in problem
    assert "nothing will be imported" in page.locator("#import-report").inner_text()
    assert shown_counts(page)["errors"] == 1
    # No way to confirm, and the check wrote nothing.
    assert page.locator("#confirm-import").count() == 0
    assert Product.objects.count() == products_before
    assert not Product.objects.filter(sku__in=NEW_SKUS).exists()
    # The refused rows as a file: the file's own columns, then line and reason.
    with page.expect_download() as download:
        page.locator("#job-download").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        [*HEADER, "line", "reason"],
        [NEW_SKUS[1], "E2E stoneware bowl", category.name, "twelve", "3", "3", f"price: {problem}"],
    ]


def test_a_big_check_shows_its_progress_while_the_worker_runs_it(admin_page, tmp_path):
    from inventory.models import Category

    page = admin_page
    category = Category.objects.order_by("pk").first()
    rows = [[f"E2E-BIG-{n:05d}", f"Big {n}", category.name, "1.00", "1"] for n in range(30_000)]
    path = write_csv(tmp_path / "products-big.csv", rows)
    page.goto(PRODUCTS)
    page.get_by_role("link", name="Import").click()
    page.set_input_files("input[name=import_file]", str(path))
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="Check file").click()
    page.wait_for_url("**/product/import/?job=*")
    status = page.locator("#job-status")
    assert status.get_attribute("data-state") in {"queued", "running", "succeeded"}
    if status.get_attribute("data-state") != "succeeded":
        assert page.locator("#job-progress").count() == 1
        screenshot(page, "import-progress")
    page.locator("#import-report").wait_for(timeout=120_000)
    screenshot(page, "import-big-checked")
    assert shown_counts(page) == {"new": 30_000, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0}


def test_import_previews_then_writes_a_good_file(admin_page, tmp_path):
    from inventory.models import Category, Product

    page = admin_page
    category = Category.objects.order_by("pk").first()
    renamed, unchanged = Product.objects.exclude(price=None).select_related("category").order_by("pk")[:2]
    path = write_csv(
        tmp_path / "products-good.csv",
        [
            [NEW_SKUS[0], "E2E stoneware mug", category.name, "12.50", "5"],
            [NEW_SKUS[1], "E2E stoneware bowl", category.name, "18.00", "3"],
            [renamed.sku, f"{renamed.name} (new edition)", renamed.category.name, renamed.price, renamed.stock],
            [unchanged.sku, unchanged.name, unchanged.category.name, unchanged.price, unchanged.stock],
        ],
    )
    check_file(page, path)
    screenshot(page, "import-preview")
    assert shown_counts(page) == {"new": 2, "updated": 1, "unchanged": 1, "skipped": 0, "errors": 0}
    assert "Preview (dry run: nothing written yet)" in page.locator("#import-report").inner_text()
    assert not Product.objects.filter(sku__in=NEW_SKUS).exists()

    page.locator("#confirm-import button[type=submit]").click()
    page.locator("#job-status[data-state=succeeded]").wait_for()
    page.get_by_text("products-good.csv imported: 2 new, 1 updated, 1 unchanged products.").first.wait_for()
    page.goto(PRODUCTS)

    page.fill("#searchbar", "E2E-IMP")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=E2E-IMP**")
    rows = page.locator("#result_list tbody tr")
    assert sorted(rows.locator("th.field-sku").all_inner_texts()) == sorted(NEW_SKUS)
    assert "E2E stoneware bowl" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    screenshot(page, "import-done")

    mug = Product.objects.get(sku=NEW_SKUS[0])
    assert (mug.name, mug.category_id, str(mug.price), mug.stock) == ("E2E stoneware mug", category.pk, "12.50", 5)
    record = mug.history.latest()
    assert (record.history_user.username, record.history_change_reason) == (ADMIN_USERNAME, "import products-good.csv")
    renamed.refresh_from_db()
    assert renamed.name.endswith("(new edition)")
    assert renamed.history.latest().history_change_reason == "import products-good.csv"


def test_export_the_filtered_product_list(admin_page):
    from inventory.models import Product

    page = admin_page
    page.goto(f"{PRODUCTS}?has_orders=no")
    page.get_by_role("link", name="Export").click()
    page.wait_for_url("**/product/export/?has_orders=no")
    page.uncheck("input[name=productcolumns_description]")
    page.select_option("select[name=format]", label="csv")
    screenshot(page, "export-form")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Submit").click()
    download = download_info.value
    assert download.suggested_filename.startswith("products-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))

    expected = Product.objects.with_has_orders().filter(has_orders=False).order_by("sku")
    assert 0 < len(expected) < Product.objects.count()
    assert "description" not in rows[0]
    assert [(r["sku"], r["name"], int(r["stock"]), r["status"]) for r in rows] == [
        (p.sku, p.name, p.stock, p.status) for p in expected
    ]
