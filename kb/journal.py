"""The undo journal that makes one run's changes to docs/ all or nothing, even across `kill -9`.

A run first writes `.kb-journal`: the old bytes of every file it will overwrite,
then a header (files to create, overwrite and delete, the new manifest) and a
footer with the header's checksum. Only then does it touch pages, in place,
without a temporary file per page. Then it appends `COMMIT`, deletes stale
pages, writes the manifest and removes the journal. On start, a journal
without its footer is discarded (nothing was touched yet), one with a footer
but no `COMMIT` is rolled back (created files removed, overwritten ones given
back their old bytes) and a committed one is rolled forward (deletions and
manifest finished). Each step is idempotent, so a kill during recovery is
recovered by the next run too.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass

from kb.pages import OWNED
from kb.safefs import Folder, Parts, change

NAME = ".kb-journal"
MANIFEST = ".kb-manifest.json"
_MAGIC = b"KBJ1"
_COMMIT = b"COMMIT\n"
_FOOTER = len(_MAGIC) + 1 + 20 + 1 + 20 + 1 + 64 + 1


@dataclass(frozen=True)
class Plan:
    """What one run changes, as paths relative to docs/ (POSIX)."""

    creates: tuple[str, ...]
    replaces: tuple[tuple[str, int, int], ...]  # path, offset and length of its old bytes in the journal
    deletes: tuple[str, ...]
    dirs: tuple[str, ...]  # folders to create, parents first
    manifest: str


def parts(path: str) -> Parts:
    """A stored POSIX path as the name tuple Folder takes."""
    return tuple(path.split("/"))


class Writer:
    """Streams old bytes into a new journal, then seals it with the plan."""

    def __init__(self, folder: Folder) -> None:
        self.offset = 0
        self.replaces: list[tuple[str, int, int]] = []
        change(f"open {NAME}")
        self.fd = os.open(NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=folder.dir_fd(()))

    def _write(self, data: bytes) -> None:
        change(f"write {NAME}")
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def keep(self, path: str, old: bytes) -> None:
        """Record these bytes as the old ones of a file about to be overwritten (the writer copies them with keep_file)."""
        if old:
            self._write(old)
        self._kept(path, len(old))

    def keep_file(self, folder: Folder, path: str) -> None:
        """Record the old bytes of a file about to be overwritten, copied from the file itself (a large page is not read into memory)."""
        change(f"write {NAME}")
        self._kept(path, folder.copy_to(parts(path), self.fd) or 0)

    def _kept(self, path: str, length: int) -> None:
        self.replaces.append((path, self.offset, length))
        self.offset += length

    def seal(self, creates: tuple[str, ...], deletes: tuple[str, ...], dirs: tuple[str, ...], manifest: str) -> Plan:
        """Write the header and footer: from here on the run can be rolled back."""
        plan = Plan(creates, tuple(self.replaces), deletes, dirs, manifest)
        header = json.dumps(plan.__dict__, ensure_ascii=False, sort_keys=True).encode("utf-8")
        footer = b"%s %020d %020d %s\n" % (_MAGIC, self.offset, len(header), hashlib.sha256(header).hexdigest().encode())
        self._write(header + footer)
        self.close()
        return plan

    def close(self) -> None:
        """Close the journal (it stays on disk)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def commit(folder: Folder) -> None:
    """Mark the journal committed: from here on the run is rolled forward."""
    folder.append((NAME,), _COMMIT)


