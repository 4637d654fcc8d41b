"""File operations confined to one folder: no symbolic link is ever followed, nothing ever blocks."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

# Every open names its folder by descriptor and refuses links (O_NOFOLLOW), so a
# link planted anywhere under the folder, or the folder itself being a link,
# can never send a write or a delete outside the project. O_NONBLOCK: opening a
# named pipe returns at once instead of waiting for a writer.
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC

# Fault injection for tests only: when set, called with a description before
# every change to the file system; it may raise (a full disk) or kill the process.
FAULT: Callable[[str], None] | None = None

Parts = tuple[str, ...]


class UnsafePath(Exception):
    """A link, or something other than a folder or a regular file, where the writer must not go."""

    def __init__(self, parts: Parts, what: str) -> None:
        self.parts = parts
        self.what = what
        super().__init__(f"{'/'.join(parts)}: {what}")


def describe(mode: int) -> str:
    """What kind of file a `st_mode` is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def change(what: str) -> None:
    """Announce a change to the file system (the fault-injection point)."""
    if FAULT is not None:
        FAULT(what)


class Folder:
    """An open folder; paths are tuples of names below it, and no link below it is followed."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        try:
            self._root = os.open(path, _DIR)
        except FileNotFoundError:
            if not create:
                raise
            change(f"mkdir {path}")
            os.makedirs(path)
            self._root = os.open(path, _DIR)
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UnsafePath((), f"is {describe(os.lstat(path).st_mode)}, not a folder") from None
            raise
        self._fds: dict[Parts, int] = {(): self._root}

    def close(self) -> None:
        """Close every descriptor this folder opened."""
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def dir_fd(self, parts: Parts, create: bool = False) -> int | None:
        """The descriptor of the folder `parts` (None if absent and not created); a link on the way raises UnsafePath."""
        if parts in self._fds:
            return self._fds[parts]
        _names(parts)
        parent = self.dir_fd(parts[:-1], create)
        if parent is None:
            return None
        try:
            fd = os.open(parts[-1], _DIR, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                return None
            change(f"mkdir {'/'.join(parts)}")
            os.mkdir(parts[-1], dir_fd=parent)
            fd = os.open(parts[-1], _DIR, dir_fd=parent)
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UnsafePath(parts, f"is {describe(os.lstat(parts[-1], dir_fd=parent).st_mode)}, not a folder") from None
            raise
        self._fds[parts] = fd
        return fd

    def kind(self, parts: Parts) -> int | None:
        """The `st_mode` of `parts` without following a link, or None if absent."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        if parent is None:
            return None
        try:
            return os.lstat(parts[-1], dir_fd=parent).st_mode
        except FileNotFoundError:
            return None

    def links(self, parts: Parts) -> int:
        """How many names the file `parts` has (hard links); 0 if absent."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        if parent is None:
            return 0
        try:
            return os.lstat(parts[-1], dir_fd=parent).st_nlink
        except FileNotFoundError:
            return 0

    def walk(self, parts: Parts) -> Iterator[tuple[Parts, int, int]]:
        """Every entry below folder `parts` as (parts, st_mode, size), sorted; links are listed, never entered."""
        for name, mode, size in self.entries(parts):
            yield (*parts, name), mode, size
            if stat.S_ISDIR(mode):
                yield from self.walk((*parts, name))

    def entries(self, parts: Parts) -> list[tuple[str, int, int]]:
        """The entries directly in folder `parts` as (name, st_mode, size), sorted; empty if absent."""
        fd = self.dir_fd(parts)
        if fd is None:
            return []
        with os.scandir(fd) as listing:
            infos = sorted((entry.name, entry.stat(follow_symlinks=False)) for entry in listing)
        return [(name, info.st_mode, info.st_size) for name, info in infos]

    def read(self, parts: Parts, limit: int | None = None) -> bytes | None:
        """The bytes of regular file `parts` (at most `limit`), None if absent; anything else raises UnsafePath."""
        with self._regular(parts) as opened:
            return None if opened is None else read_all(opened[0], limit, opened[1].st_size)

    def copy_to(self, parts: Parts, out: int) -> int | None:
        """Append the bytes of regular file `parts` to the open file `out`; how many, or None if absent (as read() refuses, so does this)."""
        with self._regular(parts) as opened:
            return None if opened is None else copy_all(opened[0], out)

    @contextlib.contextmanager
    def _regular(self, parts: Parts) -> Iterator[tuple[int, os.stat_result] | None]:
        """Regular file `parts` open for reading, with its stat (None if absent); a link or anything else raises UnsafePath."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        if parent is None:
            yield None
            return
        try:
            fd = os.open(parts[-1], _READ, dir_fd=parent)
        except FileNotFoundError:
            yield None
            return
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise UnsafePath(parts, "is a symbolic link") from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnsafePath(parts, f"is {describe(info.st_mode)}, not a regular file")
            yield fd, info
        finally:
            os.close(fd)

    def write(self, parts: Parts, data: bytes) -> None:
        """Create or overwrite regular file `parts` in place with `data` (two steps, so tests can tear it)."""
        _names(parts)
        parent = self.dir_fd(parts[:-1], create=True)
        assert parent is not None
        name = "/".join(parts)
        change(f"open {name}")
        fd = os.open(parts[-1], _WRITE, 0o644, dir_fd=parent)
        try:
            change(f"write {name}")
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def append(self, parts: Parts, data: bytes) -> None:
        """Append `data` to the existing regular file `parts` in one write."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        assert parent is not None
        change(f"append {'/'.join(parts)}")
        fd = os.open(parts[-1], os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def unlink(self, parts: Parts) -> None:
        """Remove file `parts` if present (a link is removed itself, never its target)."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        if parent is None:
            return
        change(f"unlink {'/'.join(parts)}")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(parts[-1], dir_fd=parent)

    def rmdir_if_empty(self, parts: Parts) -> bool:
        """Remove folder `parts` if it exists and is empty; True if it is gone."""
        _names(parts)
        parent = self.dir_fd(parts[:-1])
        if parent is None:
            return True
        fd = self._fds.pop(parts, None)
        if fd is not None:
            os.close(fd)
        change(f"rmdir {'/'.join(parts)}")
        try:
            os.rmdir(parts[-1], dir_fd=parent)
        except FileNotFoundError:
            return True
        except OSError as err:
            if err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                return False
            raise
        return True


