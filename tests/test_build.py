"""Whole-pipeline tests: golden output for a tiny collection, the real strict build, determinism, atomicity."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kb import output, safefs
from kb.build import Project, generate
from kb.site import build_site
from tests.conftest import mkdocs_build
from tests.helpers import CASES, TODAY, tree

GOLDEN = Path(__file__).resolve().parent / "golden" / "tiny"
TINY = CASES / "collections" / "tiny"


def test_tiny_collection_matches_golden_tree(project_factory: Callable[..., Path]) -> None:
    project = project_factory("tiny", sources=TINY)
    shutil.copy(CASES / "collections" / "tiny-entities.yml", project / "entities.yml")
    generate(Project(project), TODAY)
    produced = {k: v for k, v in tree(project / "docs").items() if k.split("/")[0] in output.OWNED}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in produced.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    expected = tree(GOLDEN)
    assert sorted(produced) == sorted(expected)
    for name in expected:
        assert produced[name].decode() == expected[name].decode(), f"{name} differs from tests/golden/tiny (UPDATE_GOLDEN=1 to accept)"


def test_seed_site_builds_strict_with_zero_warnings(project_factory: Callable[..., Path]) -> None:
    project = project_factory("strict")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    site = project / "site"
    admins = [p for p in (site / "administrations").iterdir() if p.is_dir()]
    themes = [p for p in (site / "themes").iterdir() if p.is_dir()]
    articles = [p for p in (site / "articles").iterdir() if p.is_dir()]
    assert {"koizumi", "abe", "fukuda", "suga", "kishida", "ishiba"} <= {p.name for p in admins}
    assert {"abductions", "stockholm-agreement", "liaison-offices", "summit-diplomacy"} <= {p.name for p in themes}
    assert len(articles) == 5
    for page in ("administrations", "themes", "articles", "explore/matrix", "explore/tags"):
        assert (site / page / "index.html").is_file(), page


def test_same_sources_give_byte_identical_sites(project_factory: Callable[..., Path]) -> None:
    first, second = project_factory("repro-a"), project_factory("repro-b")
    for project in (first, second):
        result = mkdocs_build(project)
        assert result.returncode == 0, result.stderr
    assert tree(first / "site") == tree(second / "site")
    assert tree(first / "docs") == tree(second / "docs")


def test_unchanged_pages_are_not_rewritten(project_factory: Callable[..., Path]) -> None:
    project = project_factory("incremental")
    generate(Project(project), TODAY)
    stamps = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")}
    report = generate(Project(project), TODAY)
    assert report.written == () and report.removed == ()
    assert stamps == {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")}


def test_edit_to_one_source_rewrites_only_affected_pages(project_factory: Callable[..., Path]) -> None:
    project = project_factory("one-edit")
    generate(Project(project), TODAY)
    source = project / "sources" / "2024-03-lee-japan-north-korea-dialogue.md"
    source.write_text(source.read_text(encoding="utf-8").replace("reactive diplomacy", "reactive  diplomacy, indeed,"), encoding="utf-8")
    report = generate(Project(project), TODAY)
    assert "articles/2024-03-lee-japan-north-korea-dialogue.md" in report.written
    assert not [p for p in report.written if p.startswith("articles/2014") or p.startswith("administrations/koizumi")]
    assert "administrations/ishiba.md" not in report.written


def test_removed_source_removes_its_page(project_factory: Callable[..., Path]) -> None:
    project = project_factory("removal")
    generate(Project(project), TODAY)
    (project / "sources" / "2014-06-maslow-pragmatism-returns.md").unlink()
    report = generate(Project(project), TODAY)
    assert "articles/2014-06-maslow-pragmatism-returns.md" in report.removed
    assert not (project / "docs" / "articles" / "2014-06-maslow-pragmatism-returns.md").exists()
    assert (project / "docs" / "index.md").exists(), "hand-written pages are never touched"


def test_failure_while_writing_leaves_previous_pages(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_factory("atomic-docs")
    generate(Project(project), TODAY)
    before = tree(project / "docs")
    (project / "sources" / "2014-06-maslow-pragmatism-returns.md").unlink()
    for source in (project / "sources").glob("*.md"):
        source.write_text(source.read_text(encoding="utf-8") + "\nA new closing paragraph on Kishida.\n", encoding="utf-8")
    calls = {"n": 0}

    def full_disk(what: str) -> None:  # the disk fills up on the third page written
        if what.startswith("write ") and not what.endswith(".kb-journal"):
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(28, "No space left on device")

    monkeypatch.setattr(safefs, "FAULT", full_disk)
    with pytest.raises(output.OutputError) as caught:
        generate(Project(project), TODAY)
    assert "no space left on device" in caught.value.problems[0].message
    monkeypatch.undo()
    assert tree(project / "docs") == before


def test_failed_site_build_leaves_previous_site(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_factory("atomic-site")
    monkeypatch.chdir(project)
    assert build_site(Project(project)) == 0
    before = tree(project / "site")
    (project / "docs" / "broken.md").write_text("[a link to nowhere](missing.md)\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    broken_nav = config.read_text(encoding="utf-8").replace("  - Tags: explore/tags.md", "  - Tags: explore/tags.md\n  - Broken: broken.md")
    config.write_text(broken_nav, encoding="utf-8")
    assert build_site(Project(project)) != 0
    assert tree(project / "site") == before


def test_generated_paths_never_leave_owned_folders(tmp_path: Path) -> None:
    for bad in ("../outside.md", "articles/../../x.md", "index.md", "articles/.hidden.md", "/etc/passwd"):
        with pytest.raises(ValueError):
            output.write_pages([output.Page(bad, "x")], tmp_path)
    assert not any(tmp_path.parent.glob("outside.md"))



def test_two_pages_for_one_path_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="share the path"):
        output.write_pages([output.Page("themes/index.md", "a"), output.Page("themes/index.md", "b")], tmp_path)
    assert not (tmp_path / "themes").exists()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare to cut the network")
def test_site_builds_without_any_network(project_factory: Callable[..., Path]) -> None:
    project = project_factory("offline")
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("this machine does not allow a process without network (unshare --net)")
    result = subprocess.run(
        ["unshare", "--net", sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (project / "site" / "index.html").is_file()
