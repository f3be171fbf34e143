"""1. Changelists of products, customers and orders through Django's test client, as a superuser.

Each list at 25, 100 and 500 rows per page, unfiltered and filtered: the page's time and query
count, against a bare ``SELECT ... LIMIT`` of the columns it shows that are stored (the same
filter, order and limit; the annotated figures such as units sold or totals are what the page
adds). The page's own queries (less the session's five) are each run again on their own and timed
to the microsecond. The "within 3x" target is checked on the rows query: the SELECT of the page's
rows with the list's annotations, against the bare SELECT of the same rows and stored columns. The
list's other queries (the row count and the sidebar's low-stock badge, a few tenths of a
millisecond each) are reported with it as "list sql", and the whole page's time, most of it
template rendering, beside that.
"""

import time

from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.measure import BenchFailure, Measurement, app_queries, median_time

TITLE = "1. Admin changelists"
PAGE_SIZES = (25, 100, 500)
MAX_QUERIES = 8
MAX_RATIO = 3

LISTS = [
    {
        "name": "products",
        "model": ("inventory", "Product"),
        "table": "inventory_product",
        "filter": ("status__exact", "published"),
        "sql": "SELECT p.id, p.sku, p.name, c.name, p.price, p.stock, p.allow_backorder, p.status"
        " FROM inventory_product p JOIN inventory_category c ON c.id = p.category_id"
        " {where} ORDER BY p.name, p.id LIMIT %s",
        "where": "WHERE p.status = 'published'",
    },
    {
        "name": "customers",
        "model": ("orders", "Customer"),
        "table": "orders_customer",
        "filter": ("tier__exact", "gold"),
        "sql": "SELECT id, first_name, last_name, email, tier FROM orders_customer"
        " {where} ORDER BY last_name, first_name, id LIMIT %s",
        "where": "WHERE tier = 'gold'",
    },
    {
        "name": "orders",
        "model": ("orders", "Order"),
        "table": "orders_order",
        "filter": ("status__exact", "paid"),
        "sql": "SELECT o.id, o.number, c.first_name, c.last_name, c.email, o.status, o.placed_at, o.discount_rate"
        " FROM orders_order o JOIN orders_customer c ON c.id = o.customer_id"
        " {where} ORDER BY o.placed_at DESC NULLS LAST, o.id DESC LIMIT %s",
        "where": "WHERE o.status = 'paid'",
    },
]


def _bare_select(sql, size, runs):
    def query():
        with connection.cursor() as cursor:
            cursor.execute(sql, [size])
            cursor.fetchall()

    return median_time(query, max(runs, 5))[0]


def _own_sql_seconds(captured, runs):
    """Each of the page's own queries run again on its own, median-timed (microseconds, not the
    millisecond-rounded times of the query log); returns ``[(seconds, sql)]``, slowest first."""
    timed = []
    for query in app_queries(captured):
        sql = query["sql"]

        def run_it(sql=sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        timed.append((median_time(run_it, max(runs, 5))[0], sql))
    return sorted(timed, key=lambda pair: pair[0], reverse=True)


def _page(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchFailure(f"GET {url} answered {response.status_code}")
    return response


def run(ctx):
    from django.apps import apps

    client = Client()
    client.force_login(ctx.user)
    for spec in LISTS:
        model = apps.get_model(*spec["model"])
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            yield Measurement(
                benchmark=TITLE, case=spec["name"], metric="", status="not run: no admin registered for it"
            )
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        saved = model_admin.list_per_page
        try:
            for size in PAGE_SIZES:
                model_admin.list_per_page = size
                for filtered in (False, True):
                    yield _measure(ctx, client, spec, url, size, filtered)
        finally:
            model_admin.list_per_page = saved


def _measure(ctx, client, spec, url, size, filtered):
    key, value = spec["filter"]
    page_url = f"{url}?{key}={value}" if filtered else url
    sql = spec["sql"].format(where=spec["where"] if filtered else "")
    page_seconds, _ = median_time(lambda: _page(client, page_url), ctx.scale.runs)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = _page(client, page_url)
        traced_seconds = time.perf_counter() - start
    rows = response.content.count(b'name="_selected_action"')
    if rows == 0:
        raise BenchFailure(f"GET {page_url} listed no rows")
    queries = len(captured.captured_queries)
    sql_seconds = sum(float(q["time"]) for q in captured.captured_queries)
    own = _own_sql_seconds(captured.captured_queries, ctx.scale.runs)
    own_seconds = sum(seconds for seconds, _ in own)
    starts = f'SELECT "{spec["table"]}"."id"'
    # With LIMIT, or without when every row fits on one page (Django then takes the whole list).
    rows_query = [seconds for seconds, sql in own if sql.startswith(starts)]
    if len(rows_query) != 1:
        raise BenchFailure(f"GET {page_url}: cannot tell the rows query among {len(own)} own queries")
    rows_seconds = rows_query[0]
    bare = _bare_select(sql, size, ctx.scale.runs)
    m = Measurement(
        benchmark=TITLE,
        case=f"{spec['name']}, {size}/page, {f'{key}={value}' if filtered else 'unfiltered'}",
        metric="seconds",
        value=page_seconds,
        baseline=bare,
        baseline_label="bare SELECT ... LIMIT",
        target=f"<= {MAX_QUERIES} queries, rows query <= {MAX_RATIO}x",
        extra={
            "rows_shown": rows,
            "queries": queries,
            "own_queries": len(app_queries(captured.captured_queries)),
            "rows_query_seconds": rows_seconds,
            "rows_query_ratio": round(rows_seconds / bare, 2) if bare else None,
            "list_sql_seconds": own_seconds,
            "list_sql_ratio": round(own_seconds / bare, 2) if bare else None,
            "list_queries": " + ".join(f"{seconds * 1000:.2f}" for seconds, _ in own) + " ms",
            "page_sql_seconds": sql_seconds,
            "slowest_query_seconds": max((float(q["time"]) for q in captured.captured_queries), default=0),
            "traced_page_seconds": traced_seconds,
        },
    )
    # The list's rows query (its columns with their annotations, re-run and timed on its own) against
    # the bare SELECT of the same rows: rendering 500 rows of templates is no query's fault, nor are
    # the session's lookups every page makes; the page's other queries (count, sidebar badge) are
    # reported beside it ("list sql").
    m.target_met = queries <= MAX_QUERIES and rows_seconds <= MAX_RATIO * bare
    m.extra["sql"] = [q["sql"] for q in captured.captured_queries]
    return m
