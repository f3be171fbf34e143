"""The product changelist: smoke, columns, filters, search, ordering and query count."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from backoffice.tests.admin_support import change_url, changelist_url, result_pks
from inventory.models import Product
from inventory.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_smoke_pages(boss_client, catalogue):
    listed = boss_client.get(changelist_url(Product))
    assert {p.sku for p in listed.context["cl"].result_list} == {"SHIRT-1", "HAT-1", "SOCK-1", "BOOT-1"}
    found = boss_client.get(changelist_url(Product), {"q": "shirt"})
    assert [p.sku for p in found.context["cl"].result_list] == ["SHIRT-1"]
    assert boss_client.get(reverse("admin:inventory_product_add")).status_code == 200
    response = boss_client.get(change_url(catalogue["shirt"]))
    assert response.status_code == 200
    assert "Adjust stock" in response.content.decode()


def _rows(superuser):
    model_admin = admin.site._registry[Product]
    request = RequestFactory().get("/")
    request.user = superuser
    return model_admin, {p.sku: p for p in model_admin.get_queryset(request)}


def test_columns_read_annotations(superuser, catalogue):
    model_admin, rows = _rows(superuser)
    assert model_admin.effective_price_display(rows["SHIRT-1"]) == "20.00"
    assert "15.00" in model_admin.effective_price_display(rows["HAT-1"])
    assert "(category default)" in model_admin.effective_price_display(rows["HAT-1"])
    assert "(site default)" in model_admin.effective_price_display(rows["SOCK-1"])
    assert [model_admin.stock_display(rows[s]) for s in ["SHIRT-1", "HAT-1", "SOCK-1", "BOOT-1"]] == [
        ("ok", "10"),
        ("low", "3"),
        ("out", "0"),
        ("backorder", "-2"),
    ]
    assert model_admin.status_display(rows["HAT-1"]) == ("draft", "Draft")
    assert [rows[s].units_sold for s in ["SHIRT-1", "HAT-1", "SOCK-1", "BOOT-1"]] == [2, 0, 0, 0]
    assert [rows[s].has_orders for s in ["SHIRT-1", "HAT-1", "SOCK-1", "BOOT-1"]] == [True, False, False, True]


def test_columns_in_page(boss_client, catalogue):
    html = boss_client.get(changelist_url(Product)).content.decode()
    for text in ["SHIRT-1", "Alpha shirt", "Basics", "15.00", "category default", "site default", "Archived"]:
        assert text in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "published"}, ["shirt", "socks"]),
        ({"availability": "in_stock"}, ["shirt", "hat"]),
        ({"availability": "backorder"}, ["boots"]),
        ({"availability": "out"}, ["socks"]),
        ({"availability": "low"}, ["hat", "socks"]),
        ({"has_orders": "yes"}, ["shirt", "boots"]),
        ({"has_orders": "no"}, ["hat", "socks"]),
        ({"effective_price_from": "12", "effective_price_to": "20"}, ["shirt", "hat"]),
        ({"effective_price_from": "21"}, ["boots"]),
        ({"effective_price_from": "not-a-number"}, ["shirt", "hat", "boots", "socks"]),
        # What "Apply filters" submits: every filter in one form, the untouched ones empty.
        ({"has_orders": "yes", "effective_price_to": "20", "availability": "", "status__exact": ""}, ["shirt"]),
        ({"availability": "in_stock", "has_orders": "no", "effective_price_to": "20"}, ["hat"]),
    ],
)
def test_filters(boss_client, catalogue, params, expected):
    response = boss_client.get(changelist_url(Product), params)
    assert response.status_code == 200
    assert sorted(result_pks(response)) == sorted(catalogue[name].pk for name in expected)


def test_link_style_filters_are_part_of_the_filter_form(boss_client, catalogue):
    html = boss_client.get(changelist_url(Product), {"has_orders": "yes"}).content.decode()
    radios = re.findall(r'<input type="radio" name="(has_orders|availability)" value="(\w*)"[^>]*?( checked)?>', html)
    assert radios == [
        ("availability", "", " checked"),
        ("availability", "in_stock", ""),
        ("availability", "low", ""),
        ("availability", "backorder", ""),
        ("availability", "out", ""),
        ("has_orders", "", ""),
        ("has_orders", "yes", " checked"),  # checked, so applying another filter keeps it
        ("has_orders", "no", ""),
    ]


def test_category_and_tag_filters(boss_client, catalogue):
    by_category = boss_client.get(changelist_url(Product), {"category__id__exact": catalogue["hats"].pk})
    assert result_pks(by_category) == [catalogue["hat"].pk]
    by_tag = boss_client.get(changelist_url(Product), {"tags__id__exact": catalogue["summer"].pk})
    assert result_pks(by_tag) == [catalogue["shirt"].pk]


def test_updated_at_range(boss_client, catalogue):
    Product.objects.filter(pk=catalogue["hat"].pk).update(updated_at="2024-01-15T10:00:00Z")
    response = boss_client.get(
        changelist_url(Product), {"updated_at_from": "2024-01-15", "updated_at_to": "2024-01-15"}
    )
    assert result_pks(response) == [catalogue["hat"].pk]


@pytest.mark.parametrize(("term", "expected"), [("summer", ["shirt"]), ("sock", ["socks"]), ("hat-1", ["hat"])])
def test_search_over_sku_name_and_tags(boss_client, catalogue, term, expected):
    response = boss_client.get(changelist_url(Product), {"q": term})
    assert result_pks(response) == [catalogue[name].pk for name in expected]


def test_search_has_no_duplicate_rows(boss_client, catalogue):
    catalogue["shirt"].tags.add(catalogue["summer"].__class__.objects.create(name="summer sale", slug="summer-sale"))
    response = boss_client.get(changelist_url(Product), {"q": "summer"})
    assert result_pks(response) == [catalogue["shirt"].pk]


def test_sort_by_effective_price_and_units_sold(boss_client, catalogue):
    # Column 0 is the action checkbox: effective price is 4, units sold 7.
    by_price = boss_client.get(changelist_url(Product), {"o": "4"})
    assert result_pks(by_price) == [catalogue[n].pk for n in ["socks", "hat", "shirt", "boots"]]
    by_sold = boss_client.get(changelist_url(Product), {"o": "-7.2"})
    assert result_pks(by_sold)[0] == catalogue["shirt"].pk


def _count_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(Product))
    assert response.status_code == 200
    return len(queries), len(result_pks(response))


def test_query_count_does_not_grow_with_rows(boss_client, catalogue, django_assert_max_num_queries):
    ProductFactory.create_batch(1)
    small, shown_small = _count_queries(boss_client, django_assert_max_num_queries)
    ProductFactory.create_batch(45)
    large, shown_large = _count_queries(boss_client, django_assert_max_num_queries)
    assert (shown_small, shown_large) == (5, 50)
    assert small == large


def test_price_of_a_product_without_category_default_uses_site_default(superuser, catalogue, settings):
    _admin, rows = _rows(superuser)
    assert rows["SOCK-1"].effective_price == Decimal(settings.DEFAULT_PRODUCT_PRICE)


def test_units_sold_column_reads_the_stored_count(superuser, catalogue):
    # The list shows the counter kept by the stock services, not a sum over the order lines.
    Product.objects.filter(pk=catalogue["hat"].pk).update(units_sold=7)
    model_admin, rows = _rows(superuser)
    assert {sku: model_admin.units_sold_display(row) for sku, row in rows.items()} == {
        "SHIRT-1": 2,
        "HAT-1": 7,
        "SOCK-1": 0,
        "BOOT-1": 0,
    }
    request = RequestFactory().get("/")
    request.user = superuser
    assert "SUM(" not in str(model_admin.get_queryset(request).query).upper()
