"""Pages -> files under docs/: only changed bytes are written, all or nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kb.pages import OWNED, Page


@dataclass(frozen=True)
class WriteReport:
    """What a run changed under docs/."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


def write_pages(pages: Iterable[Page], docs: Path) -> WriteReport:
    """Make the generator's folders under `docs` hold exactly `pages`.

    Unchanged files are not touched (their mtime stays, so `mkdocs serve`
    rebuilds only what changed). New bytes go to temporary files first and
    are renamed into place only once all of them are written, so a failure
    leaves the previous pages as they were.
    """
    wanted: dict[Path, str] = {}
    for page in pages:
        target = _target(docs, page.path)
        if target in wanted:  # two pages for one file: a clash of ids, never silently resolved
            raise ValueError(f"two generated pages share the path {page.path!r}")
        wanted[target] = page.content
    stale = sorted(path for folder in OWNED for path in _files(docs / folder) if path not in wanted)

    # One page's bytes at a time: a large collection's pages would otherwise sit in memory twice.
    changed: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path in sorted(wanted):
            data = wanted[path].encode("utf-8")
            if _current(path) == data:
                continue
            changed.append(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.kb-tmp")
            temp.write_bytes(data)
            staged.append((temp, path))
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, path in staged:
        os.replace(temp, path)
    for path in stale:
        path.unlink()
    for folder in OWNED:
        _prune_empty(docs / folder)
    written = tuple(p.relative_to(docs).as_posix() for p in changed)
    removed = tuple(p.relative_to(docs).as_posix() for p in stale)
    return WriteReport(written, removed, len(wanted) - len(changed))


def _target(docs: Path, relative: str) -> Path:
    # Page paths come from ids already checked against [a-z0-9-]; this is the
    # second lock: nothing lands outside the generator's own folders.
    parts = PurePosixPath(relative).parts
    if len(parts) < 2 or parts[0] not in OWNED or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise ValueError(f"refusing to write {relative!r} outside the generated folders {OWNED}")
    return docs.joinpath(*parts)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _prune_empty(folder: Path) -> None:
    if folder.is_dir():
        for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(sub.iterdir()):
                sub.rmdir()
