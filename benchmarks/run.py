#!/usr/bin/env python3
"""Benchmark the generator and the site build on synthetic collections of N articles.

`python benchmarks/run.py [--sizes 5,50,500,5000] [--runs 3] [--seed 1]` prints a
table, writes benchmarks/results.csv and benchmarks/RESULTS.md. Every figure is a
whole process measured with /usr/bin/time (wall seconds, peak RSS), median of the runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import ROOT, synthesise

# What a project needs to build, as tests/conftest.py copies it; generated folders are left behind.
PROJECT_FILES = ("build_kb.py", "mkdocs.yml", "taxonomy.yml", "entities.yml", "docs", "hooks", "overrides", "kb")
GENERATED = ("administrations", "themes", "articles", "explore", "people")
COLUMNS = (
    "n", "paragraphs", "gen_s", "gen_rss_mb", "mkdocs_s", "mkdocs_rss_mb", "build_s", "build_rss_mb",
    "incr_s", "incr_generate_s", "incr_written", "generated_files", "site_bytes", "html_pages",
    "largest_page", "largest_page_bytes", "pages_over_100kb", "search_index_gz", "search_js_gz", "search_payload_gz",
)  # fmt: skip
# Targets, checked in RESULTS.md.
MAX_GEN_SHARE = 0.05
MAX_GROWTH = 11.0
MAX_RSS_MB = 1024
MAX_PAGE = 100_000
MAX_BUILD_S = 120
MAX_INCR_S = 1.0
MAX_SEARCH = 300_000
NOTES_MARK = "<!-- notes: kept across runs -->"

# mkdocs with the generator stubbed out of the pre-build hook (the hook imports
# `generate` from kb.build), so the figure is MkDocs + Material + sanitising alone.
MKDOCS_ONLY = (
    "import sys; sys.path.insert(0, '.'); import kb.build; kb.build.generate = lambda *a, **k: None; "
    "from mkdocs.__main__ import cli; sys.argv = ['mkdocs', 'build', '--strict', '--quiet', '--site-dir', 'site']; cli()"
)
# The incremental generator run, also timing generate() inside the process (without start-up).
INCREMENTAL = (
    "import sys, time; sys.path.insert(0, '.'); t = time.perf_counter(); from kb.build import Project, generate; "
    "from pathlib import Path; r = generate(Project(Path('.').resolve())); "
    "print(f'{time.perf_counter() - t:.4f} {len(r.written)} {len(r.removed)}')"
)


@dataclass(frozen=True)
class Timed:
    """A finished process: wall seconds, peak RSS in MB, its standard output."""

    seconds: float
    rss_mb: float
    stdout: str


def timed(args: list[str], cwd: Path) -> Timed:
    """Run a command under /usr/bin/time; fail loudly if it fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out.name, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        seconds, kb = out.read().split()[-2:]
    return Timed(float(seconds), int(kb) / 1024, result.stdout)


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


def clean(folder: Path) -> None:
    """Remove the generated pages and the site: the next run starts from nothing."""
    for name in GENERATED:
        shutil.rmtree(folder / "docs" / name, ignore_errors=True)
    shutil.rmtree(folder / "site", ignore_errors=True)


