"""Which generated pages can stay as the last build left them: a page is kept when what it is made from and its file are unchanged.

A page's key hashes its path, the build's base key (day, taxonomy, entities,
code), the cache keys of the sources of the articles it reads (all of them, for a
page made from the whole collection) and its `extra`: a page whose key is
unchanged would be rendered to the same bytes (kb/pages.Draft). The records live
in `.cache/kb/pages.index`, written whole or not at all; a torn index only costs
the time of rendering every page.

Likewise the lines of collection.json (kb/pages.Lines): each is kept in
`.cache/kb/lines.index` under a key of the base key, its article's cache key and
what else it shows, so that a new process encodes only the lines of what changed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from kb import stash
from kb.cache import Cache
from kb.pages import Draft
from kb.tagging import Collection

_DIGEST = stash.DIGEST

INDEX = "pages.index"
_INDEX_FORMAT = "kb-pages-2"
LINES = "lines.index"  # not *.pickle, *.tmp or *.pack: the cache deletes files of those names (kb/cache.py, kb/packs.py)
_LINES_FORMAT = "kb-lines-1"
# The stored lines are written again when more than this share of a build's lines
# was not among them (a build from nothing, a new taxonomy): one edited article leaves
# the file as it is, since its own new lines are found in memory while the process lives.
REWRITE_SHARE = 0.01
# What a written file looked like right after the build wrote (or left) it:
# a file changed since has another size, times or inode.
FileState = tuple[int, int, int, int]


class PageRecord(NamedTuple):
    """A generated file as a build left it: the key of what it was made from, and the file's state."""

    # A named tuple, not a dataclass: a new process reads tens of thousands of them at once.
    key: bytes
    state: FileState


class PageKeeper:
    """kb.pages.Reuse for one build: a page is kept when its key and its file are as the last build recorded them."""

    def __init__(
        self, base: bytes, sources: Mapping[str, bytes | None], records: Mapping[str, PageRecord], docs: Path, index: Path | None,
        render_shared: bool = False,
    ) -> None:  # fmt: skip
        """`sources`: each article id's source key in this build (None: not known, its pages are rendered); `index`: where the records
        are kept; `render_shared`: pages made from the whole collection are rendered even when they could be kept."""
        self.render_shared = render_shared
        self.base = base
        self.records = records
        self.docs = docs
        self.index = index
        self._docs = os.fspath(docs)
        self.kept_count = 0
        self._sources = dict(sources)
        everything = hashlib.blake2b(b"all", digest_size=_DIGEST)
        for article_id, key in self._sources.items():
            everything.update(article_id.encode() + b"\0" + (key or b"?"))
        self._everything = None if None in self._sources.values() else everything.digest()
        self._next: dict[str, PageRecord | bytes] = {}
        self.lines: LineStore | None = None  # collection.json's lines, when the build keeps them (open_for)

    @property
    def sources(self) -> Mapping[str, bytes | None]:
        """Each article id's source key in this build."""
        return self._sources

    def _key(self, draft: Draft) -> bytes | None:
        digest = hashlib.blake2b(self.base + draft.path.encode() + b"\0", digest_size=_DIGEST)
        if draft.extra is not None:
            digest.update(pickle.dumps(draft.extra, protocol=pickle.HIGHEST_PROTOCOL))
        if draft.reads is None:
            if self._everything is None:
                return None
            digest.update(self._everything)
            return digest.digest()
        for article_id in draft.reads:
            key = self._sources.get(article_id)
            if key is None:
                return None
            digest.update(key)
        return digest.digest()

    def kept(self, draft: Draft) -> bool:
        """Whether the draft's file is as the last build wrote it from the same key (then it is neither rendered nor read)."""
        key = self._key(draft)
        if key is None:
            return False
        record = self.records.get(draft.path)
        if (draft.reads is None and self.render_shared) or record is None or record.key != key or _state(f"{self._docs}/{draft.path}") != record.state:
            self._next[draft.path] = key
            return False
        self._next[draft.path] = record
        self.kept_count += 1
        return True

    def save(self) -> dict[str, PageRecord]:
        """After the pages were written: record each page's file, keep the records on disk, and return them."""
        index: dict[str, PageRecord] = {}
        for path, value in self._next.items():
            if isinstance(value, PageRecord):
                index[path] = value
                continue
            state = _state(f"{self._docs}/{path}")
            if state is not None:
                index[path] = PageRecord(value, state)
        if self.index is not None:
            stash.write(self.index, pickle.dumps((_INDEX_FORMAT, index), protocol=pickle.HIGHEST_PROTOCOL))
        return index


