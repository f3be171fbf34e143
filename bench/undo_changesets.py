"""``python -m bench.undo_changesets [--rows N] [--runs R]``: undo of a change set against the change itself.

On PostgreSQL, in its own database (``BENCH_UNDO_DB``, default ``bench_undo_changesets``; created
and migrated on the first run). Each run, inside one transaction rolled back at the end:
an import of ``N`` new products (with tags and opening stock), then the undo of its change set;
an import of ``N`` draft products (not timed), their bulk publish as one change set, then its undo.
Prints the medians and the undo/original ratios (the issue's target: at most 3x).
"""

import argparse
import dataclasses
import os
import statistics
import time

from bench.config import SCALES
from bench.database import database_exists, django_env, manage, psql


class _Rollback(Exception):
    pass


def _csv(rows, prefix, status):
    lines = ["sku,name,category,stock,tags,status"]
    lines += [
        f"{prefix}-{n:06d},Product {n},Bench > Undo,{n % 7},tag{n % 20};tag{(n + 3) % 20},{status}" for n in range(rows)
    ]
    return "\n".join(lines).encode()


def one_run(rows, user):
    from django.db import transaction

    from backoffice.changesets import recording
    from backoffice.changesets.models import ChangeSet
    from backoffice.changesets.undo import undo_changeset
    from backoffice.importing.engine import import_file
    from inventory.models import Product
    from inventory.services import publish_products

    timings = {}

    def timed(name, work):
        start = time.perf_counter()
        outcome = work()
        timings[name] = time.perf_counter() - start
        return outcome

    try:
        with transaction.atomic():
            report = timed("import", lambda: import_file("product", _csv(rows, "NEW", "draft"), file_name="new.csv",
                                                         user=user, dry_run=False))  # fmt: skip
            assert report.committed and report.new == rows, report.errors[:3]
            imported = ChangeSet.objects.latest("pk")
            timed("undo import", lambda: undo_changeset(changeset=imported, user=user))
            assert not Product.objects.filter(sku__startswith="NEW-").exists()
            import_file("product", _csv(rows, "PUB", "draft"), file_name="drafts.csv", user=user, dry_run=False)
            drafts = Product.objects.filter(sku__startswith="PUB-")

            def publish():
                with recording(kind="bulk", user=user, reason="bench: publish"):
                    return publish_products(products=drafts, user=user)

            assert timed("publish", publish).changed == rows
            published = ChangeSet.objects.latest("pk")
            timed("undo publish", lambda: undo_changeset(changeset=published, user=user))
            assert set(drafts.values_list("status", flat=True)) == {"draft"}
            raise _Rollback
    except _Rollback:
        pass
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.undo_changesets", description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    scale = dataclasses.replace(SCALES["small"], database=os.environ.get("BENCH_UNDO_DB", "bench_undo_changesets"))
    if not database_exists(scale.database):
        psql("postgres", f'CREATE DATABASE "{scale.database}"')
    manage(scale, "migrate", "--noinput", "-v", "0")
    os.environ.update(django_env(scale))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-undo", defaults={"is_superuser": True})
    runs = [one_run(args.rows, user) for _ in range(args.runs)]
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    print(f"{args.rows:,} rows, {args.runs} runs, medians (PostgreSQL):")
    for name, seconds in medians.items():
        print(f"  {name:<14} {seconds:7.2f} s")
    for original in ("import", "publish"):
        ratio = medians[f"undo {original}"] / medians[original]
        print(f"  undo {original} / {original}: {ratio:.2f}x (target <= 3x): {'met' if ratio <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