def _names(parts: Parts) -> None:
    # Plain names only: "..", "." or a slash could climb out of the folder without any link.
    for name in parts:
        if name in ("", ".", "..") or "/" in name or "\0" in name:
            raise UnsafePath(parts, f"{name!r} is not a plain file name")
    if not parts:
        raise UnsafePath(parts, "is the folder itself, not a name inside it")


def read_all(fd: int, limit: int | None, size: int = 0) -> bytes:
    """Read an open file to its end, or to `limit` bytes; `size`, the size it had, lets the first read take it all."""
    chunks = []
    remaining = limit if limit is not None else -1
    # One read for the whole file where its size is known (a 42 MB page in one call, not
    # 42 reads joined); the loop still reads on to the end, should the file have grown.
    step = max(1 << 20, size + 1)
    while remaining != 0:
        chunk = os.read(fd, step if remaining < 0 else min(remaining, step))
        if not chunk:
            break
        chunks.append(chunk)
        if remaining > 0:
            remaining -= len(chunk)
    return b"".join(chunks)


def copy_all(source: int, out: int) -> int:
    """Copy an open file from its position to its end onto `out`, in the kernel where it can; the number of bytes."""
    copied = 0
    # copy_file_range moves the bytes without bringing them into this process (and
    # shares blocks where the file system can); a file system that cannot, or stops
    # early, gets the rest the plain way, to a read that says the file has ended.
    with contextlib.suppress(OSError):
        while True:
            done = os.copy_file_range(source, out, 1 << 30)
            if not done:
                break
            copied += done
    while True:
        chunk = os.read(source, 1 << 20)
        if not chunk:
            return copied
        view = memoryview(chunk)
        while view:
            view = view[os.write(out, view) :]
        copied += len(chunk)


class Busy(Exception):
    """Another process holds the lock."""

    def __init__(self, holder: int | None) -> None:
        self.holder = holder
        super().__init__(f"held by process {holder}" if holder else "held by another process")


class Lock:
    """An exclusive flock on a file: the kernel releases it when its holder dies, so a killed build never blocks the next."""

    def __init__(self, folder: Folder, name: str) -> None:
        self.fd: int | None = None
        parent = folder.dir_fd(())
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=parent)
        except OSError as err:
            if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
            # A read-only folder: nobody else can write there either, so no lock is needed.
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _flock_holder(os.fstat(fd).st_ino)
            os.close(fd)
            raise Busy(holder) from None
        self.fd = fd

    def release(self) -> None:
        """Let the next build in."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _flock_holder(inode: int) -> int | None:
    # Best effort, Linux only: the kernel's lock table names the holder's process id.
    try:
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].rsplit(":", 1)[-1] == str(inode) and fields[4].isdigit():
            return int(fields[4])
    return None
