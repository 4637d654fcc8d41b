#!/usr/bin/env python3
"""Peak memory of a command's process tree, and of each process in it (MkDocs' Python, each Pagefind run).

    .venv/bin/python benchmarks/memory.py COMMAND [ARG ...]

runs COMMAND in the current directory and samples /proc every 0.1 s, as benchmarks/run.py
does for its peak_mb column: the resident size of every process in the tree. Prints one
JSON object: the tree's peak (MB), what each process held at that instant, and each
process's own peak. Run it on a whole build of a synthetic collection, e.g. in a project
made by benchmarks/run.py's make_project:

    ../kb/.venv/bin/python ../kb/benchmarks/memory.py python ../kb/benchmarks/harness.py mkdocs timed
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def tree(root: int) -> dict[int, tuple[str, int]]:
    """Every live process under `root` (included): pid -> (name, resident kB)."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        children.setdefault(int(rest.split()[1]), []).append(int(entry))
        info[int(entry)] = (name, next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0))
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in info:
            found[pid] = info[pid]
        todo += children.get(pid, [])
    return found


def measure(command: list[str]) -> dict[str, object]:
    """Run the command to its end; its tree's peak, the split at that instant, and each process's peak (MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    done = threading.Event()
    peak_kb = 0
    at_peak: dict[int, tuple[str, int]] = {}
    each: dict[tuple[int, str], int] = {}

    def sample() -> None:
        nonlocal peak_kb, at_peak
        while not done.is_set():
            now = tree(process.pid)
            total = sum(kb for _, kb in now.values())
            for pid, (name, kb) in now.items():
                each[(pid, name)] = max(each.get((pid, name), 0), kb)
            if total > peak_kb:
                peak_kb, at_peak = total, now
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return {
        "exit": code,
        "seconds": round(seconds, 1),
        "tree_peak_mb": round(peak_kb / 1024),
        "at_peak_mb": {f"{name}[{pid}]": round(kb / 1024) for pid, (name, kb) in sorted(at_peak.items())},
        "each_peak_mb": {f"{name}[{pid}]": round(kb / 1024) for (pid, name), kb in sorted(each.items()) if kb >= 10 * 1024},
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print(json.dumps(measure(sys.argv[1:])))
