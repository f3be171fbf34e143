"""``python -m bench --scale full|small [--only name,...]``: prepare the database, run, write the report.

Exit status: 0 when every benchmark ran or was honestly "not run" (its feature is missing), 1 when
a measured path failed (a command exited non-zero, a page did not answer 200, a query broke).
"""

import argparse
import os
import sys
import time
import traceback

from bench.config import DATA_DIR, ROOT, SCALES
from bench.measure import BenchFailure, Measurement, NotRun

BENCHMARKS = ["changelists", "search", "importing", "exporting", "publishing", "dashboard", "place_order"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--only", default="", help="comma-separated benchmarks: " + ", ".join(BENCHMARKS))
    parser.add_argument("--output", default="", help="directory for RESULTS.md and results.json")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    only = [name for name in args.only.split(",") if name] or BENCHMARKS
    unknown = set(only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    DATA_DIR.mkdir(parents=True, exist_ok=True)

    from bench import database

    started = time.perf_counter()
    seed_seconds = database.prepare(scale, log=lambda text: print(f"[bench] {text}", flush=True))
    os.environ.update(database.django_env(scale))

    import django

    django.setup()
    from django.db import connection

    from bench import context, machine, report

    ctx = context.Context.create(scale)
    run = {
        "scale": scale.name,
        "database": scale.database,
        "command": "make bench" if scale.name == "full" else "make bench-small",
        "machine": machine.describe(connection),
        "data": ctx.sizes(),
        "seed_seconds": seed_seconds,
        "measurements": [],
    }
    failures = 0
    for name in only:
        module = __import__(f"bench.benchmarks.{name}", fromlist=["run"])
        print(f"[bench] {name} ...", flush=True)
        t0 = time.perf_counter()
        try:
            results = list(module.run(ctx))
        except NotRun as why:
            results = [Measurement(benchmark=module.TITLE, case="all", metric="", status=f"not run: {why}")]
        except (BenchFailure, Exception) as error:  # noqa: BLE001 - reported, and the run exits non-zero
            traceback.print_exc()
            failures += 1
            results = [Measurement(benchmark=module.TITLE, case="all", metric="", status=f"failed: {error}")]
        finally:
            connection.close()
        failures += sum(1 for m in results if m.status.startswith("failed"))
        for m in results:
            print(f"[bench]   {m.case}: {m.status if m.status != 'ok' else _short(m)}", flush=True)
        run["measurements"] += [m.as_dict() for m in results]
        print(f"[bench] {name} took {time.perf_counter() - t0:.1f}s", flush=True)

    out = ROOT / args.output if args.output else (ROOT / "bench" if scale.name == "full" else DATA_DIR)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if scale.name == "full" else f".{scale.name}"
    report.write(run, out / f"RESULTS{suffix}.md", out / f"results{suffix}.json")
    print(f"[bench] wrote {out / f'RESULTS{suffix}.md'} in {time.perf_counter() - started:.0f}s", flush=True)
    return 1 if failures else 0


def _short(m):
    ratio = f", {m.ratio:.2f}x baseline" if m.ratio else ""
    verdict = f" [{m.target}: {'met' if m.target_met else 'MISSED'}]" if m.target else ""
    return f"{m.value:.4g} {m.metric}{ratio}{verdict}"


if __name__ == "__main__":
    sys.exit(main())
