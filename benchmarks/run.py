#!/usr/bin/env python3
"""Benchmark the generator, the whole build and the preview loop on synthetic collections of N articles.

`python benchmarks/run.py [--sizes 500,2000,5000] [--runs 3] [--seed 1]` writes
benchmarks/results.csv and benchmarks/RESULTS.md (after each size, so a long run
leaves what it has). Within one run the variants follow each other on the same
project, so the ratios compare figures measured under the same load; the load
average is recorded at the start and end of each size. Every figure is a median
over the runs (ratios are medians of the per-run ratios).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from memory import tree  # noqa: E402
from synth import ROOT, synthesise  # noqa: E402

# What a project needs to build, as tests/conftest.py copies it; generated folders are left behind.
PROJECT_FILES = ("build_kb.py", "mkdocs.yml", "taxonomy.yml", "entities.yml", "docs", "hooks", "overrides", "kb")
GENERATED = ("administrations", "themes", "articles", "explore", "people")
HARNESS = HERE / "harness.py"
COLUMNS = (
    "n", "paragraphs", "generated_files", "load_start", "load_end",
    "gen_cold_s", "whole_cold_s", "whole_cold_gen_s", "share_cold",
    "whole_warm_s", "whole_warm_gen_s", "share_warm", "mkdocs_alone_s", "whole_over_alone",
    "peak_mb", "edit_process_s", "edit_in_process_s", "edit_memory_s", "edit_hits", "edit_misses", "edit_written",
    "preview_s", "preview_builds",
    "whole_kept_s", "whole_kept_gen_s", "share_kept", "whole_kept_cpu_s", "whole_kept_gen_cpu_s", "share_kept_cpu",
    "edit_first_s", "edit_first_cpu_s", "preview_second_s", "gen_cold_one_s", "gen_cold_one_cpu_s",
    "gen_cold_cpu_s", "whole_cold_cpu_s", "whole_cold_gen_cpu_s", "share_cold_cpu", "whole_warm_cpu_s", "whole_warm_gen_cpu_s",
    "share_warm_cpu", "mkdocs_alone_cpu_s", "edit_in_process_cpu_s", "edit_process_cpu_s", "edit_memory_cpu_s",
    "html_pages", "largest_page", "largest_page_bytes", "pages_over_200kb",
)  # fmt: skip
NOTES_MARK = "<!-- notes: kept across runs -->"
# Targets of the issue, checked in RESULTS.md.
EDIT_IN_PROCESS_S = 0.5
EDIT_PROCESS_S = 1.5
PREVIEW_S = {500: 2.0, 5000: 5.0}
SHARE_WARM = 0.10
SHARE_COLD = 0.20
PEAK_MB = 1024
MAX_PAGE = 200_000


@dataclass(frozen=True)
class Timed:
    """A finished process: wall seconds, CPU seconds of its process tree, peak memory of the tree in MB, its last output line as JSON."""

    seconds: float
    cpu: float
    peak_mb: float
    result: dict[str, object]


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (kB)."""
    return sum(kb for _, kb in tree(root).values())


