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

    def service_as_before():
        # The history as it was written before the bench: Python objects, record_bulk_history.
        from backoffice import history
        from inventory import services

        def python_history(model, objs, *, user, reason):
            history.record_bulk_history(model, objs, user=user, reason=reason)

        services.record_history_from_rows = python_history
        try:
            return service()
        finally:
            services.record_history_from_rows = history.record_history_from_rows

    samples, baseline_samples, before_samples = [], [], []
    for _ in range(ctx.scale.slow_runs):
        # Alternate them so that anything the machine does meanwhile hits all alike.
        samples.append(_in_rolled_back_transaction(ctx, service, check)[0])
        baseline_samples.append(_in_rolled_back_transaction(ctx, plain)[0])
        before_samples.append(_in_rolled_back_transaction(ctx, service_as_before, check)[0])
    value, baseline = statistics.median(samples), statistics.median(baseline_samples)
    m = Measurement(
        benchmark=TITLE,
        case=f"publish {total:,} draft products",
        metric="seconds",
        value=value,
        baseline=baseline,
        baseline_label="plain UPDATE, no history",
        target="<= 3x UPDATE",
        extra={"rows_per_s": round(total / value), "runs": len(samples)},
    )
    m.target_met = m.ratio <= 3
    yield m
    before = statistics.median(before_samples)
    yield Measurement(
        benchmark=TITLE,
        case="the same, history written from Python as before the bench (record_bulk_history)",
        metric="seconds",
        value=before,
        baseline=baseline,
        baseline_label="plain UPDATE, no history",
        extra={"rows_per_s": round(total / before), "runs": len(before_samples)},
    )
