"""A content-keyed cache of each article's parsed, tagged, dated and mention results (kb/stages.py).

An entry is found by a key made of everything its result was computed from:
the source's bytes and file name, the day the sources were checked against,
and the hashes of taxonomy.yml, entities.yml and the generator's own code
(every kb/**/*.py). A hit is therefore the result the generator would compute
again; a changed input is a different key, never a stale hit. The cache lives
in `.cache/kb/` at the project root, outside the generated folders. Deleting it
changes nothing but the time a build takes.

Entries are stored many to a file (kb/packs.py). Crash safety: a pack is
written whole or not at all, with a digest (kb/stash.py); a pack or an entry
that is torn, truncated or unreadable is ignored (and recomputed), never
trusted. The records of which pages can stay as written are kb/keeper.py's.
Entries are pickles of the generator's own values: the cache is trusted like the code next to it, so
keep `.cache/` out of version control (it is in .gitignore).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import kb
from kb import memo, stash
from kb.discover import MAX_DATA_BYTES, Unreadable, read_regular, read_regular_as_found
from kb.entities import Entities
from kb.packs import Packs
from kb.problems import Problem
from kb.sources import MAX_BYTES, Article, Reader
from kb.stages import Entry, Stages, compute, merge
from kb.taxonomy import Taxonomy

if TYPE_CHECKING:  # the page records are kb/keeper.py's; a long-lived process keeps them here between builds
    from kb.keeper import PageRecord

# Bump when the layout of an entry changes (the code hash changes anyway, so this is belt and braces).
FORMAT = b"kb-cache-1"
_DIGEST = stash.DIGEST
# Files of the earlier layout (one entry per file): the cache's to delete.
_LEGACY = ".pickle"
PACKAGE = Path(kb.__file__).resolve().parent


@dataclass
class Stats:
    """Hits and misses of the last build (for the benchmark and the tests)."""

    hits: int = 0
    misses: int = 0
    torn: int = 0  # packs and entries found damaged (their entries are computed again, their packs deleted or merged away)


def code_hash(root: Path = PACKAGE) -> bytes:
    """A hash of every Python file of the generator package (or of `root`), names included."""
    digest = hashlib.blake2b(digest_size=_DIGEST)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


# The code this process runs, hashed once when it was imported: a long-lived process
# (mkdocs serve) whose files are edited keys its entries by the code it runs.
LOADED_CODE = code_hash()


def _data_hash(data: bytes | None) -> bytes:
    return b"missing" if data is None else hashlib.blake2b(data, digest_size=_DIGEST).digest()


def snapshot(path: Path) -> bytes | None:
    """A data file's bytes as its reader reads them (a regular file, never blocking), or None where it cannot."""
    # The readers parse these very bytes, and the keys hash them: a save in between
    # cannot file results computed from the old file under the new file's key.
    try:
        return read_regular(path, MAX_DATA_BYTES)
    except (Unreadable, OSError):
        return None  # the reader, given nothing, reads the file and says what is wrong


