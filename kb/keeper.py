"""Which generated pages can stay as the last build left them: a page is kept when what it is made from and its file are unchanged.

A page's key hashes its path, the build's base key (day, taxonomy, entities,
code), the cache keys of the sources of the articles it reads (all of them, for a
page made from the whole collection) and its `extra`: a page whose key is
unchanged would be rendered to the same bytes (kb/pages.Draft). The records live
in `.cache/kb/pages.index`, written whole or not at all; a torn index only costs
the time of rendering every page.
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
    return PageKeeper(store.base, sources, store.pages, docs, store.folder / INDEX, render_shared)


def close(store: Cache, keeper: PageKeeper) -> None:
    """After the pages were written: the keeper's records, on disk and in the cache for the next build of this process."""
    store.pages = keeper.save()


def load_index(path: Path) -> dict[str, PageRecord]:
    """The page records of the last build; empty when missing, torn or unreadable (every page is then rendered)."""
    payload = stash.read(path)
    if payload is None:
        return {}
    try:
        name, index = pickle.loads(payload)
    except Exception:
        return {}
    if name != _INDEX_FORMAT or not isinstance(index, dict) or not all(isinstance(v, PageRecord) for v in index.values()):
        return {}
    return index


