"""Catalogue exports: category paths, tags, and a query count that does not grow with the rows."""

from decimal import Decimal

import pytest

from backoffice.importing.exporting import exporter_for
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory

pytestmark = pytest.mark.django_db


def export_rows(model):
    exporter = exporter_for(model)
    columns = exporter.select()
    return [c.name for c in columns], list(exporter.rows(exporter.queryset(), columns))


def make_products(count):
    parent = CategoryFactory(name="Clothing")
    child = CategoryFactory(name="Tshirts", parent=parent)
    tags = [TagFactory(name="b"), TagFactory(name="a")]
    for n in range(count):
        ProductFactory(sku=f"P-{n:03d}", category=child if n % 2 else parent, tags=tags, price=Decimal("1.50"))


def test_product_rows_carry_paths_and_sorted_tags():
    make_products(2)
    header, rows = export_rows("product")
    assert header[:6] == ["sku", "name", "description", "category", "tags", "price"]
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [
        ("P-000", "Clothing", "a, b", Decimal("1.50")),
        ("P-001", "Clothing > Tshirts", "a, b", Decimal("1.50")),
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_product_export_queries_do_not_grow_with_rows(count, django_assert_num_queries):
    make_products(count)
    exporter = exporter_for("product")
    # categories (paths), products, their tags: three queries for any number of rows up to a chunk
    with django_assert_num_queries(3):
        rows = list(exporter.rows(exporter.queryset(), exporter.select()))
    assert len(rows) == count


def test_category_and_tag_exports():
    parent = CategoryFactory(name="Clothing", default_price=Decimal("9.00"))
    CategoryFactory(name="Tshirts", parent=parent)
    TagFactory(name="summer", slug="summer")
    assert export_rows("category") == (
        ["name", "parent", "default_price"],
        [["Clothing", "", Decimal("9.00")], ["Tshirts", "Clothing", None]],
    )
    assert export_rows("tag") == (["name", "slug"], [["summer", "summer"]])
