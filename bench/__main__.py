"""``python -m bench --scale full|small [--only name,...]``: prepare the database, run, write the report.

Exit status: 0 when every benchmark ran or was honestly "not run" (its feature is missing), 1 when
a measured path failed (a command exited non-zero, a page did not answer 200, a query broke).
"""

import argparse
import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime

from bench.config import DATA_DIR, ROOT, SCALES
from bench.measure import BenchFailure, Measurement, NotRun

BENCHMARKS = ["changelists", "search", "importing", "exporting", "publishing", "dashboard", "place_order"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--only", default="", help="comma-separated benchmarks: " + ", ".join(BENCHMARKS))
    parser.add_argument("--output", default="", help="directory for RESULTS.md and results.json")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the previous results of the benchmarks not run now (each one says when it was measured)",
    )
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
        measured_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        run["measurements"] += [dict(m.as_dict(), measured_at=measured_at) for m in results]
        print(f"[bench] {name} took {time.perf_counter() - t0:.1f}s", flush=True)

    out = ROOT / args.output if args.output else (ROOT / "bench" if scale.name == "full" else DATA_DIR)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if scale.name == "full" else f".{scale.name}"
    if args.merge:
        run = _merged(run, out / f"results{suffix}.json", only)
    report.write(run, out / f"RESULTS{suffix}.md", out / f"results{suffix}.json")
    print(f"[bench] wrote {out / f'RESULTS{suffix}.md'} in {time.perf_counter() - started:.0f}s", flush=True)
    return 1 if failures else 0


def _merged(run, previous_path, ran):
    """This run's measurements, and the previous file's for the benchmarks not run now, in the usual order."""
    if not previous_path.exists():
        return run
    previous = json.loads(previous_path.read_text())
    titles_now = {m["benchmark"] for m in run["measurements"]}
    kept = [m for m in previous["measurements"] if m["benchmark"] not in titles_now]
    order = {name: i for i, name in enumerate(BENCHMARKS)}

    def position(m):
        return int(m["benchmark"].split(".", 1)[0]) if m["benchmark"][0].isdigit() else len(order)

    run["measurements"] = sorted(kept + run["measurements"], key=position)
    run["merged_from"] = previous.get("finished_at")
    return run


def _short(m):
    ratio = f", {m.ratio:.2f}x baseline" if m.ratio else ""
    verdict = f" [{m.target}: {'met' if m.target_met else 'MISSED'}]" if m.target else ""
    return f"{m.value:.4g} {m.metric}{ratio}{verdict}"


if __name__ == "__main__":
    sys.exit(main())
