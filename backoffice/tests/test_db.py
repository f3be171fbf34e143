"""backoffice.db: the one place that knows which database it runs on, and its dialect helpers."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection

from backoffice import money
from backoffice.db import capabilities, in_values, update_joined
from inventory.models import Product
from inventory.tests.factories import ProductFactory


def fake(vendor, **features):
    flags = {
        "has_select_for_update": True,
        "has_select_for_update_of": True,
        "has_select_for_no_key_update": False,
        "supports_order_by_nulls_modifier": True,
    }
    return SimpleNamespace(vendor=vendor, features=SimpleNamespace(**{**flags, **features}))


def test_capabilities_of_each_database():
    postgresql = capabilities(fake("postgresql", has_select_for_no_key_update=True))
    assert (postgresql.copy, postgresql.arrays, postgresql.trigram, postgresql.planner_estimates) == (True,) * 4
    assert (postgresql.no_key_update, postgresql.update_join, postgresql.auto_increment_gaps) == (True, False, False)
    mysql = capabilities(fake("mysql", has_select_for_update_of=False, supports_order_by_nulls_modifier=False))
    assert (mysql.copy, mysql.arrays, mysql.no_key_update, mysql.for_update_of) == (False,) * 4
    assert (mysql.update_join, mysql.auto_increment_gaps, mysql.order_by_nulls_last) == (True, True, False)
    sqlite = capabilities(fake("sqlite", has_select_for_update=False, has_select_for_update_of=False))
    assert (sqlite.row_locks, sqlite.copy, sqlite.update_join, sqlite.nulls_last_index) == (False,) * 4


def test_update_joined_in_both_syntaxes():
    joins = [("(SELECT x_id, 1 AS n FROM x)", "s", "s.x_id = t.id"), ("y", "c", "c.id = t.y_id")]
    kwargs = {
        "table": "t_table",
        "alias": "t",
        "sets": {"a": "s.n", "b": "c.b"},
        "joins": joins,
        "where": "t.k = %(k)s",
    }
    assert update_joined(fake("postgresql"), **kwargs) == (
        "UPDATE t_table AS t SET a = s.n, b = c.b FROM (SELECT x_id, 1 AS n FROM x) AS s, y AS c"
        " WHERE s.x_id = t.id AND c.id = t.y_id AND t.k = %(k)s"
    )
    assert update_joined(fake("mysql"), **kwargs) == (
        "UPDATE t_table t JOIN (SELECT x_id, 1 AS n FROM x) s ON s.x_id = t.id JOIN y c ON c.id = t.y_id"
        " SET t.a = s.n, t.b = c.b WHERE t.k = %(k)s"
    )


@pytest.mark.django_db
def test_in_values_selects_exactly_those_rows():
    keep = [ProductFactory(sku="IN-1"), ProductFactory(sku="IN-2")]
    ProductFactory(sku="OUT-1")
    condition, params = in_values("id", "ids", [p.pk for p in keep])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sku FROM {Product._meta.db_table} WHERE {condition} ORDER BY sku", params)  # noqa: S608
        assert [row[0] for row in cursor.fetchall()] == ["IN-1", "IN-2"]


def test_money_rounds_half_away_from_zero_to_cents():
    assert money.round_money(Decimal("2.345")) == Decimal("2.35")
    assert money.round_money(Decimal("-2.345")) == Decimal("-2.35")
    assert money.round_money(Decimal("2.344")) == Decimal("2.34")
    assert money.has_cents_only(Decimal("1.10")) and not money.has_cents_only(Decimal("1.105"))
    # The largest price the price fields hold (12 digits, 2 of them cents).
    assert Decimal("9999999999.99") == money.MAX_PRICE
    assert Product._meta.get_field("price").max_digits == money.PRICE["max_digits"] == 12


def test_the_currency_is_a_setting_defaulting_to_euro(settings):
    assert money.currency() == "EUR"
    settings.SHOP_CURRENCY = "USD"
    assert money.currency() == "USD"