def edit_one_source(folder: Path, run: int) -> None:
    """Change one sentence of one paragraph of the middle source, as an editor would."""
    sources = sorted((folder / "sources").glob("*.md"))
    path = sources[len(sources) // 2]
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n\n")
    first, rest = body.split("\n\n", 1) if "\n\n" in body else (body.rstrip("\n"), "")
    first = first.split(" [edited")[0] + f" [edited {run}]"
    path.write_text(head + sep + first + "\n\n" + rest, encoding="utf-8")


def site_figures(site: Path) -> dict[str, object]:
    """Output size, the largest HTML page, and what search downloads before its first result."""
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    # Pagefind, measured in Chromium: the heaviest of a few first queries (python benchmarks/search_bytes.py SITE).
    from search_bytes import measure as search_bytes

    first = max(search_bytes(site), key=lambda row: int(row["first_query_bytes"]))
    js_gz = int(first["first_query_code_bytes"])
    index_gz = int(first["first_query_bytes"]) - js_gz
    return {
        "site_bytes": sum(p.stat().st_size for p in files),
        "html_pages": len(pages),
        "largest_page": largest.relative_to(site).as_posix(),
        "largest_page_bytes": largest.stat().st_size,
        "pages_over_100kb": sum(1 for p in pages if p.stat().st_size > MAX_PAGE),
        "search_index_gz": index_gz,
        "search_js_gz": js_gz,
        "search_payload_gz": index_gz + js_gz,
    }


def measure(n: int, runs: int, seed: int, work: Path, log: bool = True) -> dict[str, object]:
    """Every figure for one collection size: medians over `runs`."""
    folder = work / f"n{n}"
    paragraphs = make_project(folder, n, seed)
    python = sys.executable
    samples: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)
        if log:
            print(f"  n={n} {name}={value:.3f}", file=sys.stderr, flush=True)

    for run in range(runs):
        clean(folder)
        gen = timed([python, "build_kb.py"], folder)  # clean docs/: every page written
        keep("gen_s", gen.seconds)
        keep("gen_rss_mb", gen.rss_mb)
        mk = timed([python, "-c", MKDOCS_ONLY], folder)  # docs generated; the generator stubbed out
        keep("mkdocs_s", mk.seconds)
        keep("mkdocs_rss_mb", mk.rss_mb)
        clean(folder)
        build = timed([python, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", "site"], folder)  # the whole build, hook included
        keep("build_s", build.seconds)
        keep("build_rss_mb", build.rss_mb)
        edit_one_source(folder, run)
        incr = timed([python, "-c", INCREMENTAL], folder)
        inner, written, removed = incr.stdout.split()
        keep("incr_s", incr.seconds)
        keep("incr_generate_s", float(inner))
        keep("incr_written", int(written) + int(removed))
    generated = sum(1 for name in GENERATED for p in (folder / "docs" / name).rglob("*") if p.is_file())
    row: dict[str, object] = {"n": n, "paragraphs": paragraphs, "generated_files": generated}
    row.update({name: round(statistics.median(values), 3) for name, values in samples.items()})
    row["incr_written"] = int(float(str(row["incr_written"])))
    row.update(site_figures(folder / "site"))
    return row


def machine() -> list[str]:
    """The machine the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "unknown")
    memory = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "unknown")
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return [
        f"- CPUs (`nproc`): {os.cpu_count()}; CPU: {cpu}",
        f"- Memory: {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- Load average when the report was written: {load} (other processes share the machine, so times are indicative)",
    ]


def table(rows: list[dict[str, object]]) -> list[str]:
    """The figures as a Markdown table."""
    head = ("N", "generator s", "gen RSS MB", "mkdocs s", "mkdocs RSS MB", "whole build s", "build RSS MB", "incremental s (in-process)",
            "files rewritten", "site MB", "largest page", "search gz KB")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "--:|" * len(head)]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['gen_s']} | {float(str(r['gen_rss_mb'])):.0f} | {r['mkdocs_s']} | {float(str(r['mkdocs_rss_mb'])):.0f} | {r['build_s']} "
            f"| {float(str(r['build_rss_mb'])):.0f} | {r['incr_s']} ({r['incr_generate_s']}) | {r['incr_written']} "
            f"| {int(str(r['site_bytes'])) / 1e6:.1f} | {r['largest_page']} ({int(str(r['largest_page_bytes'])) / 1000:.0f} KB) "
            f"| {int(str(r['search_payload_gz'])) / 1000:.0f} |"
        )
    return lines


def targets(rows: list[dict[str, object]]) -> list[str]:
    """Each target with the measured ratio and whether it is met."""
    by_n = {int(str(r["n"])): r for r in rows}

    def f(row: dict[str, object], key: str) -> float:
        return float(str(row[key]))

    out = ["| Target | Measured | Met |", "|---|---|---|"]
    for n, r in sorted(by_n.items()):
        share = f(r, "gen_s") / f(r, "mkdocs_s")
        out.append(f"| N={n}: generator ≤ {MAX_GEN_SHARE:.0%} of mkdocs build | {share:.1%} | {'yes' if share <= MAX_GEN_SHARE else 'no'} |")
    if 500 in by_n and 5000 in by_n:
        for key, label in (("gen_s", "generator"), ("build_s", "whole build")):
            growth = f(by_n[5000], key) / f(by_n[500], key)
            out.append(f"| {label} time(5000)/time(500) ≤ {MAX_GROWTH:g} | {growth:.1f} | {'yes' if growth <= MAX_GROWTH else 'no'} |")
    for n, r in sorted(by_n.items()):
        big = int(str(r["pages_over_100kb"]))
        largest = f"largest {r['largest_page']} {f(r, 'largest_page_bytes') / 1000:.0f} KB; {big} over"
        out.append(f"| N={n}: no page > 100 KB HTML | {largest} | {'yes' if big == 0 else 'no'} |")
    top = by_n.get(max(by_n)) if by_n else None
    if top is not None:
        n = int(str(top["n"]))
        out += [
            f"| N={n}: whole-build peak RSS < 1 GB | {f(top, 'build_rss_mb'):.0f} MB | {'yes' if f(top, 'build_rss_mb') < MAX_RSS_MB else 'no'} |",
            f"| N={n}: whole build < 2 min | {f(top, 'build_s'):.1f} s | {'yes' if f(top, 'build_s') < MAX_BUILD_S else 'no'} |",
            f"| N={n}: incremental after one edit < 1 s (process; generate() alone) | {f(top, 'incr_s'):.2f} s ({f(top, 'incr_generate_s'):.2f} s), "
            f"{top['incr_written']} files rewritten | {'yes' if f(top, 'incr_s') < MAX_INCR_S else 'no'} |",
            f"| N={n}: search first-result payload ≤ 300 KB gzipped | {f(top, 'search_payload_gz') / 1000:.0f} KB "
            f"(index {f(top, 'search_index_gz') / 1000:.0f} KB + scripts {f(top, 'search_js_gz') / 1000:.0f} KB) "
            f"| {'yes' if f(top, 'search_payload_gz') <= MAX_SEARCH else 'no'} |",
        ]
    return out


def read_csv(path: Path) -> list[dict[str, object]]:
    """Rows of an earlier run, to keep the sizes not measured this time."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle) if set(COLUMNS) <= set(row)]


def write_report(rows: list[dict[str, object]], csv_path: Path, md_path: Path, runs: int, seed: int) -> None:
    """results.csv and RESULTS.md; notes below the marker in an existing RESULTS.md are kept."""
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: r[k] for k in COLUMNS} for r in rows)
    notes = ""
    if md_path.exists() and NOTES_MARK in (old := md_path.read_text(encoding="utf-8")):
        notes = old.split(NOTES_MARK, 1)[1]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` (seed {seed}, median of {runs} run(s) per size; see results.csv for every column). "
        "Synthetic collections: the seed paragraphs reshuffled, 4–12 per article, dates 1995–2025 at year, month and day precision.",
        "",
        "- *generator*: `python build_kb.py` on an empty docs/ (every page written).",
        "- *mkdocs*: `mkdocs build --strict` with docs/ generated and the generator stubbed out of the pre-build hook: "
        "MkDocs, Material and the sanitiser alone.",
        "- *whole build*: `mkdocs build --strict` on an empty docs/ and site/, the hook generating every page.",
        "- *incremental*: `generate()` in a fresh process after one paragraph of one source changed; "
        "in brackets the time inside generate(), without start-up and imports.",
        "- *search gz*: what Chromium downloads from typing a query to its first results (the heaviest of "
        "`benchmarks/search_bytes.py`'s queries), gzipped at level 6: Pagefind's scripts and WebAssembly, "
        "then its index chunks, filters and the first results' fragments; a page view alone fetches none of it.",
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
    """Measure every size, print the table, write the CSV and the report."""
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,50,500,5000", help="comma-separated article counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=here / "work", help="scratch folder for the project copies")
    parser.add_argument("--csv", type=Path, default=here / "results.csv")
    parser.add_argument("--report", type=Path, default=here / "RESULTS.md")
    parser.add_argument("--fresh", action="store_true", help="drop rows of sizes not measured this time from the CSV")
    args = parser.parse_args(argv)
    if not Path("/usr/bin/time").exists():
        print("benchmarks need /usr/bin/time (Debian/Ubuntu: apt-get install -y time)", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = {int(str(r["n"])): r for r in ([] if args.fresh else read_csv(args.csv))}
    for n in sizes:
        rows[n] = measure(n, args.runs, args.seed, args.work)
        ordered = [rows[k] for k in sorted(rows)]
        write_report(ordered, args.csv, args.report, args.runs, args.seed)  # after each size, so a long run leaves what it has
    print("\n".join(table(ordered)))
    print()
    print("\n".join(targets(ordered)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
