"""A content-keyed cache of each article's parsed, tagged, dated and mention results, and of rendered pages' keys.

An entry is found by a key made of everything its result was computed from:
the source's bytes and file name, the day the sources were checked against,
and the hashes of taxonomy.yml, entities.yml and the generator's own code
(every kb/**/*.py). A hit is therefore the result the generator would compute
again; a changed input is a different key, never a stale hit. The cache lives
in `.cache/kb/` at the project root, outside the generated folders. Deleting it
changes nothing but the time a build takes.

Crash safety: an entry is written to a temporary file and renamed into place,
and carries a digest of its bytes; an entry that is torn, truncated or
unreadable is ignored (and recomputed), never trusted. Entries are pickles of
the generator's own values: the cache is trusted like the code next to it, so
keep `.cache/` out of version control (it is in .gitignore).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import multiprocessing
import os
import pickle
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import kb
from kb.discover import MAX_DATA_BYTES, Unreadable, read_regular
from kb.entities import Entities
from kb.mentions import Mention, Mentions, find_mentions
from kb.pages import Draft
from kb.problems import Problem
from kb.sources import MAX_BYTES, Article, Reader
from kb.tagging import Collection, TaggedArticle, tag_articles
from kb.taxonomy import Taxonomy
from kb.timeline import Event, extract_events

# Bump when the layout of an entry changes (the code hash changes anyway, so this is belt and braces).
FORMAT = b"kb-cache-1"
_DIGEST = 32
PACKAGE = Path(kb.__file__).resolve().parent


@dataclass(frozen=True)
class Entry:
    """One article and everything the generator derives from it alone."""

    article: Article
    tagged: TaggedArticle
    events: tuple[Event, ...]  # in the order extract_events gives them for this article
    mentions: tuple[Mention, ...]  # in collection order
    authors: tuple[str | None, ...]
    publisher: str | None


@dataclass(frozen=True)
class Stages:
    """The whole collection's tagged articles, events and mentions, as the stages compute them."""

    collection: Collection
    events: tuple[Event, ...]
    mentions: Mentions


@dataclass
class Stats:
    """Hits and misses of the last build (for the benchmark and the tests)."""

    hits: int = 0
    misses: int = 0
    torn: int = 0


def code_hash(root: Path = PACKAGE) -> bytes:
    """A hash of every Python file of the generator package (or of `root`), names included."""
    digest = hashlib.blake2b(digest_size=_DIGEST)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


# The code this process runs, hashed once when it was imported: a long-lived process
# (mkdocs serve) whose files are edited keys its entries by the code it runs.
LOADED_CODE = code_hash()


