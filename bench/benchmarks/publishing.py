"""5. Bulk publish of every product with history (``publish_products``) against a plain UPDATE.

Each run starts from all products in draft (set inside the run's transaction, not timed) and is
rolled back afterwards, so runs are alike and the database keeps its seeded state.
"""

import statistics
import time

from django.db import connection, transaction

from bench.measure import BenchFailure, Measurement

TITLE = "5. Bulk publish with history"
REASON = "bench: bulk publish"
TO_DRAFT = "UPDATE inventory_product SET status = 'draft', published_at = NULL"
PLAIN_PUBLISH = (
    "UPDATE inventory_product SET status = 'published', published_at = now(), updated_at = now() "
    "WHERE status <> 'published'"
)


class _Rollback(Exception):
    pass


def _in_rolled_back_transaction(ctx, measured, check=None):
    """Time ``measured()`` after putting every product in draft; check, then undo everything."""
    try:
        with transaction.atomic():
            ctx.execute(TO_DRAFT)
            start = time.perf_counter()
            outcome = measured()
            elapsed = time.perf_counter() - start
            if check:
                check(outcome)
            raise _Rollback
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        cursor.execute("VACUUM inventory_product")  # both sides start from a table without dead rows
    return elapsed, outcome


def run(ctx):
    from inventory.models import Product
    from inventory.services import publish_products

    total = ctx.scalar("SELECT count(*) FROM inventory_product")

    def service():
        return publish_products(products=Product.objects.all(), user=ctx.user, reason=REASON)

    def check(result):
        history = ctx.scalar(
            "SELECT count(*) FROM inventory_historicalproduct"
            " WHERE history_change_reason = %s AND history_user_id = %s",
            [REASON, ctx.user.pk],
        )
        if result.changed != total or history != total:
            raise BenchFailure(f"publish_products changed {result.changed} and wrote {history} history rows of {total}")

    def plain():
        return ctx.execute(PLAIN_PUBLISH)

    def as_before(python_history):
        # Earlier shapes of the service: the rows locked and changed from Python, then the history
        # written by ``record_history_from_rows`` (INSERT ... SELECT from the table, the previous
        # run's code) or as Python objects (``record_bulk_history``, before the bench).
        from backoffice import history
        from inventory import services

        def run_it():
            saved = services._set_status_in_database, services.record_history_from_rows
            services._set_status_in_database = services._set_status_in_python
            if python_history:
                services.record_history_from_rows = lambda model, objs, *, user, reason: history.record_bulk_history(
                    model, objs, user=user, reason=reason
                )
            try:
                return service()
            finally:
                services._set_status_in_database, services.record_history_from_rows = saved

        return run_it

    variants = {
        "in_database": [],
        "from_rows": [],
        "python": [],
    }
    baseline_samples = []
    for _ in range(ctx.scale.slow_runs):
        # Alternate them so that anything the machine does meanwhile hits all alike.
        variants["in_database"].append(_in_rolled_back_transaction(ctx, service, check)[0])
        baseline_samples.append(_in_rolled_back_transaction(ctx, plain)[0])
        variants["from_rows"].append(_in_rolled_back_transaction(ctx, as_before(False), check)[0])
        variants["python"].append(_in_rolled_back_transaction(ctx, as_before(True), check)[0])
    value, baseline = statistics.median(variants["in_database"]), statistics.median(baseline_samples)
    m = Measurement(
        benchmark=TITLE,
        case=f"publish {total:,} draft products (one statement per batch: lock, UPDATE, history, tag snapshots)",
        metric="seconds",
        value=value,
        baseline=baseline,
        baseline_label="plain UPDATE, no history",
        target="<= 3x UPDATE",
        extra={"rows_per_s": round(total / value), "runs": len(variants["in_database"])},
    )
    m.target_met = m.ratio <= 3
    yield m
    for key, case in (
        ("from_rows", "the same as in the previous run: updated from Python, history by INSERT ... SELECT"),
        ("python", "the same, history written from Python as before the bench (record_bulk_history)"),
    ):
        before = statistics.median(variants[key])
        yield Measurement(
            benchmark=TITLE,
            case=case,
            metric="seconds",
            value=before,
            baseline=baseline,
            baseline_label="plain UPDATE, no history",
            extra={"rows_per_s": round(total / before), "runs": len(variants[key])},
        )
