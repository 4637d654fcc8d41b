"""Growth: a copy of the repository plus one new valid article passes the pull-request checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import mkdocs_build
from tests.helpers import ROOT, run_cli

sys.path.insert(0, str(ROOT / "tools"))
from check_growth import ARTICLE, Step, add_contribution, copy_tracked, pull_request_steps, run_steps, tracked_files

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="copies the files git tracks: needs git and a clone"
)
# What a test pinning today's collection looks like (the suite once held several).
PINNED = 'from pathlib import Path\n\n\ndef test_pinned() -> None:\n    assert len(list(Path("sources").glob("*.md"))) == {count}\n'


def _sources(project: Path) -> int:
    """How many articles a copy holds (the tracked ones: a new file not yet added to git is not in the copy)."""
    return len(list((project / "sources").glob("*.md")))


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (ROOT / "sources" / ARTICLE.name).exists():
        pytest.skip("this tree is itself a grown copy: the new article is already in sources/")
    return add_contribution(copy_tracked(ROOT, tmp_path_factory.mktemp("grown") / "repo"))


def test_live_tree_is_valid(tmp_path: Path) -> None:
    # What a test may say of the live collection: it is valid (the strict build is the grown copy's, below).
    live = copy_tracked(ROOT, tmp_path / "live")
    result = run_cli("check", cwd=live)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"OK: taxonomy.yml and {_sources(live)} sources are valid.\n"


def test_grown_copy_passes_check_with_one_more_source(grown: Path) -> None:
    result = run_cli("check", cwd=grown)
    assert result.returncode == 0, result.stderr
    assert _sources(grown) == len([n for n in tracked_files(ROOT) if n.startswith("sources/") and n.endswith(".md")]) + 1
    assert result.stdout.startswith(f"OK: taxonomy.yml and {_sources(grown)} sources are valid.\n")


@pytest.mark.slow
def test_grown_copy_builds_strict_with_the_new_article_and_author(grown: Path) -> None:
    result = mkdocs_build(grown)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    page = (grown / "site" / "articles" / ARTICLE.stem / "index.html").read_text(encoding="utf-8")
    assert "the abduction issue would remain the first item" in page
    assert (grown / "site" / "people" / "haruka-okada" / "index.html").is_file()


def test_steps_are_those_of_the_checks_workflow() -> None:
    commands = [" ".join(step.words[1:]) for step in pull_request_steps(ROOT)]
    assert "build_kb.py check --format github" in commands
    assert "-m pytest" in commands
    assert "-m mkdocs build --strict" in commands
    assert not [c for c in commands if "pip" in c]
    assert [s.words[-2:] for s in pull_request_steps(ROOT, skip_browser=True) if "pytest" in s.words] == [("-m", "not browser")]


def test_a_test_pinning_the_live_collection_fails_on_the_grown_copy(tmp_path: Path) -> None:
    pinned = Step("Test", (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_pinned_example.py"))
    plain = copy_tracked(ROOT, tmp_path / "plain")
    (plain / "tests" / "test_pinned_example.py").write_text(PINNED.format(count=_sources(plain)), encoding="utf-8")
    assert run_steps(plain, [pinned]) == []  # it passes on today's tree...
    if (ROOT / "sources" / ARTICLE.name).exists():
        pytest.skip("this tree is itself a grown copy")
    assert run_steps(add_contribution(plain), [pinned]) == ["Test"]  # ...and fails once one article is added


def test_the_new_article_is_refused_twice(tmp_path: Path) -> None:
    project = copy_tracked(ROOT, tmp_path / "twice")
    if not (project / "sources" / ARTICLE.name).exists():
        add_contribution(project)
    with pytest.raises(FileExistsError):
        add_contribution(project)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("target", "npm"), [("serve", False), ("build", False), ("site", False), ("check", False), ("test", True)])
def test_only_the_tests_need_npm(tmp_path: Path, target: str, npm: bool) -> None:
    # A dry run on a fresh copy (no .venv, no node_modules): the commands each target would run.
    fresh = copy_tracked(ROOT, tmp_path / "fresh")
    (fresh / "node_modules").unlink(missing_ok=True)  # the copy's link to this clone's npm packages
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # not a sub-make of `make test`
    plan = subprocess.run(["make", "-n", target], cwd=fresh, env=env, capture_output=True, text=True, check=True).stdout
    assert "pip install" in plan
    assert ("npm ci" in plan) is npm
