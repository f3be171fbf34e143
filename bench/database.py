"""The dedicated benchmark database: created, migrated and seeded once, reused by later runs."""

import os
import subprocess
import sys
import time

from bench.config import POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, ROOT, SEED, Scale
from bench.measure import BenchFailure, check_child, run_child

PSQL = ["-h", POSTGRES_HOST, "-p", POSTGRES_PORT, "-U", POSTGRES_USER]


def django_env(scale: Scale):
    """Production-like settings (DEBUG off, no query log) on the bench database, plain HTTP for the test client."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": scale.database_url,
            "DJANGO_SETTINGS_MODULE": "backoffice.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_TESTING": "0",
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret-0123456789abcdef",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_ENVIRONMENT": "bench",
            "DJANGO_LOG_LEVEL": "ERROR",
            "PGHOST": POSTGRES_HOST,
            "PGPORT": POSTGRES_PORT,
            "PGUSER": POSTGRES_USER,
        }
    )
    return env


def psql(database, sql, *, env=None):
    """Run SQL through psql; returns its stdout (unaligned, tuples only)."""
    result = subprocess.run(
        ["psql", *PSQL, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise BenchFailure(f"psql on {database}: {result.stderr.strip()}")
    return result.stdout.strip()


def database_exists(name):
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def manage(scale, *args, log=None):
    """Run ``manage.py`` with the bench settings; raises on a non-zero exit."""
    cmd = [sys.executable, str(ROOT / "manage.py"), *args]
    run = run_child(cmd, env=django_env(scale), stdout_path=log)
    return check_child(run, "manage.py " + " ".join(args))


def seeded_counts(scale):
    if not database_exists(scale.database):
        return None
    try:
        row = psql(
            scale.database,
            "SELECT (SELECT count(*) FROM inventory_product), (SELECT count(*) FROM orders_customer),"
            " (SELECT count(*) FROM orders_order)",
        )
    except BenchFailure:
        return None  # not migrated yet
    return tuple(int(n) for n in row.split("|"))


def is_seeded(scale):
    counts = seeded_counts(scale)
    wanted = (scale.products, scale.customers, scale.orders)
    return counts is not None and all(have >= want for have, want in zip(counts, wanted, strict=True))


def _applied_migrations(scale):
    return psql(scale.database, "SELECT count(*) FROM django_migrations")


def prepare(scale, log=print):
    """Create, migrate and (if its counts are short) seed the scale's database. Returns seeding seconds or None."""
    seed_seconds = None
    if not is_seeded(scale):
        if database_exists(scale.database):
            log(f"{scale.database} is not fully seeded ({seeded_counts(scale)}): recreating it")
            psql("postgres", f'DROP DATABASE "{scale.database}"')
        psql("postgres", f'CREATE DATABASE "{scale.database}"')
        manage(scale, "migrate", "--noinput", "-v", "0")
        log(f"seeding {scale.database}: {scale.products} products, {scale.customers} customers, {scale.orders} orders")
        start = time.perf_counter()
        manage(
            scale,
            "seed_demo",
            "--products",
            str(scale.products),
            "--customers",
            str(scale.customers),
            "--orders",
            str(scale.orders),
            "--seed",
            str(SEED),
        )
        seed_seconds = time.perf_counter() - start
        psql(scale.database, "VACUUM ANALYZE")
    else:
        applied = _applied_migrations(scale)
        manage(scale, "migrate", "--noinput", "-v", "0")
        if _applied_migrations(scale) != applied:
            # Backfills rewrite rows: fresh statistics and visibility map, as after seeding.
            log(f"{scale.database}: migrations applied, VACUUM ANALYZE")
            psql(scale.database, "VACUUM ANALYZE")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        # Production static storage (the manifest) is what the pages render with.
        manage(scale, "collectstatic", "--noinput", "-v", "0")
    return seed_seconds
