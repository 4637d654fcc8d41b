"""The benchmark keeps working: one small run writes a CSV and a report with every column (timings not asserted)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMERIC = ("paragraphs", "gen_s", "gen_rss_mb", "mkdocs_s", "mkdocs_rss_mb", "build_s", "build_rss_mb", "incr_s",
           "incr_generate_s", "generated_files", "site_bytes", "html_pages", "largest_page_bytes", "search_index_gz",
           "search_js_gz", "search_payload_gz")  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("time", path="/usr/bin") is None, reason="the benchmark measures with /usr/bin/time"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], str]:
    """Rows of results.csv and the text of RESULTS.md from a run at N=5 with one run."""
    out = tmp_path_factory.mktemp("benchmark")
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "5", "--runs", "1",
               "--work", str(out / "work"), "--csv", str(out / "results.csv"), "--report", str(out / "RESULTS.md")]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    with (out / "results.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows, (out / "RESULTS.md").read_text(encoding="utf-8")


def test_csv_has_one_row_per_size_with_every_column(results: tuple[list[dict[str, str]], str]) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import COLUMNS

    rows, _ = results
    assert [row["n"] for row in rows] == ["5"]
    assert tuple(rows[0]) == COLUMNS


@pytest.mark.parametrize("column", NUMERIC)
def test_measured_figure_is_positive(results: tuple[list[dict[str, str]], str], column: str) -> None:
    assert float(results[0][0][column]) > 0


def test_incremental_run_rewrites_the_edited_article(results: tuple[list[dict[str, str]], str]) -> None:
    assert int(results[0][0]["incr_written"]) >= 1


def test_largest_page_names_an_html_file(results: tuple[list[dict[str, str]], str]) -> None:
    assert results[0][0]["largest_page"].endswith(".html")


def test_report_has_machine_figures_and_targets(results: tuple[list[dict[str, str]], str]) -> None:
    report = results[1]
    for heading in ("## Machine", "## Figures", "## Targets"):
        assert heading in report
    assert "| 5 |" in report
