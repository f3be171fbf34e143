"""Sizes and repetitions of a benchmark run. ``small`` is ``full`` at 1/100 scale."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
POSTGRES_HOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
POSTGRES_PORT = os.environ.get("BENCH_PGPORT", "5432")
POSTGRES_USER = os.environ.get("BENCH_PGUSER", "postgres")
SEED = 2026


@dataclass(frozen=True)
class Scale:
    name: str
    database: str
    products: int
    customers: int
    orders: int
    runs: int  # repetitions of a fast benchmark (page views, queries)
    slow_runs: int  # repetitions of a slow one (import, export, bulk publish)
    import_rows: int
    export_sizes: tuple
    export_runs: tuple  # runs at each export size (a 1M-line export takes minutes)
    clients: int
    orders_per_client: int
    updates_per_client: int

    @property
    def database_url(self):
        return f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{self.database}"


SCALES = {
    "full": Scale(
        name="full",
        database=os.environ.get("BENCH_DB", "bench_shop"),
        products=100_000,
        customers=100_000,
        orders=1_000_000,
        runs=5,
        slow_runs=2,
        import_rows=100_000,
        export_sizes=(100_000, 1_000_000),
        export_runs=(2, 1),
        clients=8,
        orders_per_client=60,
        updates_per_client=1_000,
    ),
    "small": Scale(
        name="small",
        database=os.environ.get("BENCH_DB", "bench_shop_small"),
        products=1_000,
        customers=1_000,
        orders=10_000,
        runs=1,  # a smoke run that keeps CI short: medians come from make bench
        slow_runs=1,
        import_rows=1_000,
        export_sizes=(1_000, 10_000),
        export_runs=(1, 1),
        clients=8,
        orders_per_client=5,
        updates_per_client=100,
    ),
}
