"""The files of sources/: which are articles, which are skipped and why; read without following links or blocking.

Every entry of sources/ is accounted for. Read: regular files `sources/<name>.md`.
Errors (the run stops): a missing sources/ folder; `*.md` entries that are links,
folders, pipes or devices; article-like names that would otherwise be skipped
unseen (`.MD`, `.markdown`, a name ending in a space, a `.md` file in a
subfolder); files over the size limit. Notes (skipped, the run goes on):
editor lock and backup files, hidden `*.md` files, other files and folders.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kb.problems import Problem
from kb.safefs import describe, read_all

# Markdown spellings that are not `.md`: a contributor's file under one of these
# names would silently not be an article.
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext")
# Hidden names that are folder housekeeping, skipped without a note.
_QUIET = (".gitkeep", ".gitignore", ".gitattributes", ".keep", ".DS_Store")
# The taxonomy and the entities are data files a contributor edits: a few hundred KB at most.
MAX_DATA_BYTES = 5_000_000

_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

notes = logging.getLogger("kb.notes")


@dataclass(frozen=True)
class Found:
    """What sources/ holds: the articles to read, the errors, and the files skipped on purpose."""

    paths: tuple[Path, ...]
    problems: tuple[Problem, ...]
    skipped: tuple[Problem, ...]


class Unreadable(Exception):
    """A source that is not a regular file, or too large, when it is opened."""


def find_sources(directory: Path, max_bytes: int) -> Found:
    """Sort every entry of `directory` into articles, errors and notes; links are never followed."""
    shown = directory.name
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        message = f"missing: there is no folder {directory}; run from the project folder (or give --root), or create {shown}/ holding {shown}/<id>.md"
        return Found((), (Problem(f"{shown}/", None, "folder", message),), ())
    if not stat.S_ISDIR(info.st_mode):
        message = f"is {describe(info.st_mode)}, not a folder inside the project; make {shown}/ a real folder holding the articles"
        return Found((), (Problem(f"{shown}/", None, "folder", message),), ())
    paths: list[Path] = []
    problems: list[Problem] = []
    skipped: list[Problem] = []
    with os.scandir(directory) as listing:
        entries = sorted((entry.name, entry.stat(follow_symlinks=False).st_mode, entry.stat(follow_symlinks=False).st_size) for entry in listing)
    for name, mode, size in entries:
        where = f"{shown}/{name}"
        verdict = _sort(directory, name, mode, size, max_bytes)
        if verdict is None:
            paths.append(directory / name)
        elif verdict[0] == "error":
            problems.append(Problem(where, None, "file", verdict[1]))
        elif verdict[0] == "note":
            skipped.append(Problem(where, None, "file", verdict[1]))
        elif verdict[0] == "folder":
            problems += _subfolder(directory / name, f"{where}/", skipped)
    for note in skipped:
        notes.warning(note.format(), extra={"problem": note})
    return Found(tuple(paths), tuple(problems), tuple(skipped))


def _sort(directory: Path, name: str, mode: int, size: int, max_bytes: int) -> tuple[str, str] | None:
    """None for an article to read, else ("error" | "note" | "folder", message)."""
    lower = name.lower()
    if name.startswith(".#"):
        return "note", "skipped: an editor's lock file (the article is open in Emacs); it goes away when the editor saves or closes it"
    if name.startswith("."):
        if name in _QUIET:
            return "quiet", ""
        if lower.endswith(_MARKDOWN):
            return "note", f"skipped: a hidden file (the name starts with a dot); rename it to {name.lstrip('.')!r} to make it an article"
        return "note", "skipped: a hidden file, not an article"
    if name.endswith(".md"):
        if stat.S_ISREG(mode):
            if size > max_bytes:
                return "error", f"is {size:,} bytes, more than the {max_bytes:,} allowed; is this really one article?"
            return None
        if stat.S_ISLNK(mode):
            target = os.readlink(directory / name)
            return "error", f"is a symbolic link (to {target!r}), not read: only regular files inside {directory.name}/ are read; put the file itself here"
        if stat.S_ISDIR(mode):
            return "error", f"is a folder, not read: an article is one file {directory.name}/<id>.md; move the files out of it"
        return "error", f"is {describe(mode)}, not a regular file, so it was not read; remove it"
    stripped = name.strip()
    if stripped != name and stripped.lower().endswith(_MARKDOWN):
        return "error", f"the name begins or ends with a space, so it was not read; rename it to {_md(stripped)!r}"
    if lower.endswith(_MARKDOWN):
        return "error", f"not read: only names ending in lowercase `.md` are articles; rename it to {_md(name)!r}"
    if stat.S_ISDIR(mode):
        return "folder", ""
    if name.endswith("~") or (name.startswith("#") and name.endswith("#")):
        return "note", "skipped: an editor's backup or autosave file, not an article"
    if stat.S_ISLNK(mode):
        return "note", "skipped: a symbolic link, not an article (links are never followed)"
    return "note", f"skipped: not an article (only {directory.name}/*.md files are read)"


def _md(name: str) -> str:
    stem = name
    for suffix in _MARKDOWN:
        if name.lower().endswith(suffix):
            stem = name[: -len(suffix)]
            break
    return stem + ".md"


def _subfolder(folder: Path, shown: str, skipped: list[Problem]) -> list[Problem]:
    """Each article-like file below a subfolder is an error (it would be skipped unseen); a folder without any is a note."""
    problems: list[Problem] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(_MARKDOWN) and not name.startswith("."):
                path = Path(top, name)
                relative = path.relative_to(folder.parent).as_posix()
                top_name = folder.parent.name
                message = f"is in a subfolder, so it was not read: articles are read only from {top_name}/ itself; move it to {top_name}/{_md(name)}"
                problems.append(Problem(f"{folder.parent.name}/{relative}", None, "file", message))
    if not problems:
        skipped.append(Problem(shown, None, "folder", f"skipped: a folder (articles are read only from {folder.parent.name}/ itself, not from subfolders)"))
    return problems


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file (not a link) of at most `max_bytes`; else Unreadable. Never blocks."""
    return read_regular_as_found(path, max_bytes)[0]


def read_regular_as_found(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """read_regular(), with what fstat said of the file just before its bytes were read."""
    try:
        fd = os.open(path, _READ)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise Unreadable("is a symbolic link, not read: put the file itself here") from None
        raise Unreadable(f"cannot be read ({err.strerror}); check the file's permissions") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"is {describe(info.st_mode)}, not a regular file, so it was not read; remove it")
        data = read_all(fd, max_bytes + 1)
        if len(data) > max_bytes:
            raise Unreadable(f"is more than the {max_bytes:,} bytes allowed; is this really one article?")
        return data, info
    finally:
        os.close(fd)
