"""Timing helpers: medians of repeated runs, and child processes measured for time and peak memory."""

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "child.py"


class NotRun(Exception):  # noqa: N818 - it is a verdict, not an error
    """The feature a benchmark measures is not there (yet): reported as "not run: <why>"."""


class BenchFailure(Exception):
    """The measured path itself failed (a command exited non-zero, a page did not answer 200)."""


def median_time(fn, runs, warmup=1):
    """Median wall time of ``fn()`` over ``runs`` calls, after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), samples


@dataclass
class ChildRun:
    seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str
    stderr: str


def run_child(cmd, *, env=None, stdout_path=None, timeout=None):
    """Run a command; its own wall time and peak resident memory (see ``bench/child.py`` for how).

    Output goes to files, never to pipes, so a chatty progress bar cannot block the child.
    """
    with (
        open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile() as out,  # noqa: SIM115
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rusage") as report,
    ):
        wrapped = [sys.executable, "-I", "-S", str(CHILD), report.name, *cmd]
        proc = subprocess.Popen(wrapped, env=env, stdout=out, stderr=err)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchFailure(f"{' '.join(cmd)} did not finish within {timeout}s") from None
        seconds, max_rss_kb = report.read().split()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        stdout = ""
        if not stdout_path:
            out.seek(0)
            stdout = out.read().decode(errors="replace")
    return ChildRun(
        seconds=float(seconds), max_rss_kb=int(max_rss_kb), returncode=proc.returncode, stdout=stdout, stderr=stderr
    )


def check_child(run, what):
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-15:]
        raise BenchFailure(f"{what} exited {run.returncode}: " + " | ".join(tail))
    return run


@dataclass
class Measurement:
    """One line of the results: a figure, its baseline measured in the same run, and the ratio."""

    benchmark: str
    case: str
    metric: str  # "seconds", "rows/s", "orders/s" ...
    value: float | None = None
    baseline: float | None = None
    baseline_label: str = ""
    higher_is_better: bool = False
    extra: dict = field(default_factory=dict)
    target: str = ""
    target_met: bool | None = None
    status: str = "ok"  # ok / not run: ... / failed: ...

    @property
    def ratio(self):
        """How many times worse than the baseline (1.0 = as good; always >= 1 when slower)."""
        if not self.value or not self.baseline:
            return None
        return self.baseline / self.value if self.higher_is_better else self.value / self.baseline

    def as_dict(self):
        data = dict(self.__dict__)
        data["ratio"] = self.ratio
        return data


def rows_per_second(*, benchmark, case, rows, runs, copies, baseline_label, target):
    """A command's rows/s (median of its ``ChildRun``s) against a COPY of the same rows, with peak memory."""
    seconds = statistics.median(r.seconds for r in runs)
    copy_seconds = statistics.median(r.seconds for r in copies)
    return Measurement(
        benchmark=benchmark,
        case=case,
        metric="rows/s",
        value=rows / seconds,
        baseline=rows / copy_seconds,
        baseline_label=baseline_label,
        higher_is_better=True,
        target=target,
        extra={
            "seconds": round(seconds, 2),
            "peak_memory_mib": max(r.max_rss_kb for r in runs) / 1024,
            "copy_peak_memory_mib": max(r.max_rss_kb for r in copies) / 1024,
            "runs": len(runs),
        },
    )


BOOKKEEPING = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def app_queries(captured):
    """The page's own queries: without the session and user lookups and the session save (and its BEGIN/COMMIT)."""
    own = []
    for query in captured:
        sql = query["sql"].lstrip()
        if sql.startswith(BOOKKEEPING) or '"django_session"' in sql or sql.startswith('SELECT "auth_user"'):
            continue
        own.append(query)
    return own
