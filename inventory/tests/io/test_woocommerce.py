"""WooCommerce's own sample export (fixtures/woocommerce_sample_products.csv) imports as it is."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from backoffice.tests.io.helpers import csv_bytes, errors, run
from inventory.choices import ProductStatus
from inventory.models import Category, Product

pytestmark = pytest.mark.django_db
SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "woocommerce_sample_products.csv"


def import_sample(user, dry_run=False):
    return run("product", SAMPLE.read_bytes(), user=user, dry_run=dry_run, file_name=SAMPLE.name)


def test_sample_file_imports_with_exact_counts(staff_user):
    report = import_sample(staff_user)
    assert errors(report) == []
    assert (report.rows, report.new, report.updated, report.unchanged, report.committed) == (25, 22, 0, 0, True)
    assert report.skipped == [
        (2, "variable product “V-Neck T-Shirt”: not sold itself; its variations are imported as products."),
        (3, "variable product “Hoodie”: not sold itself; its variations are imported as products."),
        (24, "grouped product “Logo Collection”: a grouping of products that are imported on their own lines."),
    ]
    assert Product.objects.count() == 22
    assert sorted(c.path for c in Category.objects.all()) == [
        "Clothing",
        "Clothing > Accessories",
        "Clothing > Hoodies",
        "Clothing > Tshirts",
        "Decor",
        "Music",
    ]
    assert Product.objects.filter(status=ProductStatus.PUBLISHED).count() == 21
    assert report.notes[1:] == [
        "Line 25: external product “WordPress Pennant” is sold elsewhere; imported as a draft.",
        "Sale price ignored on 7 row(s) (lines 6, 7, 8, 10, 15, 19, 23): a product has one price, the regular one.",
        "22 product(s) have no stock quantity in the file; they start with stock 0.",
    ]
    assert report.notes[0].startswith("WooCommerce product export recognised; 37 of its columns are not used: ")


def test_sample_products_keep_name_price_category_and_normalised_sku(staff_user):
    import_sample(staff_user)
    beanie = Product.objects.get(sku="WOO-BEANIE")
    assert (beanie.name, beanie.price, beanie.category.path, beanie.status) == (
        "Beanie",
        Decimal("20.00"),
        "Clothing > Accessories",
        ProductStatus.PUBLISHED,
    )
    assert beanie.description.startswith("Pellentesque habitant morbi tristique")
    assert Product.objects.get(sku="WOO-TSHIRT-LOGO").name == "T-Shirt with Logo"  # "Woo-tshirt-logo" in the file
    pennant = Product.objects.get(sku="WP-PENNANT")
    assert (pennant.status, pennant.price, pennant.category.path) == (ProductStatus.DRAFT, Decimal("11.05"), "Decor")


def test_variations_become_products_with_their_parents_category(staff_user):
    import_sample(staff_user)
    variations = Product.objects.filter(sku__startswith="WOO-HOODIE-").exclude(sku__contains="WITH")
    assert sorted(variations.values_list("sku", "name", "price")) == [
        ("WOO-HOODIE-BLUE", "Hoodie - Blue, No", Decimal("45.00")),
        ("WOO-HOODIE-BLUE-LOGO", "Hoodie - Blue, Yes", Decimal("45.00")),
        ("WOO-HOODIE-GREEN", "Hoodie - Green, No", Decimal("45.00")),
        ("WOO-HOODIE-RED", "Hoodie - Red, No", Decimal("45.00")),
    ]
    assert {p.category.path for p in variations} == {"Clothing > Hoodies"}
    red_tee = Product.objects.get(sku="WOO-VNECK-TEE-RED")
    assert (red_tee.category.path, red_tee.price) == ("Clothing > Tshirts", Decimal("20.00"))
    assert red_tee.description.startswith("Lorem ipsum")  # its own; the parent's only when it has none
    assert not Product.objects.filter(sku__in=["WOO-VNECK-TEE", "WOO-HOODIE", "LOGO-COLLECTION"]).exists()


def test_importing_the_sample_again_changes_nothing(staff_user):
    import_sample(staff_user)
    report = import_sample(staff_user)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 22)


def test_missing_sku_gets_one_from_the_woocommerce_id_and_extra_categories_are_reported(staff_user):
    header = ["ID", "Type", "SKU", "Name", "Published", "Regular price", "Sale price", "Categories", "Tags", "Stock"]
    data = csv_bytes(
        [
            header,
            ["501", "simple", "", "Poster", "-1", "9.50", "", "Decor, Gifts > Paper", "art, paper", "4"],
            ["502", "simple", "pin-1", "Pin", "0", "2", "", "Gifts", "", ""],
        ]
    )
    report = run("product", data, user=staff_user, file_name="woo.csv")
    assert errors(report) == []
    assert "Line 2: “Poster” has no SKU; it gets WOO-501 from its WooCommerce ID." in report.notes
    assert "Line 2: several categories (Decor; Gifts > Paper); the product goes into the first, Decor." in report.notes
    poster = Product.objects.get(sku="WOO-501")
    assert (poster.status, poster.stock, poster.category.name) == (ProductStatus.DRAFT, 4, "Decor")
    assert sorted(poster.tags.values_list("name", flat=True)) == ["art", "paper"]
    assert Product.objects.get(sku="PIN-1").status == ProductStatus.DRAFT
