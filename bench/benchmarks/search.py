"""2. Search with trigram indexes against the same query without them.

The products table holds 100k rows at full scale; the 1M-row table that staff search is orders
(by number, customer e-mail or name). So three cases, each the admin's own search, timed as the
``COUNT(*)`` the changelist runs for a search (filtered lists are always counted exactly):

- products, the admin's search (SKU, name or tag name) with the migration's trigram indexes, and
  with those dropped inside a rolled-back transaction;
- products by name only (the plainest query a trigram index serves), the same way;
- orders (1M at full scale), the admin's search and Django's default one (an OR across the
  customer join), each with ``orders/migrations/0004``'s trigram indexes and with them dropped
  (or, where that migration is absent, without indexes and with them created for the run).

Besides, the product search as it was before the bench (an OR with a tag EXISTS), for comparison.
"""

import re

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from bench.measure import Measurement, NotRun, median_time

TITLE = "2. Search (trigram indexes)"
MIN_SPEEDUP = 20
PRODUCT_INDEXES = ["inventory_product_sku_trgm", "inventory_product_name_trgm", "inventory_tag_name_trgm"]
ORDER_MIGRATION_INDEXES = ["orders_order_number_trgm", "orders_customer_email_trgm", "orders_customer_last_name_trgm"]
ORDER_INDEXES = [
    ("bench_order_number_trgm", "orders_order", "number"),
    ("bench_customer_email_trgm", "orders_customer", "email"),
    ("bench_customer_last_name_trgm", "orders_customer", "last_name"),
]


class _Rollback(Exception):
    pass


def _count_timing(queryset, runs):
    seconds, _ = median_time(queryset.count, runs)
    with CaptureQueriesContext(connection) as captured:
        matches = queryset.count()
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return seconds, matches, plan


def _with_changed_indexes(statements, measure):
    """Run ``measure()`` after ``statements`` inside a transaction that is then rolled back."""
    result = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            result = measure()
            raise _Rollback
    except _Rollback:
        pass
    return result


def _indexes_in_plan(plan):
    found = re.findall(r"Bitmap Index Scan on (\S+)", plan) + re.findall(r"Index (?:Only )?Scan using (\S+)", plan)
    return sorted(set(found))


