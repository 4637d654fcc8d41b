"""sources/ holds only what is read: every other entry is one clear line, nothing blocks, nothing is followed out of the project."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kb.build import Project, generate
from kb.discover import find_sources
from kb.problems import InputError
from kb.sources import load_articles
from kb.taxonomy import load_taxonomy
from tests.conftest import copy_project
from tests.helpers import ROOT, TODAY

TAXONOMY = load_taxonomy(ROOT / "taxonomy.yml")
LIMIT = 1_000_000


def article(title: str) -> str:
    return f'---\ntitle: "{title}"\nauthors: ["A. Writer"]\npublisher: null\ndate: "2024-03-25"\n---\n\nA paragraph about {title} and Kishida.\n'


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a blocking open or an endless read is interrupted."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds}s: something blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def link(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.md").write_text(article("Inside"), encoding="utf-8")


def text(path: Path) -> None:
    path.write_text(article(path.name), encoding="utf-8")


def subfolder(path: Path) -> None:
    path.mkdir()
    (path / "draft.md").write_text(article("Draft"), encoding="utf-8")
    (path / "deeper").mkdir()
    (path / "deeper" / "older.markdown").write_text(article("Older"), encoding="utf-8")


# name, how to make it, "error"/"note"/"quiet", the start of its line(s) after `sources/`
CASES = [
    ("pipe.md", fifo, "error", ["pipe.md: file: is a named pipe (FIFO), not a regular file"]),
    ("zero.md", link("/dev/zero"), "error", ["zero.md: file: is a symbolic link (to '/dev/zero'), not read"]),
    ("outside.md", link("/etc/hostname"), "error", ["outside.md: file: is a symbolic link (to '/etc/hostname'), not read"]),
    ("dangling.md", link("no-such-file.md"), "error", ["dangling.md: file: is a symbolic link (to 'no-such-file.md'), not read"]),
    ("folder.md", folder, "error", ["folder.md: file: is a folder, not read"]),
    ("shout.MD", text, "error", ["shout.MD: file: not read: only names ending in lowercase `.md` are articles; rename it to 'shout.md'"]),
    ("long.markdown", text, "error", ["long.markdown: file: not read: only names ending in lowercase `.md` are articles; rename it to 'long.md'"]),
    ("spaced.md ", text, "error", ["spaced.md : file: the name begins or ends with a space, so it was not read; rename it to 'spaced.md'"]),
    ("drafts", subfolder, "error", ["drafts/deeper/older.markdown: file: is in a subfolder", "drafts/draft.md: file: is in a subfolder"]),
    (".#locked.md", link("writer@host.4242:1700000000"), "note", [".#locked.md: file: skipped: an editor's lock file"]),
    (".hidden.md", text, "note", [".hidden.md: file: skipped: a hidden file (the name starts with a dot); rename it to 'hidden.md'"]),
    ("notes.txt", text, "note", ["notes.txt: file: skipped: not an article"]),
    ("socket-pipe", fifo, "note", ["socket-pipe: file: skipped: not an article"]),
    ("good.md~", text, "note", ["good.md~: file: skipped: an editor's backup"]),
    ("images", lambda p: p.mkdir(), "note", ["images/: folder: skipped: a folder"]),
    (".gitkeep", text, "quiet", []),
]


def lines(problems: object) -> list[str]:
    return [p.format() for p in problems]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "make", "kind", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_entry_is_one_clear_line_and_nothing_blocks(tmp_path: Path, name: str, make: Callable[[Path], None], kind: str, expected: list[str]) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "2024-03-good.md").write_text(article("Good"), encoding="utf-8")
    make(sources / name)
    with deadline(20):
        found = find_sources(sources, LIMIT)
        if kind == "error":
            with pytest.raises(InputError) as caught:
                load_articles(sources, TAXONOMY, TODAY)
            got = lines(caught.value.problems)
        else:
            (good,) = load_articles(sources, TAXONOMY, TODAY)
            assert good.id == "2024-03-good"
            got = lines(found.skipped)
    assert [p.name for p in found.paths] == ["2024-03-good.md"]
    wanted = [f"sources/{e}" for e in expected]
    assert len(got) == len(wanted), got
    for line, start in zip(sorted(got), sorted(wanted), strict=True):
        assert line.startswith(start), (line, start)


def test_missing_sources_is_an_error_and_pages_stay(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    generate(Project(project), TODAY)
    pages = sorted((project / "docs" / "articles").glob("*.md"))
    assert len(pages) > 1
    os.rename(project / "sources", project / "sources-moved")
    with pytest.raises(InputError) as caught:
        generate(Project(project), TODAY)
    (line,) = lines(caught.value.problems)
    assert line.startswith("sources/: folder: missing: there is no folder")
    assert sorted((project / "docs" / "articles").glob("*.md")) == pages


def test_sources_folder_that_is_a_link_out_of_the_project_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2024-03-good.md").write_text(article("Good"), encoding="utf-8")
    (tmp_path / "sources").symlink_to(elsewhere)
    with pytest.raises(InputError) as caught:
        load_articles(tmp_path / "sources", TAXONOMY, TODAY)
    assert lines(caught.value.problems)[0].startswith("sources/: folder: is a symbolic link, not a folder inside the project")


def test_check_reports_every_entry_at_once_without_traceback_or_hang(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    sources = project / "sources"
    for name, make, _, _ in CASES:
        make(sources / name)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_kb.py"), "check"], cwd=project, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for _, _, _, expected in CASES:
        for start in expected:
            assert f"sources/{start}" in result.stderr, (start, result.stderr)
    assert result.stderr.count("\n") < 40, result.stderr


@pytest.mark.parametrize("name", ["taxonomy.yml", "entities.yml"])
@pytest.mark.parametrize("make", [fifo, link("/dev/zero")], ids=["fifo", "link-to-dev-zero"])
def test_a_data_file_that_is_not_a_regular_file_is_one_line_and_nothing_blocks(tmp_path: Path, name: str, make: Callable[[Path], None]) -> None:
    project = copy_project(tmp_path / "project")
    (project / name).unlink()
    make(project / name)
    with deadline(60), pytest.raises(InputError) as caught:
        generate(Project(project), TODAY)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [(p.path, p.field) for p in errors] == [(name, "file")], lines(caught.value.problems)
    assert "not a regular file" in errors[0].message or "symbolic link" in errors[0].message
