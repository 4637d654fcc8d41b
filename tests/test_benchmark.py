"""The benchmark keeps working (one small run, timings not asserted), and its "MkDocs alone" baseline really leaves the generator out."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import tree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402

pytestmark = pytest.mark.slow
NUMERIC = ("paragraphs", "generated_files", "gen_cold_s", "whole_cold_s", "whole_cold_gen_s", "share_cold", "whole_warm_s",
           "whole_warm_gen_s", "share_warm", "mkdocs_alone_s", "whole_over_alone", "peak_mb", "edit_process_s", "edit_in_process_s",
           "edit_memory_s", "edit_hits", "edit_misses", "edit_written", "preview_s", "preview_builds", "html_pages", "largest_page_bytes",
           "gen_cold_cpu_s", "whole_cold_cpu_s", "whole_cold_gen_cpu_s", "mkdocs_alone_cpu_s", "edit_in_process_cpu_s", "edit_process_cpu_s",
           "whole_kept_s", "whole_kept_gen_s", "share_kept", "edit_first_s", "preview_second_s")  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], str]:
    """Rows of results.csv and the text of RESULTS.md from a run at N=5 with one run."""
    out = tmp_path_factory.mktemp("benchmark")
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "5", "--runs", "1", "--preview-timeout", "300",
               "--work", str(out / "work"), "--csv", str(out / "results.csv"), "--report", str(out / "RESULTS.md")]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    with (out / "results.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows, (out / "RESULTS.md").read_text(encoding="utf-8")


def test_csv_has_one_row_per_size_with_every_column(results: tuple[list[dict[str, str]], str]) -> None:
    rows, _ = results
    assert [row["n"] for row in rows] == ["5"]
    assert tuple(rows[0]) == run.COLUMNS


@pytest.mark.parametrize("column", NUMERIC)
def test_measured_figure_is_positive(results: tuple[list[dict[str, str]], str], column: str) -> None:
    assert float(results[0][0][column]) > 0


def test_the_edit_is_one_cache_miss_and_one_build_in_the_preview(results: tuple[list[dict[str, str]], str]) -> None:
    row = results[0][0]
    assert (int(row["edit_hits"]), int(row["edit_misses"])) == (4, 1)
    assert int(row["edit_written"]) >= 1
    assert int(row["preview_builds"]) == 1


def test_report_has_machine_figures_and_targets(results: tuple[list[dict[str, str]], str]) -> None:
    report = results[1]
    for heading in ("## Machine", "## Figures", "## Targets"):
        assert heading in report
    assert "| 5 |" in report


def _harness(project: Path, *args: str) -> dict[str, object]:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "harness.py"), *args], cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_mkdocs_alone_leaves_docs_untouched_and_the_timed_build_does_not(tmp_path: Path) -> None:
    project = tmp_path / "project"
    run.make_project(project, 4, seed=3)
    subprocess.run([sys.executable, "build_kb.py"], cwd=project, check=True, capture_output=True)
    docs = project / "docs"

    def state() -> dict[str, tuple[bytes, int]]:
        return {name: (data, (docs / name).stat().st_mtime_ns) for name, data in tree(docs).items()}

    before = state()
    # A source changed: a generator that still ran in the hook would rewrite its page.
    source = run.middle_source(project)
    source.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n\nA paragraph only the generator would publish.\n", encoding="utf-8")
    stub = _harness(project, "mkdocs", "stub")
    # The hook called every generator function, each of them a stub.
    assert stub["calls"] == {"check": 1, "publish": 1, "forget": 1, "source_date_epoch": 1}
    assert (project / "site" / "index.html").exists()
    assert state() == before
    timed = _harness(project, "mkdocs", "timed")
    assert float(str(timed["generator_s"])) > 0
    assert timed["calls"] == stub["calls"]  # the timed build counts the same calls as the generator's time
    assert state() != before
    assert "A paragraph only the generator would publish." in (docs / "articles" / f"{source.stem}.md").read_text(encoding="utf-8")
