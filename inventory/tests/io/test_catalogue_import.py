"""Categories (keyed by name, parent by name or path) and tags (keyed by name) from a file."""

from decimal import Decimal

import pytest

from backoffice.tests.io.helpers import errors, run
from inventory.models import Category, Tag
from inventory.tests.factories import CategoryFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_categories_new_updated_unchanged_and_parents_defined_later_in_the_file(staff_user):
    CategoryFactory(name="Music", default_price=Decimal("9.00"))
    CategoryFactory(name="Decor", default_price=None)
    report = run(
        "category",
        [
            ["name", "parent", "default_price"],
            ["Tshirts", "Clothing", "15.00"],
            ["Clothing", "Apparel", ""],
            ["Music", "", "9.00"],
            ["Decor", "", "4.50"],
        ],
        user=staff_user,
        file_name="cats.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (2, 1, 1)
    assert report.created == [("category", "Apparel")]
    paths = {c.name: (c.path, c.default_price) for c in Category.objects.all()}
    assert paths == {
        "Apparel": ("Apparel", None),
        "Clothing": ("Apparel > Clothing", None),
        "Tshirts": ("Apparel > Clothing > Tshirts", Decimal("15.00")),
        "Music": ("Music", Decimal("9.00")),
        "Decor": ("Decor", Decimal("4.50")),
    }
    decor = Category.objects.get(name="Decor").history.first()
    assert (decor.history_user, decor.history_change_reason, decor.history_type) == (staff_user, "import cats.csv", "~")
    assert Category.history.filter(history_change_reason="import cats.csv").count() == 4


def test_category_errors_write_nothing(staff_user, settings):
    settings.CATEGORY_MAX_DEPTH = 2
    CategoryFactory(name="Root")
    report = run(
        "category",
        [
            ["name", "parent", "default_price"],
            ["Deep", "Root > Middle", ""],
            ["", "Root", ""],
            ["Cheap", "", "-1"],
            ["root", "", ""],
            ["Root", "", ""],
        ],
        user=staff_user,
    )
    assert errors(report) == [
        (2, "parent", "The category path “Root > Middle > Deep” is 3 levels deep; at most 2 are allowed."),
        (3, "name", "A value is required."),
        (4, "default_price", "“-1” is negative; enter 0 or more."),
        (6, "name", "root appears more than once in the file (first on line 5)."),
    ]
    assert list(Category.objects.values_list("name", flat=True)) == ["Root"]


def test_a_category_cannot_become_its_own_ancestor(staff_user):
    parent = CategoryFactory(name="A")
    CategoryFactory(name="B", parent=parent)
    report = run("category", [["name", "parent"], ["A", "B"]], user=staff_user)
    assert errors(report) == [(2, "parent", "“B” cannot be the parent of “A”: a category cannot be its own ancestor.")]


def test_tags_by_name_case_insensitive(staff_user):
    TagFactory(name="Summer", slug="summer")
    report = run(
        "tag",
        [["name", "slug"], ["summer", ""], ["Cotton wear", ""], ["linen", "flax"]],
        user=staff_user,
        file_name="t.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (2, 0, 1)
    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("Cotton wear", "cotton-wear"),
        ("Summer", "summer"),
        ("linen", "flax"),
    ]
    record = Tag.objects.get(name="linen").history.get()
    assert (record.history_user, record.history_change_reason) == (staff_user, "import t.csv")


def test_tag_slug_already_taken_is_refused(staff_user):
    TagFactory(name="Summer", slug="summer")
    report = run("tag", [["name", "slug"], ["Warm", "summer"], ["Bad", "not a slug"]], user=staff_user)
    assert errors(report) == [
        (2, "slug", "The slug “summer” is already used by another tag."),
        (3, "slug", "“not a slug” is not a valid slug (letters, digits, dashes and underscores)."),
    ]
    assert Tag.objects.count() == 1