class LineStore:
    """kb.pages.Lines for one build: collection.json's lines by a key of the article results and parts each is made of."""

    def __init__(self, base: bytes, sources: Mapping[str, bytes | None], stored: dict[bytes, str], path: Path | None) -> None:
        self.base = base
        self.sources = sources
        self.stored = stored
        self.path = path
        self.used: dict[bytes, str] = {}  # every line this build asked for or encoded, by key
        self.asked = 0
        self.added = 0
        self.total = 0

    def key(self, article_id: str, *parts: bytes) -> bytes | None:
        """The line's key: the build's base key, its article's source key and `parts`; None when the source key is unknown."""
        source = self.sources.get(article_id)
        if source is None:
            return None
        digest = hashlib.blake2b(self.base + b"line\0" + source, digest_size=_DIGEST)
        for part in parts:
            digest.update(b"%d:" % len(part) + part)
        return digest.digest()

    def get(self, key: bytes) -> str | None:
        """The stored line, if any."""
        self.asked += 1
        line = self.stored.get(key)
        if line is not None:
            self.used[key] = line
        return line

    def put(self, key: bytes, line: str) -> None:
        """A line just encoded."""
        self.used[key] = line
        self.added += 1

    def seen(self, count: int) -> None:
        """How many lines a list had, asked for or not."""
        self.total += count

    def save(self) -> dict[bytes, str]:
        """The lines the next build starts from: rewritten on disk when every line was asked for and many were new."""
        if self.path is None or self.asked < self.total or self.added <= REWRITE_SHARE * self.asked:
            return self.stored
        stash.write(self.path, pickle.dumps((_LINES_FORMAT, self.used), protocol=pickle.HIGHEST_PROTOCOL))
        return self.used


def load_lines(path: Path) -> dict[bytes, str]:
    """The stored lines; empty when missing, torn or unreadable (they are then encoded again)."""
    lines = _load(path, _LINES_FORMAT)
    return lines if isinstance(lines, dict) else {}


def _state(path: str) -> FileState | None:
    """Size, times and inode of a regular file (no link followed), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def open_for(store: Cache, docs: Path, collection: Collection, render_shared: bool = False) -> PageKeeper | None:
    """The keeper of one build with this cache (None without a cache folder: every page is rendered)."""
    if store.folder is None:
        return None
    if store.pages is None:
        store.pages = load_index(store.folder / INDEX)
    sources = {t.article.id: store.key_of(t.article) for t in collection.articles}
    found = PageKeeper(store.base, sources, store.pages, docs, store.folder / INDEX, render_shared)
    if store.lines is None:
        store.lines = load_lines(store.folder / LINES)
    found.lines = LineStore(store.base, found.sources, store.lines, store.folder / LINES)
    return found


def close(store: Cache, keeper: PageKeeper) -> None:
    """After the pages were written: the keeper's records and lines, on disk and in the cache for the next build of this process."""
    store.pages = keeper.save()
    if keeper.lines is not None:
        store.lines = keeper.lines.save()


def load_index(path: Path) -> dict[str, PageRecord]:
    """The page records of the last build; empty when missing, torn or unreadable (every page is then rendered)."""
    index = _load(path, _INDEX_FORMAT)
    if not isinstance(index, dict) or not all(isinstance(v, PageRecord) for v in index.values()):
        return {}
    return index


def _load(path: Path, form: str) -> object:
    """What a stash file written as (form, value) holds, or None when it is missing, torn, unreadable or of another form."""
    payload = stash.read(path)
    if payload is None:
        return None
    try:
        name, value = pickle.loads(payload)
    except Exception:
        return None
    return value if name == form else None
