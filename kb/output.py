"""Pages -> files under docs/: only changed bytes are written, all or nothing, never through a link."""

from __future__ import annotations

import contextlib
import errno
import json
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kb import journal
from kb.pages import OWNED, Kept, Page
from kb.problems import InputError, Problem
from kb.safefs import Busy, Folder, Lock, UnsafePath, describe

LOCK = ".kb-lock"
# Temporary files of earlier versions of this writer, left by a killed run: ours to delete.
_LEGACY_TEMP = ".kb-tmp"

__all__ = ["OWNED", "OutputError", "Page", "WriteReport", "recover", "write_pages"]


class OutputError(InputError):
    """docs/ could not be written safely; it holds the previous pages (or the next run finishes the change)."""


@dataclass(frozen=True)
class WriteReport:
    """What a run changed under docs/."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    recovered: str | None = None  # what was done about a run that was killed mid-write


def write_pages(pages: Iterable[Page | Kept], docs: Path) -> WriteReport:
    """Make the generator's folders under `docs` hold exactly `pages`.

    Unchanged files are not touched (their mtime stays, so `mkdocs serve`
    rebuilds only what changed). Changes go through an undo journal
    (kb/journal.py), so a failure or a kill at any instant leaves the previous
    pages, or the next run completes the new ones. A Kept page's file is left
    as it is, unread: the caller checked it is as the last build wrote it. Files
    the generator did not write (no entry in docs/.kb-manifest.json) and links are never touched:
    the run stops and names them.
    """
    wanted: dict[str, str | None] = {}  # None: kept as it is
    for page in pages:
        path = _target(page.path)
        if path in wanted:  # two pages for one file: a clash of ids, never silently resolved
            raise ValueError(f"two generated pages share the path {page.path!r}")
        wanted[path] = page.content if isinstance(page, Page) else None
    with _locked(docs) as (folder, where):
        recovered = _guard(where, lambda: journal.recover(folder), "the next run will try again")
        return _write(folder, wanted, where, recovered)


def recover(docs: Path) -> str | None:
    """Finish or undo a run killed mid-write (write_pages does this first); say which, or None."""
    with _locked(docs) as (folder, where):
        return _guard(where, lambda: journal.recover(folder), "the next run will try again")


@contextlib.contextmanager
def _locked(docs: Path) -> Iterator[tuple[Folder, str]]:
    """docs/ opened without following links, with this process the only writer."""
    where = docs.name
    try:
        folder = Folder(docs, create=True)
    except UnsafePath as err:
        raise OutputError([_link_problem(where, err.what, "")]) from None
    except OSError as err:
        raise OutputError([os_problem(where, err)]) from None
    with folder:
        # The writer's own files are opened without following links; anything else planted there is refused by name.
        own = []
        for name in (LOCK, journal.NAME, journal.MANIFEST):
            mode = folder.kind((name,))
            if mode is not None and not stat.S_ISREG(mode):
                shown = f"{where}/{name}"
                own.append(_link_problem(shown, f"is {describe(mode)}", "") if stat.S_ISLNK(mode) else _other_problem(shown, mode))
        if own:
            raise OutputError(own)
        try:
            lock = Lock(folder, LOCK)
        except Busy as err:
            who = f"process {err.holder}" if err.holder else "another process"
            message = f"another build ({who}) is writing {where}/ right now; wait for it to finish, then run again"
            raise OutputError([Problem(f"{where}/{LOCK}", None, "lock", message)]) from None
        try:
            yield folder, where
        finally:
            lock.release()


def _write(folder: Folder, wanted: dict[str, str | None], where: str, recovered: str | None) -> WriteReport:
    manifest, current_text, problems = _manifest(folder, where)
    existing, problems = _scan(folder, where, wanted, manifest, problems)
    if problems:
        raise OutputError(problems)
    stale = tuple(sorted(p for p in existing if p not in wanted and (manifest is None or p in manifest or p.endswith(_LEGACY_TEMP))))
    new_text = json.dumps({"about": "Files the generator wrote; it deletes only these. Do not edit.", "files": sorted(wanted)}, indent=1) + "\n"

    writer: journal.Writer | None = None
    creates: list[str] = []
    dirs: list[str] = []
    encoded: dict[str, bytes] = {}  # the new bytes of every file to write, encoded once
    try:
        for path in sorted(wanted):
            size = existing.get(path)
            content = wanted[path]
            if content is None:
                if size is None:  # a kept file that vanished since it was looked at: the next run renders it
                    raise OutputError([Problem(f"{where}/{path}", None, "file", "disappeared while the generator ran; run again")])
                continue
            data = content.encode("utf-8")
            if size is None:
                creates.append(path)
                dirs += _missing_parents(folder, path, dirs)
                encoded[path] = data
                continue
            # Bytes of another length differ; bytes of the same length are compared. The old
            # ones go to the journal by a copy in the kernel, not through this process.
            if size == len(data) and folder.read(journal.parts(path)) == data:
                continue
            encoded[path] = data
            writer = writer or journal.Writer(folder)
            writer.keep_file(folder, path)
        if writer is None and not creates and not stale and new_text == current_text:
            return WriteReport((), (), len(wanted), recovered)
        writer = writer or journal.Writer(folder)
        plan = writer.seal(tuple(creates), stale, tuple(dirs), new_text)
    except BaseException as err:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):  # a torn journal left here is discarded by the next run
                journal.discard(folder)  # nothing was touched yet
        _translate(where, err)
        raise

    try:
        journal.apply(folder, plan, encoded)
        journal.commit(folder)
    except BaseException as err:
        _guard(where, lambda: journal.undo(folder, plan), "the next run restores the previous pages")
        _translate(where, err)
        raise
    _guard(where, lambda: journal.finish(folder, plan), "the new pages are in place; the next run finishes removing stale ones")
    written = tuple(sorted((*plan.creates, *(p for p, _, _ in plan.replaces))))
    return WriteReport(written, plan.deletes, len(wanted) - len(written), recovered)


def _translate(where: str, err: BaseException) -> None:
    """Raise the clear error for an OSError or a link met while writing (the previous pages are in place)."""
    if isinstance(err, UnsafePath):
        raise OutputError([_link_problem(f"{where}/{'/'.join(err.parts)}", err.what, "")]) from None
    if isinstance(err, OSError):
        raise OutputError([os_problem(where, err)]) from None


def _guard(where: str, step: Callable[[], object], after: str) -> str | None:
    """Run a recovery step; an OSError becomes a clear error saying what the next run will do."""
    try:
        result = step()
    except UnsafePath as err:
        raise OutputError([_link_problem(f"{where}/{'/'.join(err.parts)}", err.what, "")]) from None
    except journal.Foreign as err:
        message = f"{err}; nothing was changed: delete {where}/{journal.NAME} and run again"
        raise OutputError([Problem(f"{where}/{journal.NAME}", None, "journal", message)]) from None
    except OSError as err:
        raise OutputError([os_problem(where, err, after)]) from None
    return result if isinstance(result, str) else None


def _manifest(folder: Folder, where: str) -> tuple[set[str] | None, str | None, list[Problem]]:
    """The files the generator wrote before (None when there is no manifest yet), its text, and problems with it."""
    name = f"{where}/{journal.MANIFEST}"
    try:
        raw = folder.read((journal.MANIFEST,))
    except UnsafePath as err:
        return None, None, [_link_problem(name, err.what, "")]
    if raw is None:
        return None, None, []
    try:
        text = raw.decode("utf-8")
        files = json.loads(text)["files"]
        paths = {_target(p) for p in files if isinstance(p, str)}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        message = f"is not the generator's list of its files; delete {name} and run again (files at the paths of generated pages are then taken as generated)"
        return None, None, [Problem(name, None, "manifest", message)]
    return paths, text, []


def _scan(
    folder: Folder, where: str, wanted: dict[str, str | None], manifest: set[str] | None, problems: list[Problem]
) -> tuple[dict[str, int], list[Problem]]:
    """Regular files in the owned folders by path with their size; links, special files and files not ours are problems."""
    existing: dict[str, int] = {}
    for owned in OWNED:
        try:
            mode = folder.kind((owned,))
            if mode is None:
                continue
            if not stat.S_ISDIR(mode):
                shown = f"{where}/{owned}"
                problems.append(_link_problem(shown, f"is {describe(mode)}", "") if stat.S_ISLNK(mode) else _other_problem(shown, mode))
                continue
            entries = list(folder.walk((owned,)))
        except UnsafePath as err:
            problems.append(_link_problem(f"{where}/{'/'.join(err.parts)}", err.what, ""))
            continue
        for parts, mode, size in entries:
            path = "/".join(parts)
            shown = f"{where}/{path}"
            if stat.S_ISLNK(mode):
                problems.append(_link_problem(shown, "is a symbolic link", owned))
            elif stat.S_ISDIR(mode):
                if path in wanted:
                    message = f"is a folder where the generator writes the page {path}; move the folder out of {where}/{owned}/ and run again"
                    problems.append(Problem(shown, None, "folder", message))
            elif not stat.S_ISREG(mode):
                problems.append(_other_problem(shown, mode))
            elif path.endswith(_LEGACY_TEMP) or path in (wanted if manifest is None else manifest):
                existing[path] = size
            else:
                first = " (there is no record of generated files yet: if it is a page from an earlier build, delete it)" if manifest is None else ""
                message = (
                    f"was not written by the generator, and {where}/{owned}/ is the generator's folder (it rewrites and deletes files there); "
                    f"move the file out, e.g. to {where}/notes/, and run again{first}"
                )
                problems.append(Problem(shown, None, "file", message))
    for path in wanted:
        for depth in range(2, path.count("/") + 1):
            parent = "/".join(path.split("/")[:depth])
            if parent in existing:
                problems.append(Problem(f"{where}/{parent}", None, "file", f"is a file where the generator needs a folder for {path}; delete it and run again"))
    problems += _published_links(folder, where)
    return existing, problems


def _published_links(folder: Folder, where: str) -> list[Problem]:
    """Links among the hand-written files of docs/: MkDocs would publish whatever they point to, inside the project or not."""
    found = []
    entries: list[tuple[tuple[str, ...], int]] = []
    for name, kind, _ in folder.entries(()):
        if name not in OWNED:
            entries.append(((name,), kind))
            if stat.S_ISDIR(kind):
                entries += [(parts, mode) for parts, mode, _ in folder.walk((name,))]
    for parts, mode in entries:
        if stat.S_ISLNK(mode):
            shown = f"{where}/{'/'.join(parts)}"
            message = "is a symbolic link; MkDocs would publish whatever it points to, possibly outside the project: put the file itself here"
            found.append(Problem(shown, None, "link", message))
    return found


def _missing_parents(folder: Folder, path: str, planned: list[str]) -> list[str]:
    missing = []
    names = path.split("/")[:-1]
    for depth in range(1, len(names) + 1):
        directory = "/".join(names[:depth])
        if directory not in planned and directory not in missing and folder.kind(tuple(names[:depth])) is None:
            missing.append(directory)
    return missing


def _link_problem(shown: str, what: str, owned: str) -> Problem:
    inside = f" in {shown.split('/')[0]}/{owned}/" if owned else ""
    message = (
        f"{what}{inside}; the generator never writes or deletes through a link, so nothing was changed: "
        f"remove the link itself (`rm {shown}`, not `rm -r`) and run again"
    )
    return Problem(shown, None, "link", message)


def _other_problem(shown: str, mode: int) -> Problem:
    return Problem(shown, None, "file", f"is {describe(mode)}, where the generator expects only its own files; remove it and run again")


_WHY = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
_TODO = {
    errno.ENOSPC: "free some disk space and run again",
    errno.EDQUOT: "free some disk space and run again",
    errno.EROFS: "make the folder writable and run again",
    errno.EACCES: "make the folder writable (e.g. `chmod -R u+w docs`) and run again",
    errno.EPERM: "make the folder writable and run again",
}


def os_problem(where: str, err: OSError, state: str = "") -> Problem:
    """An operating-system error while writing `where`, with what it means for the output and what to do."""
    why = _WHY.get(err.errno or 0, err.strerror or str(err))
    todo = _TODO.get(err.errno or 0, "fix the cause and run again")
    state = state or f"{where}/ was left as it was (the previous pages are intact)"
    return Problem(f"{where}/", None, "write", f"{why}; {state}: {todo}")


def _target(relative: str) -> str:
    # Page paths come from ids already checked against [a-z0-9-]; this is the
    # second lock: nothing lands outside the generator's own folders.
    parts = relative.split("/")
    if len(parts) < 2 or parts[0] not in OWNED or any(not p or p[0] == "." for p in parts):
        raise ValueError(f"refusing to write {relative!r} outside the generated folders {OWNED}")
    return relative
