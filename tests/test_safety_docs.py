"""docs/ is never written or deleted through a link, hand-written files are kept, a full or read-only disk is a clear error."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import journal
from kb.output import OutputError, Page, write_pages
from kb.safefs import Folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (links as links) with the hash of its bytes or its target."""
    out = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[key] = "link -> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[key] = "folder"
    return out


def pages(version: str) -> list[Page]:
    return [
        Page("people/index.md", f"# People {version}\n"),
        Page("people/kim-jong-un.md", f"# Kim {version}\n"),
        Page("themes/index.md", f"# Themes {version}\n"),
        Page("articles/a.md", "# A\n"),
        *([Page("articles/b.md", "# B\n")] if version == "old" else []),
    ]


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder outside the project, with files the generator must never touch."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "index.md").write_text("someone else's page\n", encoding="utf-8")
    (folder / "stale.md").write_text("someone else's file the generator would call stale\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "photo.png").write_bytes(b"\x89PNG not ours")
    return folder


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    docs = tmp_path / "project" / "docs"
    write_pages(pages("old"), docs)
    return docs


def problems(caught: pytest.ExceptionInfo[OutputError]) -> list[str]:
    return [p.format() for p in caught.value.problems]


LINKS = ["people", "themes", "articles/a.md", "people/kim-jong-un.md", "explore", "articles/sub", ".kb-manifest.json", ".kb-lock", ".kb-journal"]


@pytest.mark.parametrize("link", LINKS)
def test_a_link_in_docs_to_outside_is_refused_and_outside_is_untouched(docs: Path, outside: Path, link: str) -> None:
    target = docs / link
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside if "." not in link else outside / "index.md")
    before_outside, before_docs = snapshot(outside), snapshot(docs)
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    (message,) = problems(caught)
    assert message.startswith(f"docs/{link}: link: is a symbolic link") and f"rm docs/{link}" in message, message
    assert snapshot(outside) == before_outside
    assert snapshot(docs) == before_docs


def test_a_link_among_hand_written_pages_is_refused_so_mkdocs_never_publishes_its_target(docs: Path, outside: Path) -> None:
    (docs / "assets").mkdir()
    (docs / "assets" / "secret.txt").symlink_to(outside / "index.md")
    (docs / "elsewhere").symlink_to(outside)
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    found = problems(caught)
    assert [m.split(": ")[0] for m in found] == ["docs/assets/secret.txt", "docs/elsewhere"]
    assert all("MkDocs would publish whatever it points to" in m for m in found)


def test_a_hard_link_to_a_page_keeps_its_bytes(docs: Path, outside: Path) -> None:
    """A `cp -al` backup shares the pages' files: pages are rewritten in place, but never a file with another name."""
    backup = outside / "backup-of-people-index.md"
    os.link(docs / "people" / "index.md", backup)
    before = backup.read_bytes()
    write_pages(pages("new"), docs)
    assert backup.read_bytes() == before
    assert (docs / "people" / "index.md").read_text(encoding="utf-8") == "# People new\n"


def test_a_planted_journal_never_acts_outside_the_owned_folders(docs: Path, outside: Path) -> None:
    """A journal committed by hand (git add -f) naming paths that climb out is not acted on."""
    before = snapshot(outside)
    with Folder(docs) as folder:
        writer = journal.Writer(folder)
        writer.keep("articles/../../../outside/index.md", b"overwritten")
        writer.seal(("../outside/new.md",), ("articles/../../../outside/stale.md", "people/../../../outside/sub/photo.png"), ("..",), "{}")
        journal.commit(folder)
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    assert problems(caught)[0].startswith("docs/.kb-journal: journal: names paths outside the generator's folders")
    assert snapshot(outside) == before
    (docs / journal.NAME).unlink()
    write_pages(pages("new"), docs)
    assert snapshot(outside) == before


def test_docs_itself_a_link_is_refused(tmp_path: Path, outside: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "docs").symlink_to(outside)
    before = snapshot(outside)
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), project / "docs")
    assert problems(caught)[0].startswith("docs: link: is a symbolic link")
    assert snapshot(outside) == before


def test_dangling_link_and_special_files_are_refused(docs: Path) -> None:
    (docs / "articles" / "ghost.md").symlink_to(docs / "nowhere")
    os.mkfifo(docs / "themes" / "pipe.md")
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    found = problems(caught)
    assert any(m.startswith("docs/articles/ghost.md: link: is a symbolic link") for m in found), found
    assert any(m.startswith("docs/themes/pipe.md: file: is a named pipe (FIFO)") for m in found), found
    assert (docs / "articles" / "b.md").exists(), "nothing was deleted"