def timed(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    """Run a command, sampling its process tree's memory; fail loudly if it fails."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and every descendant it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{out[-3000:]}\n{err[-3000:]}")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return Timed(seconds, cpu, peak[0] / 1024, json.loads(lines[-1]) if lines else {})


def make_project(folder: Path, n: int, seed: int) -> int:
    """A project folder with the real configuration and n synthetic sources; returns the paragraph count."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, folder / name, ignore=shutil.ignore_patterns("__pycache__", *GENERATED))
        elif src.exists():
            shutil.copy2(src, folder / name)
    return synthesise(folder / "sources", n, seed).paragraphs


def clean(folder: Path, docs: bool = True, cache: bool = True) -> None:
    """Remove the site, and the generated pages and the cache unless told to keep them."""
    if docs:
        for name in GENERATED:
            shutil.rmtree(folder / "docs" / name, ignore_errors=True)
        for hidden in (folder / "docs").glob(".kb-*"):
            hidden.unlink()
    if cache:
        shutil.rmtree(folder / ".cache", ignore_errors=True)
    shutil.rmtree(folder / "site", ignore_errors=True)


def middle_source(folder: Path) -> Path:
    """The source the edits change: the middle one by name."""
    sources = sorted((folder / "sources").glob("*.md"))
    return sources[len(sources) // 2]


def load() -> float:
    """The one-minute load average."""
    return round(os.getloadavg()[0], 2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def preview_latency(folder: Path, run: int, timeout: float) -> tuple[tuple[float, float], int]:
    """Seconds from saving one source to the served page showing the change, in the real `mkdocs serve --dirty`, for a
    first and a second save; and the most builds one save gave."""
    sys.path.insert(0, str(HERE))
    from harness import edit_source

    port = _free_port()
    log = folder / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    with log.open("wb") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=folder, stdout=handle, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:

        def output() -> str:
            return log.read_text(encoding="utf-8", errors="replace")

        def wait(condition: Callable[[], bool], what: str, limit: float = timeout, required: bool = True) -> None:
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    raise RuntimeError(f"mkdocs serve stopped:\n{output()[-3000:]}")
                if condition():
                    return
                time.sleep(0.05)
            if required:
                raise RuntimeError(f"timed out waiting for {what}:\n{output()[-3000:]}")

        wait(lambda: "Serving on" in output() and _get(f"http://127.0.0.1:{port}/") != "", "the first build")
        # The search index of the first build is made in the background; let it finish, as an author would.
        wait(lambda: "Search index updated" in output() or "search:" in output(), "the first search index", min(timeout, 600), required=False)
        time.sleep(1.0)
        source = middle_source(folder)
        page = f"http://127.0.0.1:{port}/articles/{source.stem}/"
        latencies, most = [], 0
        for save in range(2):
            builds = output().count("Building documentation")
            start = time.perf_counter()
            marker = edit_source(source, run * 10 + save)
            wait(lambda: marker in _get(page), "the edited page")  # noqa: B023  # called within this iteration
            latencies.append(time.perf_counter() - start)
            time.sleep(3.0)  # anything the build itself wrote into a watched folder would show now as a second build
            most = max(most, output().count("Building documentation") - builds)
            # The background search index of this save, as an author would wait for it before the next one.
            wait(lambda: output().count("Search index updated") > save + 1 or "search:" in output(), "the search index", min(timeout, 600), required=False)  # noqa: B023
        return (latencies[0], latencies[1]), most
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def site_figures(site: Path) -> dict[str, object]:
    """HTML pages and the largest of them."""
    pages = [p for p in site.rglob("*.html") if p.is_file()]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return {
        "html_pages": len(pages),
        "largest_page": largest.relative_to(site).as_posix(),
        "largest_page_bytes": largest.stat().st_size,
        "pages_over_200kb": sum(1 for p in pages if p.stat().st_size > MAX_PAGE),
    }


def measure(n: int, runs: int, seed: int, work: Path, preview_timeout: float, whole: bool = True) -> dict[str, object]:
    """Every figure for one collection size, the variants interleaved within each run (without `whole`: the generator's figures only)."""
    folder = work / f"n{n}"
    paragraphs = make_project(folder, n, seed)
    python = sys.executable
    samples: dict[str, list[float]] = {}
    load_start = load()

    def keep(name: str, value: float) -> None:
        samples.setdefault(name, []).append(float(value))
        print(f"  n={n} {name}={value:.3f} (load {load()})", file=sys.stderr, flush=True)

    def keep_whole(variant: str, build: Timed) -> None:
        """A whole build's wall and CPU seconds, the generator's inside it, and its shares of them."""
        generator, generator_cpu = float(str(build.result["generator_s"])), float(str(build.result["generator_cpu_s"]))
        for name, value in (("s", build.seconds), ("gen_s", generator), ("cpu_s", build.cpu), ("gen_cpu_s", generator_cpu)):
            keep(f"whole_{variant}_{name}", value)
        keep(f"share_{variant}", generator / build.seconds)
        keep(f"share_{variant}_cpu", generator_cpu / build.cpu)

    for run in range(runs):
        source = middle_source(folder)
        # 1. The generator alone, from nothing: empty docs/, no cache.
        clean(folder)
        gen = timed([python, "build_kb.py"], folder)
        keep("gen_cold_s", gen.seconds)
        keep("gen_cold_cpu_s", gen.cpu)
        # The same with the tagging kept to one process (KB_WORKERS=1).
        clean(folder)
        one = timed([python, "build_kb.py"], folder, env={**os.environ, "KB_WORKERS": "1"})
        keep("gen_cold_one_s", one.seconds)
        keep("gen_cold_one_cpu_s", one.cpu)
        if not whole:
            _edits(folder, source, run, keep)
            continue
        # 2. The whole build from nothing (generator timed inside the hook, search index included).
        clean(folder)
        cold = timed([python, str(HARNESS), "mkdocs", "timed"], folder)
        keep_whole("cold", cold)
        # 3. MkDocs alone: docs/ as the generator left it, the generator stubbed out of the hook.
        shutil.rmtree(folder / "site", ignore_errors=True)
        alone = timed([python, str(HARNESS), "mkdocs", "stub"], folder)
        keep("mkdocs_alone_s", alone.seconds)
        keep("mkdocs_alone_cpu_s", alone.cpu)
        keep("whole_over_alone", cold.seconds / alone.seconds)
        # 4. The whole build with a warm cache and an empty docs/ (a CI run that restores .cache/).
        clean(folder, cache=False)
        warm = timed([python, str(HARNESS), "mkdocs", "timed"], folder)
        keep_whole("warm", warm)
        # 5. The whole build again with docs/ and the cache as that build left them (a rebuild on one's own machine).
        shutil.rmtree(folder / "site", ignore_errors=True)
        kept = timed([python, str(HARNESS), "mkdocs", "timed"], folder)
        keep_whole("kept", kept)
        keep("peak_mb", max(cold.peak_mb, warm.peak_mb, alone.peak_mb, kept.peak_mb))
        _edits(folder, source, run, keep)
        # 7. Edit to preview in the real server: its first save, and a second one.
        latencies, builds = preview_latency(folder, 4000 + run, preview_timeout)
        keep("preview_s", latencies[0])
        keep("preview_second_s", latencies[1])
        keep("preview_builds", builds)
    for name in COLUMNS[COLUMNS.index("gen_cold_s") : COLUMNS.index("html_pages")]:
        samples.setdefault(name, [])  # empty: not measured this time
    generated = sum(1 for name in GENERATED for p in (folder / "docs" / name).rglob("*") if p.is_file())
    row: dict[str, object] = {"n": n, "paragraphs": paragraphs, "generated_files": generated, "load_start": load_start, "load_end": load()}
    row.update({name: round(statistics.median(values), 3) if values else "" for name, values in samples.items()})
    for name in ("edit_hits", "edit_misses", "edit_written", "preview_builds"):
        if row.get(name, "") != "":
            row[name] = int(float(str(row[name])))
    if (folder / "site").is_dir():
        row.update(site_figures(folder / "site"))
    return row


def _edits(folder: Path, source: Path, run: int, keep: Callable[[str, float], None]) -> None:
    """One source edited, then: generate() in a fresh process (cache on disk, docs/ present), build_kb.py, a warm process."""
    sys.path.insert(0, str(HERE))
    from harness import edit_source

    edit_source(source, 1000 + run)
    edit = timed([sys.executable, str(HARNESS), "generate"], folder)
    keep("edit_in_process_s", float(str(edit.result["seconds"])))
    keep("edit_in_process_cpu_s", float(str(edit.result["cpu_s"])))
    keep("edit_hits", float(str(edit.result["hits"])))
    keep("edit_misses", float(str(edit.result["misses"])))
    keep("edit_written", float(str(edit.result["written"])))
    edit_source(source, 2000 + run)
    whole = timed([sys.executable, "build_kb.py"], folder)
    keep("edit_process_s", whole.seconds)
    keep("edit_process_cpu_s", whole.cpu)
    # What `mkdocs serve` does: one edit in a process whose memory cache is warm.
    memory = timed([sys.executable, str(HARNESS), "edit", str(source), str(3000 + run)], folder)
    keep("edit_memory_s", float(str(memory.result["seconds"])))
    keep("edit_memory_cpu_s", float(str(memory.result["cpu_s"])))
    keep("edit_first_s", float(str(memory.result["first_seconds"])))
    keep("edit_first_cpu_s", float(str(memory.result["first_cpu_s"])))


def machine() -> list[str]:
    """The machine the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "unknown")
    memory = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "unknown")
    return [
        f"- CPUs (`nproc`): {os.cpu_count()}; CPU: {cpu}",
        f"- Memory: {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
    ]


def _f(row: dict[str, object], key: str) -> float:
    return float(str(row[key]))


def _has(row: dict[str, object], *keys: str) -> bool:
    return all(str(row.get(key, "")) != "" for key in keys)


def _w(row: dict[str, object], key: str) -> str:
    """`wall s (CPU s)`; CPU time counts what the process tree itself used, whatever else ran on the machine."""
    wall, cpu = str(row.get(key, "")), str(row.get(key.replace("_s", "_cpu_s", 1) if key.endswith("_s") else "", ""))
    if wall == "":
        return "not measured"
    return f"{wall} ({cpu} CPU)" if cpu != "" else wall


def table(rows: list[dict[str, object]]) -> list[str]:
    """The figures as Markdown tables: wall seconds, CPU seconds in brackets."""
    head = ("N", "load start/end", "generator, cold", "the same in one process", "whole build, cold", "generator in it", "whole build, warm, docs/ emptied",
            "generator in it", "whole build, warm, docs/ kept", "generator in it", "MkDocs alone", "whole/alone (wall)", "peak MB")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "--:|" * len(head)]
    for r in rows:
        peak = f"{_f(r, 'peak_mb'):.0f}" if _has(r, "peak_mb") else "not measured"
        lines.append(
            f"| {r['n']} | {r['load_start']} / {r['load_end']} | {_w(r, 'gen_cold_s')} | {_w(r, 'gen_cold_one_s')} | {_w(r, 'whole_cold_s')} "
            f"| {_w(r, 'whole_cold_gen_s')} "
            f"| {_w(r, 'whole_warm_s')} | {_w(r, 'whole_warm_gen_s')} | {_w(r, 'whole_kept_s')} | {_w(r, 'whole_kept_gen_s')} "
            f"| {_w(r, 'mkdocs_alone_s')} | {r.get('whole_over_alone', '')} | {peak} |"
        )
    head2 = ("N", "edit: generate(), fresh process", "edit: build_kb.py process", "edit: serve process, first save",
             "edit: serve process, later save", "cache hit/miss", "files rewritten", "edit to preview s (first / second save)",
             "builds per save", "HTML pages", "largest page")  # fmt: skip
    lines += ["", "| " + " | ".join(head2) + " |", "|" + "--:|" * len(head2)]
    for r in rows:
        largest = f"{r['largest_page']} ({_f(r, 'largest_page_bytes') / 1000:.0f} KB)" if _has(r, "largest_page_bytes") else ""
        preview = f"{r['preview_s']} / {r.get('preview_second_s', '') or '–'}" if _has(r, "preview_s") else "not measured"
        lines.append(
            f"| {r['n']} | {_w(r, 'edit_in_process_s')} | {_w(r, 'edit_process_s')} | {_w(r, 'edit_first_s')} | {_w(r, 'edit_memory_s')} "
            f"| {r['edit_hits']}/{r['edit_misses']} | {r['edit_written']} | {preview} | {r.get('preview_builds', '')} | {r.get('html_pages', '')} | {largest} |"
        )
    return lines


def targets(rows: list[dict[str, object]]) -> list[str]:
    """Each target of the issue with the measured figure (wall; CPU in brackets) and whether it is met (on wall time)."""
    out = ["| Target | Measured | Met |", "|---|---|---|"]

    def line(label: str, measured: str, met: bool) -> None:
        out.append(f"| {label} | {measured} | {'yes' if met else 'no'} |")

    for r in rows:
        n = int(str(r["n"]))
        if _has(r, "edit_memory_s"):
            line(f"N={n}: one-source edit, generator in the serve process ≤ {EDIT_IN_PROCESS_S} s (a later save; the first in brackets)",
                 f"{_w(r, 'edit_memory_s')} [{_w(r, 'edit_first_s')}]", _f(r, "edit_memory_s") <= EDIT_IN_PROCESS_S)  # fmt: skip
        line(f"N={n}: one-source edit, generate() in a fresh process ≤ {EDIT_IN_PROCESS_S} s",
             _w(r, "edit_in_process_s"), _f(r, "edit_in_process_s") <= EDIT_IN_PROCESS_S)  # fmt: skip
        line(f"N={n}: one-source edit, whole process ≤ {EDIT_PROCESS_S} s", _w(r, "edit_process_s"), _f(r, "edit_process_s") <= EDIT_PROCESS_S)
        if not _has(r, "preview_s", "share_warm"):
            out.append(f"| N={n}: whole build, preview, memory | not measured in this run | – |")
            continue
        if n in PREVIEW_S:
            line(f"N={n}: edit to preview ≤ {PREVIEW_S[n]:g} s, first save", f"{r['preview_s']} s", _f(r, "preview_s") <= PREVIEW_S[n])
            if _has(r, "preview_second_s"):
                line(f"N={n}: edit to preview ≤ {PREVIEW_S[n]:g} s, second save", f"{r['preview_second_s']} s", _f(r, "preview_second_s") <= PREVIEW_S[n])
        line(f"N={n}: one build per save", f"{r['preview_builds']}", int(str(r["preview_builds"])) == 1)
        shares = [("share_warm", SHARE_WARM, "warm cache, docs/ emptied"), ("share_cold", SHARE_COLD, "empty cache")]
        if _has(r, "share_kept"):
            shares.insert(0, ("share_kept", SHARE_WARM, "warm cache, docs/ kept"))
        for key, limit, label in shares:
            cpu = f"; by CPU time {_f(r, key + '_cpu'):.1%}" if _has(r, key + "_cpu") else ""
            line(f"N={n}: generator share of the whole build, {label} ≤ {limit:.0%}", f"{_f(r, key):.1%}{cpu}", _f(r, key) <= limit)
        line(f"N={n}: peak memory of the whole build < 1 GB", f"{_f(r, 'peak_mb'):.0f} MB", _f(r, "peak_mb") < PEAK_MB)
        line(f"N={n}: no HTML page over 200 KB", f"{r['pages_over_200kb']} over; largest {_f(r, 'largest_page_bytes') / 1000:.0f} KB",
             int(str(r["pages_over_200kb"])) == 0)  # fmt: skip
    return out


def read_csv(path: Path) -> list[dict[str, object]]:
    """Rows of an earlier run, to keep the sizes not measured this time."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        # Rows of an earlier version of this table get its new columns empty (not measured).
        return [{k: row.get(k, "") or "" for k in COLUMNS} for row in csv.DictReader(handle) if "n" in row]


def write_report(rows: list[dict[str, object]], csv_path: Path, md_path: Path, runs: dict[int, int], seed: int) -> None:
    """results.csv and RESULTS.md; notes below the marker in an existing RESULTS.md are kept."""
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in COLUMNS} for r in rows)
    notes = ""
    if md_path.exists() and NOTES_MARK in (old := md_path.read_text(encoding="utf-8")):
        notes = old.split(NOTES_MARK, 1)[1]
    counts = ", ".join(f"N={n}: {k}" for n, k in sorted(runs.items()))
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` (seed {seed}; runs per size this time: {counts or 'none'}; every figure a median over "
        "the runs, ratios medians of the per-run ratios; see results.csv for every column). Synthetic collections: the seed "
        "paragraphs reshuffled, 4–12 per article, dates 1995–2025 at year, month and day precision.",
        "",
        "Within each run the variants run one after the other on the same project, so each ratio compares figures taken "
        "under the same load; *load start/end* is the one-minute load average when the size started and ended (the machine "
        "has 2 cores and is shared: times are indicative, ratios less so).",
        "",
        "- *generator cold*: `python build_kb.py` with an empty docs/ and no cache (whole process; its new sources tagged by "
        "one worker process per core); *the same in one process*: with `KB_WORKERS=1`.",
        "- *whole build cold*: `mkdocs build --strict` with an empty docs/, site/ and cache (`benchmarks/harness.py mkdocs timed`), "
        "search index included; in brackets the time spent in the generator inside the hook "
        "(every `kb.build` call it makes: `check`, `publish`, `forget`, `source_date_epoch`).",
        "- *whole build warm, docs/ emptied*: the same with the cache left by the previous build and docs/ emptied (a CI run that "
        "restores `.cache/`); *docs/ kept*: then once more with docs/ and the cache as that build left them and site/ removed (a "
        "rebuild on one's own machine).",
        "- *MkDocs alone*: `mkdocs build --strict` with docs/ generated and every generator call of the hook stubbed "
        "(the same four calls: `benchmarks/harness.py mkdocs stub`; a test checks docs/ is left untouched): "
        "MkDocs, Material, the sanitiser and the search index.",
        "- *peak MB*: the largest resident memory of the build's whole process tree (Python and the Pagefind indexer together), "
        "sampled from /proc every 0.1 s, over the three builds.",
        "- *edit*: the first paragraph of the middle source changed, then: `generate()` timed inside a fresh process that reads "
        "the cache from disk (without start-up), `python build_kb.py` as a whole process, and `generate()` in a "
        "process that has just built (its memory cache warm, as in `mkdocs serve`), for its first save (which also builds the "
        "tagger's matchers) and a later one. *cache hit/miss* and *files rewritten* are those of the fresh process.",
        "- *edit to preview*: the real `mkdocs serve --dirty` (as `make serve` runs it) on a free port, after its first build "
        "and search index: seconds from saving the source to the served article page containing the change (polled every "
        "50 ms), for a first save and, after its search index, a second; *builds per save* counts `Building documentation` "
        "in its log until 3 s after the change showed (the most of the two saves).",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Figures",
        "",
        *table(rows),
        "",
        "## Targets",
        "",
        *targets(rows),
        "",
        NOTES_MARK,
    ]
    md_path.write_text("\n".join(lines) + (notes if notes else "\n"), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure every size, print the tables, write the CSV and the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,5000", help="comma-separated article counts")
    parser.add_argument("--runs", default="3", help="runs per size, or one count per size (e.g. 3,1,1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch folder for the project copies")
    parser.add_argument("--csv", type=Path, default=HERE / "results.csv")
    parser.add_argument("--report", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--preview-timeout", type=float, default=1800.0, help="seconds to wait for each step of the preview")
    parser.add_argument("--fresh", action="store_true", help="drop rows of sizes not measured this time from the CSV")
    parser.add_argument("--generator-only", default="", help="comma-separated sizes measured without the MkDocs builds and the preview")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    counts = [int(r) for r in args.runs.split(",")]
    runs = {n: counts[i] if i < len(counts) else counts[-1] for i, n in enumerate(sizes)}
    rows = {int(str(r["n"])): r for r in ([] if args.fresh else read_csv(args.csv))}
    ordered: list[dict[str, object]] = []
    for n in sizes:
        light = {int(x) for x in args.generator_only.split(",") if x.strip()}
        rows[n] = measure(n, runs[n], args.seed, args.work, args.preview_timeout, whole=n not in light)
        ordered = [rows[k] for k in sorted(rows)]
        write_report(ordered, args.csv, args.report, runs, args.seed)
    print("\n".join(table(ordered)))
    print()
    print("\n".join(targets(ordered)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
