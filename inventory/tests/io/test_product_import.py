"""Products from a file: bulk validation, all or nothing, history and stock movements."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backoffice.tests.io.helpers import allow_stock_changes, errors, run
from inventory.choices import MovementReason, ProductStatus
from inventory.models import BACKORDERS_OUTSTANDING, Category, Product, StockMovement, Tag, backorders_outstanding
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db
HEADER = ["sku", "name", "category", "tags", "price", "stock", "status"]


def test_new_products_with_category_path_tags_and_default_price(staff_user):
    report = run(
        "product",
        [
            HEADER,
            ["tee-red-l", "Red tee", "Clothing > Tshirts", "summer, Cotton", "19.90", "12", "published"],
            ["MUG-1", "Mug", "Kitchen", "", "", "0", "Draft"],
        ],
        user=staff_user,
        file_name="spring.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged, report.committed) == (2, 0, 0, True)
    assert report.created == [
        ("category", "Clothing"),
        ("category", "Clothing > Tshirts"),
        ("category", "Kitchen"),
        ("tag", "summer"),
        ("tag", "Cotton"),
    ]
    tee = Product.objects.get(sku="TEE-RED-L")
    assert (tee.name, tee.category.path, tee.price, tee.stock, tee.status) == (
        "Red tee",
        "Clothing > Tshirts",
        Decimal("19.90"),
        12,
        ProductStatus.PUBLISHED,
    )
    assert tee.published_at is not None
    assert sorted(tee.tags.values_list("name", flat=True)) == ["Cotton", "summer"]
    mug = Product.objects.with_effective_price().get(sku="MUG-1")
    assert (mug.price, mug.price_source, mug.status, mug.slug) == (None, "site", ProductStatus.DRAFT, "mug")
    # History: one record per product, by the importing user, with the file name; tags in the snapshot.
    record = tee.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        staff_user,
        "import spring.csv",
    )
    assert sorted(t.tag.name for t in record.tags.all()) == ["Cotton", "summer"]
    assert Category.history.filter(history_change_reason="import spring.csv", history_user=staff_user).count() == 3
    assert Tag.history.filter(history_change_reason="import spring.csv").count() == 2
    # Stock: an import movement makes the sum of movements equal the stock.
    movement = StockMovement.objects.get(product=tee)
    assert (movement.delta, movement.reason, movement.user, movement.note) == (
        12,
        MovementReason.IMPORT,
        staff_user,
        "import spring.csv",
    )
    assert not StockMovement.objects.filter(product=mug).exists()


def test_update_unchanged_and_stock_change_through_the_stock_service(staff_user):
    allow_stock_changes(staff_user)
    category = CategoryFactory(name="Kitchen")
    cotton = TagFactory(name="cotton")
    mug = ProductFactory(sku="MUG-1", name="Mug", category=category, price=Decimal("5.00"), stock=4, tags=[cotton])
    cup = ProductFactory(sku="CUP-1", name="Cup", category=category, price=Decimal("3.00"), stock=2)
    bowl = ProductFactory(sku="BOWL-1", name="Bowl", category=category, price=Decimal("7.00"), stock=1)
    report = run(
        "product",
        [
            ["sku", "name", "category", "tags", "price", "stock"],
            ["mug-1", "Mug", "Kitchen", "cotton", "5.00", "4"],  # unchanged
            ["CUP-1", "Big cup", "Kitchen", "", "3.00", "2"],  # name changed
            ["BOWL-1", "Bowl", "Kitchen", "", "7.00", "9"],  # only stock changed
        ],
        user=staff_user,
        file_name="fix.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (0, 2, 1)
    imported = {"history_change_reason": "import fix.csv"}
    assert not mug.history.filter(**imported).exists()
    cup.refresh_from_db()
    bowl.refresh_from_db()
    assert cup.name == "Big cup"
    assert cup.history.filter(**imported).get().history_user == staff_user
    assert bowl.stock == 9
    assert StockMovement.objects.total_for(bowl) == 9 - 1  # the factory's opening stock has no movement
    movement = StockMovement.objects.get(product=bowl)
    assert (movement.delta, movement.stock_after, movement.reason) == (8, 9, MovementReason.IMPORT)
    assert [h.history_user for h in bowl.history.filter(**imported)] == [staff_user]


def test_new_product_stock_equals_its_movements(staff_user):
    run("product", [HEADER, ["A-100", "A", "Cat", "", "1", "7", ""]], user=staff_user)
    product = Product.objects.get(sku="A-100")
    assert StockMovement.objects.total_for(product) == product.stock == 7


def test_one_bad_row_writes_nothing_and_every_bad_row_is_reported(staff_user):
    report = run(
        "product",
        [
            HEADER,
            ["GOOD-1", "Good", "New cat", "new tag", "1.00", "1", ""],
            ["x", "Short sku", "Cat", "", "1", "1", ""],
            ["GOOD-2", "", "Cat", "", "abc", "-3", "sold"],
            ["good-1", "Again", "Cat", "", "1", "1", ""],
            ["GOOD-3", "Deep", "A > B > C > D > E", "", "1", "1", ""],
            ["GOOD-4", "Cents", "Cat", "", "1.005", "2.5", ""],
        ],
        user=staff_user,
    )
    assert report.committed is False
    assert errors(report) == [
        (
            3,
            "sku",
            "“x”: Enter a SKU of 3 to 32 characters: letters, digits and dashes, "
            "starting and ending with a letter or digit (for example TSHIRT-RED-L).",
        ),
        (4, "name", "A value is required."),
        (4, "price", "“abc” is not a number."),
        (4, "status", "“sold” is not one of: draft, published, archived."),
        (4, "stock", "“-3” is negative; enter 0 or more."),
        (5, "sku", "GOOD-1 appears more than once in the file (first on line 2)."),
        (6, "category", "The category path “A > B > C > D > E” is 5 levels deep; at most 4 are allowed."),
        (7, "price", "“1.005” has more than two decimal places."),
        (7, "stock", "“2.5” is not a whole number."),
    ]
    assert Product.objects.count() == Category.objects.count() == Tag.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_missing_required_column_and_unknown_columns(staff_user):
    report = run("product", [["sku", "colour", "name"], ["A-1", "red", "A"]], user=staff_user)
    assert errors(report) == [(0, "", "Required column(s) missing: category. The file has: sku, colour, name.")]
    assert report.notes == ["Column(s) ignored, not known for products: colour."]
    report = run("product", [["sku", "colour", "name", "category"], ["A-1", "red", "A", "C"]], user=staff_user)
    assert (errors(report), report.new) == ([], 1)
    assert report.notes == ["Column(s) ignored, not known for products: colour."]


def test_category_name_that_exists_elsewhere_is_refused_with_the_right_path(staff_user):
    men = CategoryFactory(name="Men")
    CategoryFactory(name="Tshirts", parent=men)
    report = run("product", [HEADER, ["A-1", "A", "Clothing > Tshirts", "", "", "", ""]], user=staff_user)
    assert errors(report) == [
        (
            2,
            "category",
            "The category “Tshirts” already exists under “Men”, not under “Clothing”. Use the path “Men > Tshirts”.",
        )
    ]
    report = run("product", [HEADER, ["A-1", "A", "Tshirts", "", "", "", ""]], user=staff_user)
    assert Product.objects.get(sku="A-1").category.path == "Men > Tshirts"


def test_dry_run_writes_nothing_but_reports_what_it_would_do(staff_user):
    report = run("product", [HEADER, ["A-1", "A", "X > Y", "t", "", "3", ""]], user=staff_user, dry_run=True)
    assert (report.new, report.committed, report.created_lines()) == (
        1,
        False,
        ["will create category X", "will create category X > Y", "will create tag t"],
    )
    assert Product.objects.count() == Category.objects.count() == 0


def test_clearing_backorders_with_negative_stock_is_refused(staff_user):
    ProductFactory(sku="BO-1", stock=-2, allow_backorder=True)
    report = run("product", [["sku", "name", "category", "allow_backorder"], ["BO-1", "B", "C", "no"]], user=staff_user)
    assert errors(report)[0][:2] == (2, "allow_backorder")
    # The model's rule and message, the one the product form shows: 2 units owed, stock -2.
    form_error = BACKORDERS_OUTSTANDING % {"count": 2, "stock": -2}
    assert errors(report)[0][2] == form_error == backorders_outstanding(-2, False)
    with pytest.raises(ValidationError) as refused:
        Product(sku="BO-2", stock=-2, allow_backorder=False).clean()
    assert refused.value.message_dict == {"allow_backorder": [form_error]}
    product = Product.objects.get(sku="BO-1")
    imported = product.history.filter(history_change_reason__startswith="import").count()
    assert (product.allow_backorder, product.name != "B", imported) == (True, True, 0)


def test_keeping_backorders_on_negative_stock_is_accepted(staff_user):
    ProductFactory(sku="BO-1", stock=-2, allow_backorder=True)
    report = run(
        "product", [["sku", "name", "category", "allow_backorder"], ["BO-1", "B", "C", "yes"]], user=staff_user
    )
    assert errors(report) == []
    assert Product.objects.get(sku="BO-1").name == "B"


def test_published_at_is_set_the_first_time_a_product_is_published_and_then_kept(staff_user):
    first = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ProductFactory(sku="OLD-1", status=ProductStatus.ARCHIVED, published_at=first)
    ProductFactory(sku="NEW-1", status=ProductStatus.DRAFT, published_at=None)
    rows = [
        ["sku", "name", "category", "status"],
        ["OLD-1", "Old", "C", "published"],
        ["NEW-1", "New", "C", "published"],
    ]
    rows += [["DRAFT-9", "Draft", "C", "draft"], ["PUB-9", "Pub", "C", "published"]]
    assert errors(run("product", rows, user=staff_user)) == []
    stored = dict(Product.objects.values_list("sku", "published_at"))
    assert stored["OLD-1"] == first
    assert stored["NEW-1"] is not None and stored["NEW-1"] > first
    assert stored["DRAFT-9"] is None
    assert stored["PUB-9"] is not None and stored["PUB-9"] > first