def test_hand_written_files_in_owned_folders_are_kept_and_named(docs: Path) -> None:
    (docs / "themes" / "my-notes.md").write_text("# My notes\n", encoding="utf-8")
    (docs / "people" / "img").mkdir()
    (docs / "people" / "img" / "photo.png").write_bytes(b"\x89PNG")
    before = snapshot(docs)
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    found = problems(caught)
    assert len(found) == 2
    assert found[0].startswith("docs/people/img/photo.png: file: was not written by the generator")
    assert found[1].startswith("docs/themes/my-notes.md: file: was not written by the generator")
    assert all("move the file out" in m for m in found)
    assert snapshot(docs) == before, "nothing was written or deleted"
    (docs / "themes" / "my-notes.md").rename(docs / "my-notes.md")
    shutil.rmtree(docs / "people" / "img")
    report = write_pages(pages("new"), docs)
    assert report.removed == ("articles/b.md",)


def test_a_hand_written_file_at_a_generated_path_is_not_overwritten(docs: Path) -> None:
    (docs / "people" / "new-person.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_pages([*pages("new"), Page("people/new-person.md", "generated\n")], docs)
    assert problems(caught)[0].startswith("docs/people/new-person.md: file: was not written by the generator")
    assert (docs / "people" / "new-person.md").read_text(encoding="utf-8") == "mine\n"


def test_first_run_without_manifest_adopts_earlier_pages_and_keeps_the_rest(tmp_path: Path) -> None:
    """docs/ from a version without the manifest: pages at generated paths and that version's temp files are taken as generated."""
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "articles" / "a.md").write_text("an earlier build's page\n", encoding="utf-8")
    (docs / "articles" / ".a.md.kb-tmp").write_text("a temp file of a killed earlier build\n", encoding="utf-8")
    (docs / "themes").mkdir()
    (docs / "themes" / "my-notes.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    (message,) = problems(caught)
    assert message.startswith("docs/themes/my-notes.md: file: was not written by the generator") and "page from an earlier build, delete it" in message
    (docs / "themes" / "my-notes.md").unlink()
    report = write_pages(pages("new"), docs)
    assert "articles/a.md" in report.written and report.removed == ("articles/.a.md.kb-tmp",)
    assert (docs / "articles" / "a.md").read_text(encoding="utf-8") == "# A\n"
    assert sorted(__import__("json").loads((docs / journal.MANIFEST).read_text(encoding="utf-8"))["files"]) == sorted(p.path for p in pages("new"))


def test_a_broken_manifest_is_named(docs: Path) -> None:
    (docs / journal.MANIFEST).write_text('{"files": ["../../etc/passwd"]}', encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new"), docs)
    assert problems(caught)[0].startswith("docs/.kb-manifest.json: manifest: is not the generator's list")


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small RAM file system of its own (needs root), so the disk can really fill up or be read-only."""
    where.mkdir(parents=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, check=False).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def many(version: str, count: int = 200, size: int = 2000) -> list[Page]:
    return [Page(f"articles/{n:04d}.md", f"{version} {n}\n" * (size // 8)) for n in range(count) if not (version == "new" and n % 7 == 0)]


def test_full_disk_is_a_clear_error_and_leaves_old_pages(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        docs = disk / "docs"
        write_pages(many("old"), docs)
        old = snapshot(docs)
        filler = disk / "filler"
        outcomes = set()
        # Leave ever more room, so the disk fills while the journal is written, then while pages are.
        for room in range(0, 1_100_000, 50_000):
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            with open(filler, "wb") as handle:
                handle.truncate(0)
                with contextlib.suppress(OSError):
                    handle.write(b"\0" * max(0, free - room))
            try:
                write_pages(many("new", size=2600), docs)
            except OutputError as err:
                (problem,) = err.problems
                assert problem.format().startswith("docs/: write: no space left on device; docs/ was left as it was"), problem.format()
                assert snapshot(docs) == old
                outcomes.add("refused")
            else:
                outcomes.add("written")
                break
            finally:
                filler.unlink()
        assert "refused" in outcomes
        assert not (docs / journal.NAME).exists()
        write_pages(many("new", size=2600), docs)
        assert not (docs / journal.NAME).exists()


def test_read_only_docs_is_a_clear_error(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        docs = disk / "docs"
        write_pages(many("old", count=20), docs)
        old = snapshot(docs)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert write_pages(many("old", count=20), docs).written == (), "nothing to change: a read-only docs/ is fine"
        with pytest.raises(OutputError) as caught:
            write_pages(many("new", count=20), docs)
        assert problems(caught)[0].startswith("docs/: write: read-only file system; docs/ was left as it was")
        assert snapshot(docs) == old
