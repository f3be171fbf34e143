"""The benchmark harness (bench/): its measuring and reporting, never its timings."""

import json
import sys

import pytest
from django.db import connection

from backoffice.db import capabilities
from bench.__main__ import _merged
from bench.benchmarks import changelists, dashboard, exporting
from bench.measure import BenchFailure, Measurement, app_queries, check_child, run_child
from bench.report import markdown

ALLOCATE = "x = bytearray({mib} * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"


def test_a_child_reports_its_own_peak_memory_not_the_largest_so_far():
    big = run_child([sys.executable, "-c", ALLOCATE.format(mib=200)])
    small = run_child([sys.executable, "-c", ALLOCATE.format(mib=1)])
    assert big.returncode == small.returncode == 0
    assert big.max_rss_kb > 200 * 1024
    assert small.max_rss_kb < 100 * 1024


def test_a_failing_child_is_a_bench_failure_with_its_error_text():
    run = run_child([sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"])
    assert run.returncode == 3
    with pytest.raises(BenchFailure, match="exited 3: boom"):
        check_child(run, "the command")


def test_output_goes_to_files_so_a_chatty_child_cannot_block():
    run = run_child([sys.executable, "-c", "import sys; sys.stderr.write('x' * 500_000); print('done')"])
    assert run.returncode == 0
    assert run.stdout.strip() == "done"
    assert len(run.stderr) == 500_000


def test_ratio_is_how_many_times_worse_than_the_baseline():
    slower = Measurement(benchmark="b", case="c", metric="seconds", value=0.3, baseline=0.1)
    less_throughput = Measurement(
        benchmark="b", case="c", metric="rows/s", value=2_000, baseline=8_000, higher_is_better=True
    )
    assert slower.ratio == pytest.approx(3.0)
    assert less_throughput.ratio == pytest.approx(4.0)
    assert Measurement(benchmark="b", case="c", metric="seconds", value=None, baseline=1).ratio is None


def _run(measurements):
    return {
        "finished_at": "2026-11-22 02:00 UTC",
        "command": "make bench",
        "scale": "full",
        "database": "bench_shop",
        "seed_seconds": None,
        "machine": {
            "git_commit": "abc1234",
            "cpu": "Test CPU",
            "cores": 2,
            "memory_gib": 24,
            "os": "Debian",
            "python": "3.13.0",
            "django": "6.1",
            "postgresql": "15",
            "postgresql_shared_buffers": "128MB",
            "load_average_at_start": None,
        },
        "data": {"products": 100_000, "orders": 1_000_000},
        "measurements": [m.as_dict() for m in measurements],
    }


def test_the_report_shows_figures_verdicts_and_what_was_not_run():
    met = Measurement(
        benchmark="1. Lists",
        case="products, 25/page",
        metric="seconds",
        value=0.02,
        baseline=0.01,
        baseline_label="bare SELECT",
        target="<= 3x",
        target_met=True,
        extra={"queries": 7, "peak_memory_mib": 80.4, "sql": ["SELECT 1"]},
    )
    missing = Measurement(benchmark="2. Search", case="all", metric="", status="not run: trigram indexes missing")
    text = markdown(_run([met, missing]))
    row = "| products, 25/page | 20.0 ms | 10.0 ms (bare SELECT) | 2.00x | <= 3x met | queries 7; peak memory 80 MiB |"
    assert row in text
    assert "| all | not run: trigram indexes missing |" in text
    assert "100,000 products, 1,000,000 orders" in text
    assert "SELECT 1" not in text  # a page's SQL goes to results.json only


@pytest.mark.django_db
@pytest.mark.parametrize("spec", changelists.LISTS, ids=[spec["name"] for spec in changelists.LISTS])
@pytest.mark.parametrize("filtered", [False, True])
def test_the_bare_selects_match_the_schema(spec, filtered):
    if not capabilities().order_by_nulls_last:
        pytest.skip("the benchmarks run on PostgreSQL; MariaDB has no NULLS LAST")
    sql = spec["sql"].format(where=spec["where"] if filtered else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [25])
        assert list(cursor.fetchall()) == []


@pytest.mark.django_db
def test_the_dashboard_baseline_matches_the_schema():
    if not capabilities().planner_estimates:
        pytest.skip("the baseline is PostgreSQL SQL (interval arithmetic)")
    with connection.cursor() as cursor:
        cursor.execute(dashboard.REVENUE_30_DAYS)
        assert cursor.fetchall() == [(0, 0)]


@pytest.mark.django_db
def test_the_export_baseline_matches_the_schema():
    if not capabilities().planner_estimates:
        pytest.skip("the baseline is PostgreSQL SQL (window sum)")
    with connection.cursor() as cursor:
        cursor.execute(exporting.COPY_SQL.format(last=10))
        assert [c.name for c in cursor.description] == [
            "order_number",
            "placed_at",
            "customer_email",
            "status",
            "sku",
            "quantity",
            "unit_price",
            "line_total",
            "discount_rate",
            "order_total",
        ]


def test_own_queries_leave_out_the_session_and_the_user():
    captured = [
        {"sql": 'SELECT "django_session"."session_key" FROM "django_session" WHERE 1'},
        {"sql": 'SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = 1'},
        {"sql": 'SELECT COUNT(*) FROM "orders_order"'},
        {"sql": "BEGIN"},
        {"sql": 'UPDATE "django_session" SET "session_data" = 1'},
        {"sql": "COMMIT"},
    ]
    assert [q["sql"] for q in app_queries(captured)] == ['SELECT COUNT(*) FROM "orders_order"']


def test_merge_keeps_earlier_benchmarks_and_replaces_the_ones_run_again(tmp_path):
    def measured(title, case):
        return {"benchmark": title, "case": case}

    previous = {
        "finished_at": "earlier",
        "measurements": [measured("1. Lists", "old"), measured("5. Publish", "old"), measured("7. Orders", "old")],
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(previous))
    run = {"measurements": [measured("5. Publish", "new"), measured("2. Search", "new")]}
    merged = _merged(run, path, ["publishing", "search"])
    assert [(m["benchmark"], m["case"]) for m in merged["measurements"]] == [
        ("1. Lists", "old"),
        ("2. Search", "new"),
        ("5. Publish", "new"),
        ("7. Orders", "old"),
    ]
    assert merged["merged_from"] == "earlier"
