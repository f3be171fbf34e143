"""The dashboard sums the totals orders stored when they were placed, not their lines."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.db import capabilities
from backoffice.tests.test_dashboard import _figures, shop  # noqa: F401 - the dashboard's data set
from orders.models import OrderLine
from orders.tests.test_placed_totals_sql import executed_relations

pytestmark = pytest.mark.django_db


def test_revenue_and_latest_orders_use_the_stored_totals(superuser, shop):  # noqa: F811
    # Lines rewritten behind the services' back (placed lines never change): the figures stay.
    OrderLine.objects.update(unit_price=Decimal("0.00"))
    figures = _figures(superuser)
    assert [kpi.value for kpi in figures["revenue_kpis"]] == ["100.00", "186.00", "266.00"]
    assert figures["other_kpis"][0].value == "66.50"
    assert sum(dict(figures["chart_rows"]).values()) == Decimal("266.00")
    assert {o["number"]: o["total"] for o in figures["latest_orders"]}["T1"] == "100.00"


@pytest.mark.postgres
@pytest.mark.skipif(not capabilities().planner_estimates, reason="EXPLAIN ANALYZE's plan is PostgreSQL's")
def test_only_top_products_reads_order_lines(superuser, shop):  # noqa: F811
    with CaptureQueriesContext(connection) as queries:
        _figures(superuser)
    reads = {query["sql"]: executed_relations(query["sql"]) for query in queries if query["sql"].startswith("SELECT")}
    with_lines = [sql for sql, relations in reads.items() if "orders_orderline" in relations]
    assert len(with_lines) == 1 and 'SUM("orders_orderline"."quantity")' in with_lines[0]  # units per product
    revenue = [sql for sql in reads if 'SUM(COALESCE("orders_order"."placed_total"' in sql]
    assert len(revenue) == 1
    assert reads[revenue[0]] == {"orders_order": 1}  # no join to customers either
