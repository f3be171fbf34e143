"""``python child.py REPORT CMD...``: run CMD; write its wall seconds and peak resident memory (KiB) to REPORT.

Why a go-between: a process's peak RSS counts the memory of the process it was forked from, kept
across ``exec``, so a command started straight from the benchmark process (Django loaded, some
hundred MiB) would report at least that. This small interpreter forks the command itself, so the
figure is the command's own (plus this interpreter's ~10 MiB floor). The exit status is passed on.
"""

import os
import sys
import time


def main():
    report, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)  # noqa: S606 - the command line is the benchmark's own
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    with open(report, "w") as handle:
        handle.write(f"{seconds} {usage.ru_maxrss}\n")
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
