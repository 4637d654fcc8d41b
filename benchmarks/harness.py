#!/usr/bin/env python3
"""What benchmarks/run.py runs inside a project folder (the current directory), one process per call.

    harness.py mkdocs timed   `mkdocs build --strict`, timing the generator inside the hook
    harness.py mkdocs stub    the same build with the generator stubbed out of the hook:
                              every kb.build function the hook calls (HOOK_CALLS: check,
                              publish, forget, source_date_epoch) is replaced, so docs/ is
                              left untouched
    harness.py generate       generate() once, timed inside the process
    harness.py edit FILE RUN  a first build as `mkdocs serve` makes it (publish(warm=True)), then
                              two edits of FILE, each followed by generate() in the same
                              process (its memory cache warm, as in `mkdocs serve`):
                              the second is timed, the first (which also builds the
                              tagger's matchers) is reported as first_seconds

Each prints one JSON object as its last line of standard output.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the project's own kb package, as build_kb.py and the hook import it

import kb.build
from kb import cache


def edit_source(path: Path, run: int) -> str:
    """Change the first paragraph of one source, as an editor would; returns the words added."""
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n\n")
    first, rest = body.split("\n\n", 1) if "\n\n" in body else (body.rstrip("\n"), "")
    marker = f"[edited {run}]"
    first = first.split(" [edited")[0] + " " + marker
    # Saved in one step, as editors do, from outside every watched folder: a watcher
    # must not see a half-written file as a second change.
    temp = path.parent.parent / f".{path.name}.saving"
    temp.write_text(head + sep + first + "\n\n" + rest, encoding="utf-8")
    os.replace(temp, path)
    return marker


def _report(report: Any, project: kb.build.Project) -> dict[str, int]:
    return {"written": len(report.written) + len(report.removed), **_stats(project)}


def _stats(project: kb.build.Project) -> dict[str, int]:
    stats = cache.for_project(project.cache).stats
    return {"hits": stats.hits, "misses": stats.misses, "torn": stats.torn}


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the generator's tagging workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


# Every kb.build function the MkDocs hook calls: stubbed for *MkDocs alone*, timed as the generator otherwise.
HOOK_CALLS = ("check", "publish", "forget", "source_date_epoch")


def _mkdocs(mode: str) -> dict[str, Any]:
    spent: dict[str, Any] = {"generator_s": 0.0, "generator_cpu_s": 0.0, "calls": {}}

    def counted(name: str, run: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), _cpu()
            try:
                return run(*args, **kwargs)
            finally:
                if mode != "stub":
                    spent["generator_s"] += time.perf_counter() - start
                    spent["generator_cpu_s"] += _cpu() - cpu
                spent["calls"][name] = spent["calls"].get(name, 0) + 1

        return call

    stubs: dict[str, Any] = {
        "check": lambda *_, **__: kb.build.Inputs(None, (), None),  # type: ignore[arg-type]  # no articles: nothing to publish
        "publish": lambda *_, **__: None,
        "forget": lambda: None,
        "source_date_epoch": lambda *_: "1700000000",
    }
    for name in HOOK_CALLS:
        setattr(kb.build, name, counted(name, stubs[name] if mode == "stub" else getattr(kb.build, name)))
    from mkdocs.__main__ import cli

    sys.argv = ["mkdocs", "build", "--strict", "--quiet", "--site-dir", "site"]
    try:
        cli()
    except SystemExit as done:
        if done.code:
            raise
    result: dict[str, Any] = dict(spent)
    if mode == "timed":
        result.update(_stats(kb.build.Project(Path.cwd())))
    return result


def main(argv: list[str]) -> int:
    """Run one measurement and print its JSON line."""
    project = kb.build.Project(Path.cwd())
    if argv[:1] == ["mkdocs"]:
        result = _mkdocs(argv[1])
    elif argv[:1] == ["generate"]:
        start, cpu = time.perf_counter(), _cpu()
        report = kb.build.generate(project)
        result = {"seconds": time.perf_counter() - start, "cpu_s": _cpu() - cpu, **_report(report, project)}
    elif argv[:1] == ["edit"]:
        kb.build.publish(project, kb.build.check(project), warm=True)  # as the hook's first build in `mkdocs serve`
        # The first save of a session also builds the tagger's matchers; it is timed apart.
        edit_source(Path(argv[1]), int(argv[2]))
        start, cpu = time.perf_counter(), _cpu()
        kb.build.generate(project)
        first = {"first_seconds": time.perf_counter() - start, "first_cpu_s": _cpu() - cpu}
        edit_source(Path(argv[1]), int(argv[2]) + 1)
        start, cpu = time.perf_counter(), _cpu()
        report = kb.build.generate(project)
        result = {"seconds": time.perf_counter() - start, "cpu_s": _cpu() - cpu, **first, **_report(report, project)}
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