class Cache:
    """Per-project cache: entries on disk under `folder`, the last build's entries in memory."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memory: dict[bytes, Entry] = {}  # the entries of the last build, for a long-lived process (mkdocs serve)
        self.stats = Stats()
        self._base = b""
        self._loaded: dict[int, tuple[bytes, Entry]] = {}  # id(article) -> (key, entry) for articles read from the cache
        self._read: dict[int, tuple[bytes, Article]] = {}  # id(article) -> (key, article) for articles parsed afresh
        self._used: set[bytes] = set()
        self._packs = Packs(folder) if folder is not None else None
        self.pages: dict[str, PageRecord] | None = None  # page path -> its file as last written; loaded on first use
        self.lines: dict[bytes, str] | None = None  # collection.json's lines by key (kb/keeper.py); loaded on first use
        # source path -> (its file as read, the key of its bytes, the base then): the last build's, and this one's
        self._seen: dict[str, tuple[Signature, bytes, bytes]] = {}
        self._seeing: dict[str, tuple[Signature, bytes, bytes]] = {}

    def begin(self, taxonomy: bytes | None, entities: bytes | None, today: dt.date) -> None:
        """Start a build: fix the inputs every key depends on besides the source itself.

        `taxonomy` and `entities` are the bytes the build parsed (None: unreadable or missing).
        """
        digest = hashlib.blake2b(FORMAT, digest_size=_DIGEST)
        for part in (sys.version.encode(), today.isoformat().encode(), LOADED_CODE, _data_hash(taxonomy), _data_hash(entities)):
            digest.update(part + b"\0")
        self._base = digest.digest()
        self.stats = Stats()
        self._loaded.clear()
        self._read.clear()
        self._used = set()
        if self._packs is not None:
            self._packs.begin(self._base)
        self._seen, self._seeing = self._seeing, {}

    def reader(self, read: Reader) -> Reader:
        """`read` (sources.read_article), answering from the cache when the file's bytes were seen before."""

        def cached(path: Path, display: str, taxonomy: Taxonomy, today: dt.date, problems: list[Problem], data: bytes | None = None) -> Article | None:
            if data is not None:  # bytes read elsewhere: no key of this cache's making
                return read(path, display, taxonomy, today, problems, data)
            entry = self._unchanged(path)
            if entry is not None:
                return entry.article
            started = time.time_ns()
            try:
                # Read as the reader reads: a regular file, no link followed, never blocking.
                data, info = read_regular_as_found(path, MAX_BYTES)
            except Unreadable:
                return read(path, display, taxonomy, today, problems)  # the reader reports what is wrong
            key = hashlib.blake2b(self._base + display.encode() + b"\0" + data, digest_size=_DIGEST).digest()
            self._saw(path, _signature(info), key, started)
            entry = self._get(key)
            if entry is not None:
                self._loaded[id(entry.article)] = (key, entry)
                return entry.article
            found: list[Problem] = []
            # From the very bytes the key was made of: a save since must not be kept under their key.
            article = read(path, display, taxonomy, today, found, data)
            problems += found
            if article is not None and not found:
                self._read[id(article)] = (key, article)
            return article

        return cached

    def _unchanged(self, path: Path) -> Entry | None:
        """The entry in memory for a source whose file is as this process last read it, if it is."""
        seen = self._seen.get(str(path))
        if seen is None or seen[2] != self._base or seen[1] not in self.memory:
            return None
        if signature(path) != seen[0]:
            return None
        self._seeing[str(path)] = seen
        entry = self.memory[seen[1]]
        self._loaded[id(entry.article)] = (seen[1], entry)
        return entry

    def _saw(self, path: Path, found: Signature, key: bytes, started: int) -> None:
        """Remember the file just read, unless it changed too lately for its times to tell a later change apart."""
        # `found` was taken before the bytes were read: a save during or after the read
        # gives the file other times than these, so it is read again next time.
        if found.ctime_ns < started - RACY_NS and found.mtime_ns < started - RACY_NS:
            self._seeing[str(path)] = (found, key, self._base)

    def stages(self, articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> Stages:
        """Tag, date and find mentions in the articles, computing only those the cache does not hold."""
        entries: dict[int, Entry] = {}
        misses: list[Article] = []
        for article in articles:
            hit = self._loaded.get(id(article))
            if hit is not None and hit[1].article is article:
                entries[id(article)] = hit[1]
                self._used.add(hit[0])
            else:
                misses.append(article)
        self.stats.hits, self.stats.misses = len(entries), len(misses)
        for article, entry in zip(misses, compute(tuple(misses), taxonomy, entities), strict=True):
            entries[id(article)] = entry
            fresh = self._read.get(id(article))
            if fresh is not None and fresh[1] is article:
                self._put(fresh[0], entry)
                if entry.article is not article:  # made by a worker process: an equal copy, which the pages will show
                    self._read[id(entry.article)] = (fresh[0], entry.article)
        ordered = [entries[id(a)] for a in articles]
        self._finish()
        return merge(ordered, taxonomy, entities)

    def key_of(self, article: Article) -> bytes | None:
        """The key of the source an article was read from in this build, if the cache read it."""
        for table in (self._loaded, self._read):
            found = table.get(id(article))
            if found is not None:
                value = found[1]
                if (value.article if isinstance(value, Entry) else value) is article:
                    return found[0]
        return None

    @property
    def base(self) -> bytes:
        """The key of what every entry of this build depends on besides its source."""
        return self._base

    # Disk and memory -------------------------------------------------------

    def _get(self, key: bytes) -> Entry | None:
        if key in self.memory:
            return self.memory[key]
        if self._packs is None:
            return None
        torn = self._packs.torn
        payload = self._packs.get(key)
        self.stats.torn += self._packs.torn - torn
        if payload is None:
            return None
        try:
            stored, entry = pickle.loads(payload)
        except Exception:  # an entry from another version of the code, or damaged: recompute it
            stored, entry = None, None
        # A whole entry filed under another key (a damaged pack's index) is no hit either.
        if stored != key or not isinstance(entry, Entry):
            self.stats.torn += 1
            self._packs.reject(key)
            return None
        # Kept in memory too: the next build of a long-lived process then reuses the very
        # same values, which the page renderers' own memos recognise by identity.
        self.memory[key] = entry
        return entry

    def _put(self, key: bytes, entry: Entry) -> None:
        self._used.add(key)
        self.memory[key] = entry
        if self._packs is not None:
            self._packs.add(key, pickle.dumps((key, entry), protocol=pickle.HIGHEST_PROTOCOL))

    def _finish(self) -> None:
        """Keep in memory only the entries this build used."""
        self.memory = {k: v for k, v in self.memory.items() if k in self._used}

    def save(self) -> None:
        """Write the entries this build computed, and delete or merge the packs it no longer needs (kb/packs.py); once its pages are written."""
        if self.folder is None or self._packs is None:
            return
        self._packs.finish(self._used)
        now = time.time()
        with contextlib.suppress(OSError):
            for found in os.scandir(self.folder):
                if found.name.endswith(_LEGACY) or stash.temporary(found.name, now - found.stat(follow_symlinks=False).st_mtime):
                    with contextlib.suppress(OSError):
                        os.unlink(found.path)


# A long-lived process (mkdocs serve) checks every source again after each save. A file
# whose device, inode, size, mode and change times are those it had when this process
# read it holds the same bytes: a write sets its times and a rename gives a new inode.
# Timestamps are coarse (a clock tick, 2 s on some file systems), so a file changed
# shortly before it was read is not remembered, and is read again next time (git's
# rule for "racily clean" files). This compares the file system's times with this process's
# clock: a network file system whose server clock lags by more than that could hide a save
# made in the same tick as the one before. Only this process's memory trusts it; a new one
# reads every source.
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Signature:
    """What lstat says of a file, minus its access time."""

    device: int
    inode: int
    mode: int
    size: int
    mtime_ns: int
    ctime_ns: int


def signature(path: Path) -> Signature | None:
    """The file's signature, or None if it cannot be seen."""
    try:
        return _signature(os.lstat(path))
    except OSError:
        return None


def _signature(info: os.stat_result) -> Signature:
    return Signature(info.st_dev, info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


_OPEN: dict[Path, Cache] = {}


def _forget_entries() -> None:
    for store in _OPEN.values():
        store.memory.clear()
        store.lines = None


memo.kept(_forget_entries)


def for_project(folder: Path) -> Cache:
    """The cache kept in `folder`, one per process: a long-lived process (mkdocs serve) keeps its entries in memory."""
    if folder not in _OPEN:
        _OPEN[folder] = Cache(folder)
    return _OPEN[folder]