def _file_hash(path: Path) -> bytes:
    # Read as the taxonomy and entities readers read (regular files only, never blocking):
    # what they cannot read they report, and no entry is ever trusted for it.
    try:
        return hashlib.blake2b(read_regular(path, MAX_DATA_BYTES), digest_size=_DIGEST).digest()
    except (Unreadable, OSError):
        return b"missing"


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
        self.pages: dict[str, PageRecord] | None = None  # page path -> its file as last written; loaded on first use

    def begin(self, taxonomy: Path, entities: Path, today: dt.date) -> None:
        """Start a build: fix the inputs every key depends on besides the source itself."""
        digest = hashlib.blake2b(FORMAT, digest_size=_DIGEST)
        for part in (sys.version.encode(), today.isoformat().encode(), LOADED_CODE, _file_hash(taxonomy), _file_hash(entities)):
            digest.update(part + b"\0")
        self._base = digest.digest()
        self.stats = Stats()
        self._loaded.clear()
        self._read.clear()
        self._used = set()

    def reader(self, read: Reader) -> Reader:
        """`read` (sources.read_article), answering from the cache when the file's bytes were seen before."""

        def cached(path: Path, display: str, taxonomy: Taxonomy, today: dt.date, problems: list[Problem]) -> Article | None:
            try:
                # Read as the reader reads: a regular file, no link followed, never blocking.
                data = read_regular(path, MAX_BYTES)
            except Unreadable:
                return read(path, display, taxonomy, today, problems)  # the reader reports what is wrong
            key = hashlib.blake2b(self._base + display.encode() + b"\0" + data, digest_size=_DIGEST).digest()
            entry = self._get(key)
            if entry is not None:
                self._loaded[id(entry.article)] = (key, entry)
                return entry.article
            found: list[Problem] = []
            article = read(path, display, taxonomy, today, found)
            problems += found
            if article is not None and not found:
                self._read[id(article)] = (key, article)
            return article

        return cached

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

    def reuse(self, docs: Path, collection: Collection) -> PageKeeper | None:
        """What plan_pages asks whether a page can stay as written (None without a cache folder)."""
        if self.folder is None:
            return None
        if self.pages is None:
            self.pages = _load_index(self.folder / INDEX)
        return PageKeeper(self, docs, collection)

    @property
    def base(self) -> bytes:
        """The key of what every entry of this build depends on besides its source."""
        return self._base

    # Disk and memory -------------------------------------------------------

    def _path(self, key: bytes) -> Path | None:
        return self.folder / f"{key.hex()}.pickle" if self.folder is not None else None

    def _get(self, key: bytes) -> Entry | None:
        if key in self.memory:
            return self.memory[key]
        path = self._path(key)
        if path is None:
            return None
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        digest, payload = blob[:_DIGEST], blob[_DIGEST:]
        if len(blob) <= _DIGEST or hashlib.blake2b(payload, digest_size=_DIGEST).digest() != digest:
            self.stats.torn += 1
            return None
        try:
            stored, entry = pickle.loads(payload)
        except Exception:  # an entry from another version of the code, or damaged: recompute it
            self.stats.torn += 1
            return None
        # A whole entry under another entry's name (a copied or renamed file) is no hit.
        if stored != key or not isinstance(entry, Entry):
            return None
        # Kept in memory too: the next build of a long-lived process then reuses the very
        # same values, which the page renderers' own memos recognise by identity.
        self.memory[key] = entry
        return entry

    def _put(self, key: bytes, entry: Entry) -> None:
        self._used.add(key)
        self.memory[key] = entry
        path = self._path(key)
        if path is None:
            return
        _write_atomically(path, pickle.dumps((key, entry), protocol=pickle.HIGHEST_PROTOCOL))

    def _finish(self) -> None:
        """Keep in memory and on disk only the entries this build used."""
        self.memory = {k: v for k, v in self.memory.items() if k in self._used}
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = {f"{k.hex()}.pickle" for k in self._used}
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in wanted and (path.suffix == ".pickle" or path.name.endswith(".tmp")):
                    path.unlink(missing_ok=True)


# Each worker process costs about half a second of start-up (a new interpreter, the
# generator's imports, the taxonomy's matchers) against some 7 ms per article tagged:
# below this many articles per worker, fewer workers finish sooner.
PER_WORKER = 400
WORKERS = "KB_WORKERS"  # environment variable: at most this many processes tag at once (1: none besides this one)