def read(folder: Folder) -> tuple[Plan, bool] | None:
    """The plan of a sealed journal and whether it was committed; None when there is none or it is torn."""
    fd_dir = folder.dir_fd(())
    try:
        fd = os.open(NAME, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd_dir)
    except FileNotFoundError:
        return None
    try:
        size = os.fstat(fd).st_size
        committed = size >= _FOOTER + len(_COMMIT) and os.pread(fd, len(_COMMIT), size - len(_COMMIT)) == _COMMIT
        end = size - len(_COMMIT) if committed else size
        if end < _FOOTER:
            return None
        footer = os.pread(fd, _FOOTER, end - _FOOTER)
        fields = footer.split()
        if len(fields) != 4 or fields[0] != _MAGIC or not fields[1].isdigit() or not fields[2].isdigit():
            return None
        payload, length = int(fields[1]), int(fields[2])
        if payload + length + _FOOTER != end:
            return None
        header = os.pread(fd, length, payload)
        if hashlib.sha256(header).hexdigest().encode() != fields[3]:
            return None
        data = json.loads(header)
        plan = Plan(
            tuple(data["creates"]),
            tuple((p, o, n) for p, o, n in data["replaces"]),
            tuple(data["deletes"]),
            tuple(data["dirs"]),
            data["manifest"],
        )
        files = (*plan.creates, *(p for p, _, _ in plan.replaces), *plan.deletes)
        if not all(_owned(path, 2) for path in files) or not all(_owned(path, 1) for path in plan.dirs):
            raise Foreign("names paths outside the generator's folders, so this writer did not write it")
        return plan, committed
    finally:
        os.close(fd)


def old_bytes(folder: Folder, offset: int, length: int) -> bytes:
    """The old bytes of an overwritten file, from the journal."""
    fd = os.open(NAME, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder.dir_fd(()))
    try:
        return os.pread(fd, length, offset) if length else b""
    finally:
        os.close(fd)


def apply(folder: Folder, plan: Plan, pages: dict[str, bytes]) -> None:
    """Create and overwrite the pages of a sealed plan (the part that can be rolled back)."""
    for directory in plan.dirs:
        folder.dir_fd(parts(directory), create=True)
    for path in plan.creates:
        folder.write(parts(path), pages[path])
    for path, _, _ in plan.replaces:
        name = parts(path)
        if folder.links(name) > 1:  # a hard link (a `cp -al` backup, say) shares it: the page gets a file of its own
            folder.unlink(name)
        folder.write(name, pages[path])


def finish(folder: Folder, plan: Plan) -> None:
    """Roll a committed plan forward: write the manifest, delete stale pages and their emptied folders, drop the journal."""
    # The manifest first: it is the one step here that needs disk space.
    folder.write((MANIFEST,), plan.manifest.encode("utf-8"))
    for path in plan.deletes:
        folder.unlink(parts(path))
    for path in plan.deletes:
        _prune(folder, parts(path)[:-1])
    folder.unlink((NAME,))


def undo(folder: Folder, plan: Plan) -> None:
    """Roll a sealed, uncommitted plan back: docs/ returns to the state before the run."""
    for path in plan.creates:
        folder.unlink(parts(path))
    for path, offset, length in plan.replaces:
        old = old_bytes(folder, offset, length)
        if folder.read(parts(path)) != old:  # untouched files keep their mtime
            folder.write(parts(path), old)
    for directory in reversed(plan.dirs):
        folder.rmdir_if_empty(parts(directory))
    folder.unlink((NAME,))


def discard(folder: Folder) -> None:
    """Remove a torn journal (a run killed before it touched any page)."""
    folder.unlink((NAME,))


def recover(folder: Folder) -> str | None:
    """Finish or undo whatever a killed run left; say which, or None when there was nothing to do."""
    kind = folder.kind((NAME,))
    if kind is None:
        return None
    found = read(folder)
    if found is None:
        discard(folder)
        return "discarded"
    plan, committed = found
    if committed:
        finish(folder, plan)
        return "rolled forward"
    undo(folder, plan)
    return "rolled back"


class Foreign(Exception):
    """A sealed journal this writer would never have written: it is not acted on."""


def _owned(path: object, depth: int) -> bool:
    names = path.split("/") if isinstance(path, str) else []
    return len(names) >= depth and names[0] in OWNED and all(n not in ("", ".", "..") for n in names)


def _prune(folder: Folder, directory: Parts) -> None:
    # Stop below the owned folder itself (docs/<owned>/ stays even when empty).
    while len(directory) > 1 and folder.kind(directory) is not None and folder.rmdir_if_empty(directory):
        directory = directory[:-1]


__all__ = ["MANIFEST", "NAME", "Plan", "Writer", "apply", "change", "commit", "finish", "recover", "undo"]
