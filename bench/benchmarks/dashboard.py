"""6. The dashboard (the admin's start page) at full size: time and query count, against one indexed
aggregate query (revenue of the last 30 days: the dashboard's biggest single figure)."""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.measure import BenchFailure, Measurement, NotRun, app_queries, median_time

TITLE = "6. Dashboard"
MAX_QUERIES = 15
REVENUE_30_DAYS = (
    "SELECT count(DISTINCT o.id), coalesce(sum(l.quantity * l.unit_price), 0)"
    " FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id"
    " WHERE o.status IN ('placed', 'paid', 'shipped', 'delivered') AND o.placed_at >= now() - interval '30 days'"
)


def run(ctx):
    from django.conf import settings

    if not settings.UNFOLD.get("DASHBOARD_CALLBACK"):
        raise NotRun("no dashboard callback configured")
    client = Client()
    client.force_login(ctx.user)
    url = reverse("admin:index")

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchFailure(f"GET {url} answered {response.status_code}")
        return response

    seconds, _ = median_time(page, ctx.scale.runs)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        page()
        traced = time.perf_counter() - start
    queries = captured.captured_queries

    def aggregate():
        with connection.cursor() as cursor:
            cursor.execute(REVENUE_30_DAYS)
            cursor.fetchall()

    baseline, _ = median_time(aggregate, ctx.scale.runs)
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    m = Measurement(
        benchmark=TITLE,
        case="GET /admin/ as superuser",
        metric="seconds",
        value=seconds,
        baseline=baseline,
        baseline_label="one aggregate: revenue of 30 days",
        target=f"<= {MAX_QUERIES} queries",
        extra={
            "queries": len(queries),
            "own_queries": len(app_queries(queries)),
            "page_sql_seconds": sum(float(q["time"]) for q in queries),
            "slowest_query_seconds": float(slowest[0]["time"]) if slowest else 0,
            "traced_page_seconds": traced,
            "slowest_sql": [f"{q['time']}s {q['sql'][:400]}" for q in slowest],
            "sql": [q["sql"] for q in queries],
        },
    )
    m.target_met = len(queries) <= MAX_QUERIES
    yield m
    yield _with_jit_on(page, baseline, max(1, ctx.scale.runs // 2))


def _with_jit_on(page, baseline, runs):
    """The page as it was before the bench turned PostgreSQL's JIT off (backoffice/settings.py)."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = options.get("options")
    options["options"] = "-c jit=on"
    connection.close()  # the next query connects with the options above
    try:
        seconds, _ = median_time(page, runs)
    finally:
        if saved is None:
            options.pop("options")
        else:
            options["options"] = saved
        connection.close()
    return Measurement(
        benchmark=TITLE,
        case="GET /admin/ with PostgreSQL JIT on (before the fix)",
        metric="seconds",
        value=seconds,
        baseline=baseline,
        baseline_label="one aggregate: revenue of 30 days",
        extra={"runs": runs},
    )