def _terms(ctx):
    n = ctx.scalar("SELECT count(*) FROM inventory_product")
    sku = ctx.scalar("SELECT sku FROM inventory_product ORDER BY id OFFSET %s LIMIT 1", [n // 2])
    name = ctx.scalar("SELECT name FROM inventory_product ORDER BY id OFFSET %s LIMIT 1", [n // 3])
    words = sorted(re.findall(r"[A-Za-z]{4,}", name), key=len, reverse=True)
    orders = ctx.scalar("SELECT count(*) FROM orders_order")
    number = ctx.scalar("SELECT number FROM orders_order ORDER BY id OFFSET %s LIMIT 1", [orders // 2])
    return {
        "sku": sku[-6:] if len(sku) > 6 else sku,
        "name": words[0] if words else name[:6],
        "order": number[-7:] if number else "",
    }


def run(ctx):
    from django.contrib import admin
    from django.test import RequestFactory

    from inventory.models import Product
    from orders.models import Order

    present = ctx.index_names("inventory_product") | ctx.index_names("inventory_tag")
    missing = [name for name in PRODUCT_INDEXES if name not in present]
    if missing:
        raise NotRun(f"trigram indexes missing: {', '.join(missing)}")
    terms = _terms(ctx)
    request = RequestFactory().get("/")
    request.user = ctx.user
    runs = ctx.scale.runs
    drop = [f"DROP INDEX {name}" for name in PRODUCT_INDEXES]

    def admin_search(model, term):
        model_admin = admin.site._registry[model]
        queryset, _ = model_admin.get_search_results(request, model._default_manager.all(), term)
        return queryset

    def before_fix(term):
        # The shape of ProductQuerySet.search before the bench: three conditions OR-ed together.
        tagged = Product.tags.through.objects.filter(product=OuterRef("pk"), tag__name__icontains=term)
        return Product.objects.filter(Q(sku__icontains=term) | Q(name__icontains=term) | Q(Exists(tagged)))

    cases = [
        ("products, admin search (SKU, name, tag)", lambda: admin_search(Product, terms["sku"]), terms["sku"], drop),
        (
            "products, the search before the fix (OR with a tag EXISTS)",
            lambda: before_fix(terms["sku"]),
            terms["sku"],
            drop,
        ),
        ("products, admin search, a name word", lambda: admin_search(Product, terms["name"]), terms["name"], drop),
        (
            "products, name only",
            lambda: Product.objects.filter(name__icontains=terms["name"]),
            terms["name"],
            drop,
        ),
    ]
    # The same on a server tuned for SSDs or a cached database (random_page_cost 1.1 instead of 4):
    # the planner then prices the trigram bitmap scan right (FINDINGS: "name only").
    ssd = ["SET LOCAL random_page_cost = 1.1"]
    name_only = cases[-1]
    cases.append((f"{name_only[0]}, random_page_cost = 1.1", name_only[1], name_only[2], drop, ssd))
    for label, build, term, statements, *setting in cases:
        setting = setting[0] if setting else []
        if setting:
            indexed = _with_changed_indexes(setting, lambda build=build: _count_timing(build(), runs))
        else:
            indexed = _count_timing(build(), runs)
        plain = _with_changed_indexes(setting + statements, lambda build=build: _count_timing(build(), runs))
        yield _measurement(
            f"{label}: '{term}'", indexed, plain, "same query, trigram indexes dropped", targeted="before" not in label
        )

    orders = ctx.scalar("SELECT count(*) FROM orders_order")
    term = terms["order"]
    order_indexes = ctx.index_names("orders_order") | ctx.index_names("orders_customer")
    shipped = [name for name in ORDER_MIGRATION_INDEXES if name in order_indexes]

    def default_search(term):
        # Django's own search over OrderAdmin's fields: an OR of three icontains across the customer join.
        return Order.objects.filter(
            Q(number__icontains=term) | Q(customer__email__icontains=term) | Q(customer__last_name__icontains=term)
        )

    if len(shipped) == len(ORDER_MIGRATION_INDEXES):
        # orders/migrations/0004 ships the indexes: with them, and with them dropped.
        statements = [f"DROP INDEX {name}" for name in shipped]
        label = "same query, trigram indexes dropped"
        note = ""
    else:
        # No order indexes shipped: measure what creating them would give.
        statements = None
        create = [
            f'CREATE INDEX {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            for name, table, column in ORDER_INDEXES
        ]
        create.append("ANALYZE orders_order")
        label = "as shipped: no trigram index on orders"
        note = "indexes created only for this measurement"
    for case, build in (
        (f"orders ({orders:,} rows), admin search", lambda: admin_search(Order, term)),
        (
            f"orders ({orders:,} rows), Django's default search (OR across the customer join)",
            lambda: default_search(term),
        ),
    ):
        if statements is not None:
            indexed = _count_timing(build(), runs)
            plain = _with_changed_indexes(statements, lambda build=build: _count_timing(build(), runs))
        else:
            plain = _count_timing(build(), runs)
            indexed = _with_changed_indexes(create, lambda build=build: _count_timing(build(), runs))
        yield _measurement(f"{case}: '{term}'", indexed, plain, label, note=note, targeted="default" not in case)


def _measurement(case, indexed, plain, baseline_label, note="", targeted=True):
    """``targeted``: the admin's own search carries the target; the shapes it replaced are shown beside."""
    (seconds, matches, plan), (plain_seconds, plain_matches, plain_plan) = indexed, plain
    m = Measurement(
        benchmark=TITLE,
        case=case,
        metric="seconds",
        value=seconds,
        baseline=plain_seconds,
        baseline_label=baseline_label,
        target=f">= {MIN_SPEEDUP}x faster with the index" if targeted else "",
        extra={
            "matches": matches,
            "speedup": round(plain_seconds / seconds, 1) if seconds else None,
            "indexes_used": ", ".join(_indexes_in_plan(plan)) or "none",
            "plan": plan.splitlines(),
            "plan_without": plain_plan.splitlines(),
        },
    )
    if note:
        m.extra["note"] = note
    if matches != plain_matches:
        m.status = f"failed: {matches} matches with the index, {plain_matches} without"
    if targeted:
        m.target_met = bool(seconds) and plain_seconds / seconds >= MIN_SPEEDUP
    return m
