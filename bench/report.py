"""bench/RESULTS.md and bench/results.json from one run's measurements."""

import json
from datetime import UTC, datetime

from bench.config import ROOT

FINDINGS = ROOT / "bench" / "FINDINGS.md"


def _fmt(value, metric=""):
    if value is None:
        return "–"
    if metric == "seconds":
        if value < 0.001:
            return f"{value * 1000:.2f} ms"
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _extra(extra):
    parts = []
    for key, value in extra.items():
        if isinstance(value, list | dict):
            continue  # the SQL of a page and such: in results.json only
        if key.endswith("_mib") and isinstance(value, (int, float)):
            parts.append(f"{key.removesuffix('_mib').replace('_', ' ')} {value:,.0f} MiB")
        elif key.endswith("_seconds") and isinstance(value, (int, float)):
            parts.append(f"{key.removesuffix('_seconds').replace('_', ' ')} {_fmt(value, 'seconds')}")
        else:
            parts.append(f"{key.replace('_', ' ')} {_fmt(value)}")
    return "; ".join(parts)


def markdown(run):
    machine, sizes = run["machine"], run["data"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {run['finished_at']} with `{run['command']}` "
        f"(scale **{run['scale']}**, git {machine['git_commit']}).",
        "Each figure is the median of several runs; its baseline is measured in the same run. "
        "Ratio = how many times slower (or less throughput) than the baseline. Timings are never asserted in tests.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['cores']} cores; memory {machine['memory_gib']} GiB",
        f"- OS: {machine['os']}",
        f"- Python {machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']} "
        f"(shared_buffers {machine['postgresql_shared_buffers']}, jit {machine.get('postgresql_jit', '?')})",
        f"- Load average at start: {machine['load_average_at_start']}",
        "",
        "## Data",
        "",
        f"Database `{run['database']}`: " + ", ".join(f"{_fmt(v)} {k.replace('_', ' ')}" for k, v in sizes.items()),
    ]
    if run.get("seed_seconds"):
        lines.append(f"(seeded by `seed_demo` in this run: {_fmt(run['seed_seconds'], 'seconds')})")
    current = None
    for m in run["measurements"]:
        if m["benchmark"] != current:
            current = m["benchmark"]
            lines += ["", f"## {current}", ""]
            if m.get("measured_at"):
                lines += [f"Measured {m['measured_at']}.", ""]
            lines += ["| case | value | baseline | ratio | target | details |", "|---|---|---|---|---|---|"]
        if m["status"] != "ok":
            lines.append(f"| {m['case']} | {m['status']} | | | {m['target']} | |")
            continue
        ratio = f"{m['ratio']:.2f}x" if m["ratio"] is not None else "–"
        unit = "" if m["metric"] == "seconds" else f" {m['metric']}"
        baseline = (
            f"{_fmt(m['baseline'], m['metric'])}{unit} ({m['baseline_label']})" if m["baseline"] is not None else "–"
        )
        value = _fmt(m["value"], m["metric"]) + unit
        lines.append(f"| {m['case']} | {value} | {baseline} | {ratio} | {_target_dict(m)} | {_extra(m['extra'])} |")
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text().strip()]
    return "\n".join(lines) + "\n"


def _target_dict(m):
    if not m["target"]:
        return ""
    verdict = {True: "met", False: "**missed**", None: ""}[m["target_met"]]
    return f"{m['target']} {verdict}".strip()


def write(run, markdown_path, json_path):
    run["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    json_path.write_text(json.dumps(run, indent=2, default=str) + "\n")
    markdown_path.write_text(markdown(run))
