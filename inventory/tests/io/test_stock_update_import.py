"""Stock of existing products changed by a file: ``apply_stock_changes_bulk`` (locks, checks, bulk writes)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.errors import ServiceError
from backoffice.tests.io.helpers import allow_stock_changes, errors, run
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement
from inventory.services import apply_stock_changes_bulk, restock
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db


def stocked(sku, stock, user, **kwargs):
    """A product whose stock came through the stock service, so its movements add up to it."""
    product = ProductFactory(sku=sku, name=sku.title(), category=CategoryFactory(name=f"Cat {sku}"), stock=0, **kwargs)
    if stock:
        restock(product=product, quantity=stock, user=user)
    return product


def ledger(product):
    return list(StockMovement.objects.filter(product=product).order_by("pk").values_list("delta", "stock_after"))


def test_stock_change_by_file_needs_the_adjust_stock_permission(staff_user, superuser):
    mug = stocked("MUG-1", 4, superuser)
    stocked("CUP-1", 2, superuser)
    rows = [
        ["sku", "name", "category", "stock"],
        ["MUG-1", "Big mug", "Cat MUG-1", "9"],
        ["CUP-1", "Cup", "Cat CUP-1", "2"],
    ]
    report = run("product", rows, user=staff_user)
    assert errors(report) == [
        (
            2,
            "stock",
            "You may not change the stock of existing products (it needs the “adjust stock” permission); "
            "leave the stock cell at 4 or drop the stock column.",
        )
    ]
    mug.refresh_from_db()
    assert (mug.name, mug.stock, ledger(mug)) == ("Mug-1", 4, [(4, 4)])
    # An unchanged stock cell needs no permission.
    report = run("product", [rows[0], ["MUG-1", "Big mug", "Cat MUG-1", "4"]], user=staff_user)
    assert errors(report) == []
    mug.refresh_from_db()
    assert (mug.name, mug.stock) == ("Big mug", 4)


def test_update_import_changes_stock_with_movements_and_history(staff_user, superuser):
    allow_stock_changes(staff_user)
    mug = stocked("MUG-1", 4, superuser)
    cup = stocked("CUP-1", 10, superuser)
    owed = stocked("OWED-1", 1, superuser, allow_backorder=True)
    same = stocked("SAME-1", 3, superuser)
    rows = [
        ["sku", "name", "category", "stock"],
        ["MUG-1", "Mug", "Cat MUG-1", "9"],
        ["CUP-1", "Cup", "Cat CUP-1", "2"],
        ["OWED-1", "Owed-1", "Cat OWED-1", "0"],
        ["SAME-1", "Same-1", "Cat SAME-1", "3"],
    ]
    report = run("product", rows, user=staff_user, file_name="counts.csv")
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (0, 3, 1)
    assert report.updated_keys == ["MUG-1", "CUP-1", "OWED-1"]
    stock = dict(Product.objects.values_list("sku", "stock"))
    assert stock == {"MUG-1": 9, "CUP-1": 2, "OWED-1": 0, "SAME-1": 3}
    assert ledger(mug) == [(4, 4), (5, 9)]
    assert ledger(cup) == [(10, 10), (-8, 2)]
    assert ledger(owed) == [(1, 1), (-1, 0)]
    assert ledger(same) == [(3, 3)]
    for product in (mug, cup, owed, same):
        assert StockMovement.objects.total_for(product) == Product.objects.get(pk=product.pk).stock
    imported = StockMovement.objects.filter(reason=MovementReason.IMPORT)
    assert set(imported.values_list("user__username", "note")) == {("clerk", "import counts.csv")}
    latest = Product.history.filter(sku="CUP-1").latest("history_date", "history_id")
    assert (latest.stock, latest.history_user, latest.history_change_reason) == (2, staff_user, "import counts.csv")
    assert not Product.history.filter(sku="SAME-1", history_user=staff_user).exists()


def test_bulk_refuses_everything_when_one_product_would_go_below_zero(superuser):
    mug = stocked("MUG-1", 4, superuser)
    cup = stocked("CUP-1", 1, superuser)
    with pytest.raises(ServiceError) as refused:
        apply_stock_changes_bulk(changes={mug: 3, cup: -2}, reason=MovementReason.IMPORT, user=superuser, note="x")
    assert refused.value.message == "Not enough stock of CUP-1: 1 in stock, 2 requested."
    assert dict(Product.objects.values_list("sku", "stock")) == {"MUG-1": 4, "CUP-1": 1}
    assert StockMovement.objects.count() == 2
    with pytest.raises(ServiceError) as zero:
        apply_stock_changes_bulk(changes={mug: 0}, reason=MovementReason.IMPORT, user=superuser)
    assert zero.value.code == "zero_stock_change"


def test_bulk_writes_history_and_movements_and_refreshes_the_callers_instances(superuser):
    mug = stocked("MUG-1", 4, superuser)
    cup = stocked("CUP-1", 6, superuser)
    movements = apply_stock_changes_bulk(
        changes={mug: -1, cup: 2}, reason=MovementReason.ADJUSTMENT, user=superuser, note="count"
    )
    assert sorted((m.product_id, m.delta, m.stock_after) for m in movements) == [(mug.pk, -1, 3), (cup.pk, 2, 8)]
    assert (mug.stock, cup.stock) == (3, 8)
    record = Product.history.filter(sku="MUG-1").latest("history_date", "history_id")
    assert (record.stock, record.history_user, record.history_change_reason) == (
        3,
        superuser,
        "stock change (adjustment): count",
    )


def test_bulk_query_count_does_not_grow_with_products(superuser):
    def queries_for(count, prefix):
        products = [stocked(f"{prefix}-{i}", 5, superuser) for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            apply_stock_changes_bulk(
                changes=dict.fromkeys(products, 1), reason=MovementReason.IMPORT, user=superuser, note="n"
            )
        return len(captured.captured_queries)

    assert queries_for(3, "A") == queries_for(12, "B")


def test_update_import_writes_every_changed_field_and_history_with_tags(staff_user):
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    red = TagFactory(name="red")
    TagFactory(name="blue")
    ProductFactory(
        sku="POT-1", name="Pot", category=kitchen, price=Decimal("5.00"), tags=[red], status=ProductStatus.DRAFT
    )
    rows = [
        ["sku", "name", "description", "category", "tags", "price", "cost", "allow_backorder", "status"],
        ["POT-1", "Big pot", "Clay", "Garden", "blue, red", "", "1.25", "yes", "published"],
    ]
    report = run("product", rows, user=staff_user, file_name="pots.csv")
    assert errors(report) == []
    pot = Product.objects.get(sku="POT-1")
    assert (pot.name, pot.description, pot.category, pot.price, pot.cost, pot.allow_backorder, pot.status) == (
        "Big pot",
        "Clay",
        garden,
        None,
        Decimal("1.25"),
        True,
        ProductStatus.PUBLISHED,
    )
    assert pot.published_at is not None
    record = pot.history.filter(history_change_reason="import pots.csv").get()
    assert (record.history_user, record.name, record.category_id, record.published_at) == (
        staff_user,
        "Big pot",
        garden.pk,
        pot.published_at,
    )
    assert sorted(t.tag.name for t in record.tags.all()) == ["blue", "red"]
