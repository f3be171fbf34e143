"""3. Import of product rows from the command line (``import_data product``, with history) against a
raw ``COPY`` of the same file into a scratch table: rows/s, ratio, peak memory.

The file is written from the seeded catalogue in the import's own columns (the export's format),
with new SKUs, so every row creates a product (with its tags, an opening-stock movement and a
history row). Each run's products are deleted afterwards so the next run starts alike.
"""

import csv

from bench.config import DATA_DIR
from bench.database import PSQL
from bench.measure import BenchFailure, NotRun, check_child, rows_per_second, run_child

TITLE = "3. Import (CLI) with history"
PREFIX = "BENCHIMP-"
MIN_ROWS_PER_S = 10_000
MAX_RATIO = 5
COLUMNS = ["sku", "name", "description", "category", "tags", "price", "cost", "stock", "allow_backorder", "status"]
SCRATCH = "bench_import_scratch"


def write_file(ctx, rows):
    """The import file: the first ``rows`` products of the catalogue under new SKUs."""
    from inventory.models import Product
    from inventory.resources.export import CategoryPaths

    path = DATA_DIR / f"import_products_{rows}.csv"
    if path.exists():
        return path
    paths = CategoryPaths()
    products = Product.objects.order_by("pk").prefetch_related("tags")[:rows]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, p in enumerate(products.iterator(chunk_size=2000)):
            writer.writerow(
                [
                    f"{PREFIX}{i:07d}",
                    p.name,
                    p.description,
                    paths.path(p.category_id),
                    ", ".join(sorted(t.name for t in p.tags.all())),
                    "" if p.price is None else p.price,
                    p.cost,
                    max(p.stock, 0),
                    "yes" if p.allow_backorder and p.stock >= 0 else "no",
                    p.status,
                ]
            )
    tmp.rename(path)
    return path


def clean_up(ctx):
    like = PREFIX + "%"
    for sql in (
        "DELETE FROM inventory_historicalproduct_tags WHERE history_id IN"
        " (SELECT history_id FROM inventory_historicalproduct WHERE sku LIKE %s)",
        "DELETE FROM inventory_historicalproduct WHERE sku LIKE %s",
        "DELETE FROM inventory_stockmovement WHERE product_id IN (SELECT id FROM inventory_product WHERE sku LIKE %s)",
        "DELETE FROM inventory_product_tags WHERE product_id IN (SELECT id FROM inventory_product WHERE sku LIKE %s)",
        "DELETE FROM inventory_product WHERE sku LIKE %s",
    ):
        ctx.execute(sql, [like])
    ctx.execute("VACUUM ANALYZE inventory_product")


def run(ctx):
    from django.core.management import get_commands

    if "import_data" not in get_commands():
        raise NotRun("no import_data command")
    rows = min(ctx.scale.import_rows, ctx.scalar("SELECT count(*) FROM inventory_product"))
    path = write_file(ctx, rows)
    env = dict(ctx.env, SHOP_IMPORT_MAX_FILE_SIZE=str(max(path.stat().st_size * 2, 10 * 1024 * 1024)))
    command = ctx.manage_cmd("import_data", "product", str(path), "--user", ctx.user.username)
    copy = [
        "psql",
        *PSQL,
        "-d",
        ctx.scale.database,
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        f"\\copy {SCRATCH} FROM '{path}' WITH (FORMAT csv, HEADER)",
    ]
    columns = ", ".join(f"{name} text" for name in COLUMNS)
    clean_up(ctx)
    imports, copies = [], []
    try:
        for _ in range(ctx.scale.slow_runs):
            ctx.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            ctx.execute(f"CREATE TABLE {SCRATCH} ({columns})")
            copies.append(check_child(run_child(copy, env=ctx.env), "psql \\copy"))
            imports.append(check_child(run_child(command, env=env), "import_data product"))
            created = ctx.scalar("SELECT count(*) FROM inventory_product WHERE sku LIKE %s", [PREFIX + "%"])
            history = ctx.scalar(
                "SELECT count(*) FROM inventory_historicalproduct WHERE sku LIKE %s AND history_user_id = %s",
                [PREFIX + "%", ctx.user.pk],
            )
            copied = ctx.scalar(f"SELECT count(*) FROM {SCRATCH}")
            if created != rows or history != rows or copied != rows:
                raise BenchFailure(f"{created} products, {history} history rows, {copied} copied of {rows}")
            clean_up(ctx)
    finally:
        clean_up(ctx)
        ctx.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    m = rows_per_second(
        benchmark=TITLE,
        case=f"import_data product, {rows:,} new rows ({path.stat().st_size / 1024 / 1024:.1f} MiB CSV)",
        rows=rows,
        runs=imports,
        copies=copies,
        baseline_label="psql \\copy into a scratch table",
        target=f">= {MIN_ROWS_PER_S:,} rows/s, <= {MAX_RATIO}x COPY",
    )
    m.target_met = m.value >= MIN_ROWS_PER_S and m.ratio <= MAX_RATIO
    yield m
