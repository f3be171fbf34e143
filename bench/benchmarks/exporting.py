"""4. Export of order lines from the command line (``export_data order``, streaming) against
``COPY (SELECT ...) TO STDOUT`` of the same columns: rows/s, ratio and peak memory at two sizes.

The sizes are the lines of the first orders (by id) that add up to 100k and 1M lines at full
scale; the command runs on those orders through ``bench.export_subset`` (the exporter's ``base``
queryset, as the admin's filtered export uses it). The baseline computes the same ten columns in
SQL (the order total with a window sum) and writes them with psql's ``\\copy ... TO``.
"""

import sys

from bench.config import DATA_DIR, ROOT
from bench.database import PSQL
from bench.measure import BenchFailure, Measurement, NotRun, check_child, rows_per_second, run_child

TITLE = "4. Export of order lines (CLI, streaming)"
MIN_SHARE_OF_COPY = 0.5
MAX_MEMORY_GROWTH = 1.25
COPY_SQL = (
    "SELECT o.number AS order_number, o.placed_at, c.email AS customer_email, o.status, p.sku, l.quantity,"
    " l.unit_price, l.quantity * l.unit_price AS line_total, o.discount_rate,"
    " round(sum(l.quantity * l.unit_price) OVER (PARTITION BY l.order_id) * (1 - coalesce(o.discount_rate, 0)), 2)"
    " AS order_total"
    " FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id"
    " JOIN orders_customer c ON c.id = o.customer_id JOIN inventory_product p ON p.id = l.product_id"
    " WHERE l.order_id <= {last} ORDER BY o.placed_at, o.number, l.id"
)


def _lines_up_to(ctx, wanted):
    """The order id below which (inclusive) there are about ``wanted`` lines, and their exact count."""
    last = ctx.scalar("SELECT order_id FROM orders_orderline ORDER BY order_id OFFSET %s LIMIT 1", [wanted - 1])
    return last, ctx.scalar("SELECT count(*) FROM orders_orderline WHERE order_id <= %s", [last])


def _count_csv_rows(path):
    with open(path, "rb") as handle:
        return sum(1 for _ in handle) - 1  # the header


def run(ctx):
    from django.core.management import get_commands

    if "export_data" not in get_commands():
        raise NotRun("no export_data command")
    total_lines = ctx.scalar("SELECT count(*) FROM orders_orderline")
    results = []
    for wanted, runs in zip(ctx.scale.export_sizes, ctx.scale.export_runs, strict=True):
        if wanted > total_lines:
            results.append(
                Measurement(benchmark=TITLE, case=f"{wanted:,} lines", metric="", status="not run: too few lines")
            )
            continue
        last, lines = _lines_up_to(ctx, wanted)
        out = DATA_DIR / f"export_{wanted}.csv"
        command = [sys.executable, "-m", "bench.export_subset", str(last), str(out)]
        copy_out = DATA_DIR / f"copy_{wanted}.csv"
        copy = [
            "psql",
            *PSQL,
            "-d",
            ctx.scale.database,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"\\copy ({COPY_SQL.format(last=int(last))}) TO '{copy_out}' WITH (FORMAT csv, HEADER)",
        ]
        exports, copies = [], []
        env = dict(ctx.env, PYTHONPATH=str(ROOT))
        for _ in range(runs):
            exports.append(check_child(run_child(command, env=env), "export_data order"))
            copies.append(check_child(run_child(copy, env=ctx.env), "psql \\copy ... TO"))
        written, copied = _count_csv_rows(out), _count_csv_rows(copy_out)
        out.unlink()
        copy_out.unlink()
        if written != lines or copied != lines:
            raise BenchFailure(f"export wrote {written} rows and COPY {copied} for {lines} lines")
        m = rows_per_second(
            benchmark=TITLE,
            case=f"{lines:,} lines (orders up to id {last:,})",
            rows=lines,
            runs=exports,
            copies=copies,
            baseline_label="psql \\copy (SELECT ...) TO file",
            target=f">= {MIN_SHARE_OF_COPY:.0%} of COPY throughput; memory flat",
        )
        results.append(m)
    measured = [m for m in results if m.status == "ok"]
    if measured:
        smallest = measured[0].extra["peak_memory_mib"]
        for m in measured:
            growth = m.extra["peak_memory_mib"] / smallest
            m.extra["memory_vs_smallest"] = round(growth, 2)
            m.target_met = m.value >= MIN_SHARE_OF_COPY * m.baseline and growth <= MAX_MEMORY_GROWTH
    yield from results
