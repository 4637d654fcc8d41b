"""The command line as contributors meet it: clear messages, every problem at once, nothing written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.helpers import CASES, ROOT, run_cli, tree

SEVERAL = CASES / "bad_sources" / "several-bad-files"


def _with_bad_sources(project: Path) -> None:
    for bad in SEVERAL.glob("*.md"):
        shutil.copy(bad, project / "sources" / bad.name)


def test_check_passes_on_the_seed_collection(project_factory: Callable[..., Path]) -> None:
    result = run_cli("check", cwd=project_factory("cli-ok"))
    assert result.returncode == 0, result.stderr
    assert "5 sources are valid" in result.stdout


def test_check_reports_every_problem_without_traceback(project_factory: Callable[..., Path]) -> None:
    project = project_factory("cli-bad")
    _with_bad_sources(project)
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (SEVERAL / "expected.txt").read_text(encoding="utf-8")


def test_check_github_format_prints_annotations(project_factory: Callable[..., Path]) -> None:
    project = project_factory("cli-github")
    _with_bad_sources(project)
    result = run_cli("check", "--format", "github", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "::error file=sources/2024-one.md,line=5::date: month 13 does not exist, got '2024-13'",
        "::error file=sources/2024-two.md,line=3::authors: must be a list such as [\"A\", \"B\"], got 'Lee'",
        "::error file=sources/2024-two.md,line=6::themes: unknown theme 'abduction'; did you mean 'abductions'? (themes are defined in taxonomy.yml)",
    ]


def test_failed_build_writes_nothing(project_factory: Callable[..., Path]) -> None:
    project = project_factory("cli-nothing-written")
    assert run_cli("build", cwd=project).returncode == 0
    before = tree(project / "docs")
    stamps = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()}
    (project / "sources" / "2014-06-maslow-pragmatism-returns.md").write_text("no front matter\n", encoding="utf-8")
    _with_bad_sources(project)
    result = run_cli("build", cwd=project)
    assert result.returncode == 1
    assert "sources/2014-06-maslow-pragmatism-returns.md:1: front matter: missing" in result.stderr
    assert result.stderr.rstrip().endswith("Aborted with 4 errors in 3 files.")
    assert tree(project / "docs") == before
    assert stamps == {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()}


def test_broken_taxonomy_is_reported_with_its_file(project_factory: Callable[..., Path]) -> None:
    project = project_factory("cli-taxonomy")
    taxonomy = project / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("related: [", "related: [stockholm-agreemnt, ", 1), encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert re.search(r"^taxonomy\.yml:\d+: themes\.", result.stderr, re.MULTILINE)
    assert "did you mean 'stockholm-agreement'?" in result.stderr


def test_mkdocs_build_fails_cleanly_on_bad_sources(project_factory: Callable[..., Path]) -> None:
    from tests.conftest import mkdocs_build

    project = project_factory("cli-mkdocs-bad")
    _with_bad_sources(project)
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "sources/2024-two.md:3: authors: must be a list" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_buffered_output_is_not_lost_when_the_run_leaves_without_teardown(project_factory: Callable[..., Path]) -> None:
    # build_kb.py leaves by os._exit: what a pipe's block buffer still held must be flushed first.
    project = project_factory("cli-buffered")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for command, expected in (("check", "5 sources are valid"), ("build", "Generated pages under docs/")):
        result = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), command], cwd=project, env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
    _with_bad_sources(project)
    failed = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), "check"], cwd=project, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert failed.stderr.count("sources/") >= 2 and "Aborted with" in failed.stderr