def workers(misses: int) -> int:
    """How many processes tag `misses` articles: one per available core, none for a few."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = os.environ.get(WORKERS, "")
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else cores
    return max(1, min(limit, cores, misses // PER_WORKER))


def compute(articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> list[Entry]:
    """Run the tagging, timeline and mention stages on these articles and split the results per article, in their order.

    Each article's results depend on it alone, so a large batch is shared out, in
    contiguous runs, among worker processes (a fresh interpreter each: the parent
    may be a server with threads) and put back together in order: the same entries.
    """
    count = workers(len(articles))
    if count == 1:
        return compute_here(articles, taxonomy, entities)
    size = -(-len(articles) // count)
    runs = [articles[start : start + size] for start in range(0, len(articles), size)]
    try:
        with concurrent.futures.ProcessPoolExecutor(len(runs), mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(compute_here, runs, [taxonomy] * len(runs), [entities] * len(runs)))
    except (concurrent.futures.process.BrokenProcessPool, OSError):
        # No worker could be started or one died (out of memory, killed): the same work here, only slower.
        return compute_here(articles, taxonomy, entities)
    return [entry for part in parts for entry in part]


def compute_here(articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> list[Entry]:
    """compute() in this process."""
    if not articles:
        return []
    collection = tag_articles(articles, taxonomy)
    events = extract_events(collection)
    mentions = find_mentions(collection, entities)
    # extract_events sorts by date; an article's own events, in that order, are kept
    # together with it and merged again by the same key.
    by_article: dict[str, list[Event]] = {a.id: [] for a in articles}
    for event in events:
        by_article[event.passage.article.id].append(event)
    mentioned: dict[str, list[Mention]] = {a.id: [] for a in articles}
    for mention in mentions.mentions:
        mentioned[mention.passage.article.id].append(mention)
    return [
        Entry(
            tagged.article,
            tagged,
            tuple(by_article[tagged.article.id]),
            tuple(mentioned[tagged.article.id]),
            tuple(mentions.authors.get(tagged.article.id, ())),
            mentions.publishers.get(tagged.article.id),
        )
        for tagged in collection.articles
    ]


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
    """kb.pages.Reuse for one build: a page is kept when its key and its file are as the last build recorded them.

    A page's key hashes its path, the build's base key (day, taxonomy, entities,
    code), the source keys of the articles it reads (all of them, for a page made
    from the whole collection) and its `extra`: a page whose key is unchanged would
    be rendered to the same bytes.
    """

    def __init__(self, cache: Cache, docs: Path, collection: Collection) -> None:
        self.cache = cache
        self.docs = docs
        self._docs = os.fspath(docs)
        self.kept_count = 0
        self._sources: dict[str, bytes | None] = {t.article.id: cache.key_of(t.article) for t in collection.articles}
        everything = hashlib.blake2b(b"all", digest_size=_DIGEST)
        for article_id, key in self._sources.items():
            everything.update(article_id.encode() + b"\0" + (key or b"?"))
        self._everything = None if None in self._sources.values() else everything.digest()
        self._next: dict[str, PageRecord | bytes] = {}

    def _key(self, draft: Draft) -> bytes | None:
        digest = hashlib.blake2b(self.cache.base + draft.path.encode() + b"\0", digest_size=_DIGEST)
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
        record = (self.cache.pages or {}).get(draft.path)
        if record is None or record.key != key or _state(f"{self._docs}/{draft.path}") != record.state:
            self._next[draft.path] = key
            return False
        self._next[draft.path] = record
        self.kept_count += 1
        return True

    def save(self) -> None:
        """After the pages were written: record each page's file, and keep the records on disk."""
        index: dict[str, PageRecord] = {}
        for path, value in self._next.items():
            if isinstance(value, PageRecord):
                index[path] = value
                continue
            state = _state(f"{self._docs}/{path}")
            if state is not None:
                index[path] = PageRecord(value, state)
        self.cache.pages = index
        if self.cache.folder is not None:
            _write_atomically(self.cache.folder / INDEX, pickle.dumps((_INDEX_FORMAT, index), protocol=pickle.HIGHEST_PROTOCOL))


def _state(path: str) -> FileState | None:
    """Size, times and inode of a regular file (no link followed), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _load_index(path: Path) -> dict[str, PageRecord]:
    """The page records of the last build; empty when missing, torn or unreadable (every page is then rendered)."""
    try:
        blob = path.read_bytes()
        digest, payload = blob[:_DIGEST], blob[_DIGEST:]
        if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != digest:
            return {}
        name, index = pickle.loads(payload)
    except Exception:
        return {}
    if name != _INDEX_FORMAT or not isinstance(index, dict) or not all(isinstance(v, PageRecord) for v in index.values()):
        return {}
    return index


def _write_atomically(path: Path, payload: bytes) -> None:
    """payload, with its digest in front, into `path` via a temporary file; a failure only costs time."""
    blob = hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(blob)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


_OPEN: dict[Path, Cache] = {}


def for_project(folder: Path) -> Cache:
    """The cache kept in `folder`, one per process: a long-lived process (mkdocs serve) keeps its entries in memory."""
    if folder not in _OPEN:
        _OPEN[folder] = Cache(folder)
    return _OPEN[folder]


def merge(entries: list[Entry], taxonomy: Taxonomy, entities: Entities) -> Stages:
    """Per-article entries (in collection order) -> the collection, its events and mentions."""
    collection = Collection(taxonomy, tuple(e.tagged for e in entries))
    # sorted() is stable and the entries are in collection order, as extract_events
    # visits them, so ties come out as they would from one call over the collection.
    events = tuple(sorted((event for e in entries for event in e.events), key=lambda event: event.key))
    mentions = Mentions(
        entities,
        tuple(m for e in entries for m in e.mentions),
        {e.article.id: e.authors for e in entries},
        {e.article.id: e.publisher for e in entries if e.publisher is not None},
    )
    return Stages(collection, events, mentions)
