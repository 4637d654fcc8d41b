"""Built site -> its search bundle: Pagefind's extended build (from the pagefind-bin-extended wheel), made byte-reproducible."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from kb import cbor

BUNDLE = "pagefind"  # folder of the search bundle inside the built site
MORE = "more"  # <bundle>/more/<n>/: the bundles merged into the first one in the browser
MANIFEST = "kb-bundles.json"  # <bundle>/kb-bundles.json: the folders of those bundles, for docs/assets/search.js

# What Pagefind indexes: the page's article, less the links around the text that
# would make every page match every tag name (paragraph tags, permalinks).
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = (".kb-ptags", ".headerlink", ".kb-permalink", ".kb-filters")

# One Pagefind run holds every (page, distinct word) pair of the pages it indexes in
# memory: with Pagefind 1.5, about 0.28 MB per article page, 1.5 GB for 5,000 articles,
# on top of the MkDocs process that waits for it. A large site is therefore indexed as
# bundles of at most this many pages (about 400 MB each), one run after the other,
# which the browser merges into one search (Pagefind's mergeIndex; the WebAssembly and
# scripts load once, each bundle adds its page list and the index chunks a query needs).
PAGES_PER_BUNDLE = 1500
# Pagefind cuts each bundle's word index into chunks of about this many word positions
# (its default, 20,000, for one bundle); a query fetches the chunk holding each word from
# every bundle, so each of n bundles uses chunks 1/n as large, and a query fetches about
# as many index bytes as from one bundle. (An environment variable of the pinned Pagefind.)
CHUNK_POSITIONS = 20_000
_CHUNK_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
# A page whose front matter says `search: {exclude: true}` (Material's convention) carries
# this tag in its head (overrides/main.html) and is left out of the index.
EXCLUDED = b'<meta name="kb-search" content="exclude">'
_KEPT_IN_MERGED = ("pagefind-entry.json", "index", "filter", "fragment")  # the rest is the first bundle's code

_SIGNATURE = b"pagefind_dcd"  # every Pagefind binary file starts with it once decompressed

class SearchIndexError(Exception):
    """Pagefind is missing, failed, or wrote files this code does not understand."""


def executable() -> Path:
    """The Pagefind binary of the installed wheel; the extended build, which segments Japanese and Chinese."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise SearchIndexError(
            "the pagefind-bin-extended package is missing: run `make .venv/.installed` "
            "(or `pip install -r requirements.txt -c constraints.txt`)"
        ) from None
    path: Path = get_executable()
    return path


def pagefind_command(site: Path) -> list[str]:
    """The command that writes the search bundle of a built site into <site>/pagefind/ (the command to run by hand)."""
    command = [str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--root-selector", ROOT_SELECTOR, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def index_site(site: Path, output: Path | None = None, pages_per_bundle: int = PAGES_PER_BUNDLE) -> Path:
    """Index the built site into `output` (by default <site>/pagefind/, replacing any older bundle); returns it."""
    bundle = output or site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # a rebuild must not keep stale chunks
    # Pagefind reads the pages of one bundle at a time from a hidden folder of links
    # (MkDocs' clean build spares hidden files; a page left there by a crash goes first).
    stage = site / f".{BUNDLE}-pages"
    groups = partition(pages(site, bundle), pages_per_bundle)
    try:
        for number, group in enumerate(groups):
            shutil.rmtree(stage, ignore_errors=True)
            _link_pages(site, stage, group)
            target = bundle if number == 0 else bundle / MORE / str(number)
            _run(site, stage, target, max(1, CHUNK_POSITIONS // len(groups)))
            if number:
                _keep_index_only(target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    merged = [f"{MORE}/{number}/" for number in range(1, len(groups))]
    (bundle / MANIFEST).write_text(json.dumps({"merge": merged}) + "\n", encoding="utf-8")
    return bundle


def pages(site: Path, bundle: Path) -> list[str]:
    """The site's HTML pages to index, as paths relative to it, sorted: none from hidden folders or the bundle, none that opts out."""
    found = []
    for path in site.rglob("*.html"):
        relative = path.relative_to(site)
        if any(part.startswith(".") for part in relative.parts) or bundle in path.parents or not path.is_file():
            continue
        if EXCLUDED not in path.read_bytes().split(b"</head>", 1)[0]:
            found.append(relative.as_posix())
    return sorted(found)


def partition(paths: list[str], pages_per_bundle: int) -> list[list[str]]:
    """Pages -> groups of about `pages_per_bundle` (at least one group), each page's group fixed by its path alone."""
    count = max(1, -(-len(paths) // pages_per_bundle))
    groups: list[list[str]] = [[] for _ in range(count)]
    for path in paths:
        groups[int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % count].append(path)
    return [group for group in groups if group] or [[]]


def _link_pages(site: Path, stage: Path, group: list[str]) -> None:
    """A folder holding the group's pages at their paths in the site (hard links; copies where links fail)."""
    stage.mkdir(parents=True, exist_ok=True)
    for relative in group:
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / relative, target)
        except OSError:
            shutil.copyfile(site / relative, target)


def _run(site: Path, pages_folder: Path, bundle: Path, chunk_positions: int) -> None:
    """One Pagefind run: the pages under `pages_folder` -> a bundle in `bundle`, its bytes made reproducible."""
    command = pagefind_command(pages_folder)
    command[command.index("--output-subdir") : command.index("--output-subdir") + 2] = ["--output-path", str(bundle)]
    environment = {**os.environ, _CHUNK_VARIABLE: str(chunk_positions)}
    # close_fds=False lets Python start Pagefind with posix_spawn: with its default fork and
    # exec, the child shows the whole MkDocs process's memory as its own until the exec, and
    # a sampler of the process tree counts it twice. (Python opens its files non-inheritable,
    # so the child still gets only the pipes.)
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=environment, close_fds=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-3000:]
        raise SearchIndexError(f"Pagefind failed on {site} (exit {result.returncode}):\n{detail}")
    normalise(bundle)


def _keep_index_only(bundle: Path) -> None:
    """A merged bundle needs only its entry, meta, index, filters and fragments: scripts and WebAssembly come from the first."""
    for child in bundle.iterdir():
        if child.name not in _KEPT_IN_MERGED and not child.name.endswith(".pf_meta"):
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()


def replace_bundle(site: Path, fresh: Path) -> None:
    """Put a bundle built elsewhere in place of <site>/pagefind/ (a served site keeps a whole bundle at all times but an instant)."""
    target = site / BUNDLE
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    shutil.move(str(fresh), str(target))
    shutil.rmtree(old, ignore_errors=True)


# --- reproducible bytes ----------------------------------------------------------------
# Pagefind 1.5 writes each filter's values, and the list of filters, in hash-map order,
# which changes from run to run (the rest of the bundle is already reproducible). The
# values are put in sorted order here, and the files renamed after their new contents.


def _read(path: Path) -> cbor.Value:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind file (no signature); is this the Pagefind version of constraints.txt?")
    return cbor.loads(data[len(_SIGNATURE) :])


def _write(path: Path, value: cbor.Value) -> None:
    path.write_bytes(gzip.compress(_SIGNATURE + cbor.dumps(value), compresslevel=9, mtime=0))


def _digest(value: cbor.Value, length: int) -> str:
    return hashlib.sha256(cbor.dumps(value)).hexdigest()[:length]


def _pair(item: cbor.Value, where: Path) -> tuple[str, cbor.Value]:
    """A [text, value] pair of a Pagefind file, or an error naming the file."""
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise SearchIndexError(f"{where}: unexpected layout; is this the Pagefind version of constraints.txt?")
    return item[0], item[1]


def normalise(bundle: Path) -> None:
    """Rewrite the bundle's filter files and their index in an order independent of the run."""
    entry_path = bundle / "pagefind-entry.json"
    text = entry_path.read_text(encoding="utf-8")
    for language, info in sorted(json.loads(text)["languages"].items()):
        old_hash = info["hash"]
        meta_path = bundle / f"pagefind.{old_hash}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise SearchIndexError(f"{meta_path}: unexpected layout; is this the Pagefind version of constraints.txt?")
        filters: list[cbor.Value] = []
        for name, file_hash in (_pair(item, meta_path) for item in meta[3]):
            old = bundle / "filter" / f"{file_hash!s}.pf_filter"
            filter_name, values = _pair(_read(old), old)
            if not isinstance(values, list):
                raise SearchIndexError(f"{old}: unexpected layout; is this the Pagefind version of constraints.txt?")
            content: cbor.Value = [filter_name, sorted(values, key=lambda item: _pair(item, old)[0])]
            new_hash = f"{language}_{_digest(content, 7)}"
            old.unlink()
            _write(bundle / "filter" / f"{new_hash}.pf_filter", content)
            filters.append([name, new_hash])
        meta[3] = sorted(filters, key=lambda item: _pair(item, meta_path)[0])
        meta[2] = tile(meta[2], meta_path)
        new_hash = f"{language}_{_digest(meta, 10)}"
        meta_path.unlink()
        _write(bundle / f"pagefind.{new_hash}.pf_meta", meta)
        if f'"hash":"{old_hash}"' not in text:
            raise SearchIndexError(f"{entry_path}: no hash {old_hash!r}; is this the Pagefind version of constraints.txt?")
        text = text.replace(f'"hash":"{old_hash}"', f'"hash":"{new_hash}"')
    entry_path.write_text(text, encoding="utf-8")


# --- word chunks a query fetches ------------------------------------------------------
# Pagefind 1.5 bounds each chunk of the word index by prefixes that tell its first and
# last words from the neighbouring chunks' ("ag" for a chunk ending with "agreement" when
# the next begins with "ahead"), which leaves gaps between chunks. The browser looks up
# each query word, and its stem, among the bounds: a word inside a chunk's bounds fetches
# that chunk; a word in a gap ("agreement" > "ag") fetches every chunk whose bounds, cut
# to the word's length, admit it: for "agreement", also the chunk ending with the word
# "a", whose postings are on every page (17-21 KB a bundle at 5,000 articles).
#
# Each chunk's upper bound is therefore raised to just below the shortest prefix of the
# next chunk's lower bound that is above it ("ag" -> just below "ah"; with Pagefind 1.5's
# bounds that prefix is the lower bound itself, and the search keeps a word that begins
# the next chunk's words out of this one should another version write longer ones). A
# word inside the raised bound begins no word of a later chunk, so the one chunk it now
# fetches holds every word it begins. The last chunk's upper bound goes above every word.
# Chunk files are unchanged; only the meta file's bounds move, and no gap is left between
# chunks or after them.
#
# What changes is the lookup of a word the index does not hold (a misspelling): Pagefind
# then falls back to the longest indexed word it begins with, among the chunks it fetched,
# and it now fetches the word's own chunk only. A misspelt "agrement" matched every page
# through the word "a" and now matches none; "orea", which fetched no chunk and matched
# nothing, now fetches its own and matches the pages of a shorter word it begins with.

_ABOVE_EVERY_WORD = "\U0010ffff"  # the last code point: no query word contains it


def just_below(bound: str) -> str:
    """A string above every word that sorts below `bound` (as Rust compares strings), and itself below `bound`."""
    last = ord(bound[-1]) - 1
    if last < 0:  # below "ab\0" are "ab" and what sorts below it
        return bound[:-1]
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters: step over them
        last = 0xD7FF
    return bound[:-1] + chr(last) + _ABOVE_EVERY_WORD


def raised(high: str, next_low: str) -> str:
    """The upper bound `high` raised to just below the shortest prefix of `next_low` above it."""
    for length in range(1, len(next_low) + 1):
        if next_low[:length] > high:
            return just_below(next_low[:length])
    return high  # unreachable when high < next_low: next_low itself is above it


def tile(chunks: cbor.Value, where: Path) -> list[cbor.Value]:
    """The meta file's [from, to, file] chunk bounds with each upper bound raised (see above)."""
    if not isinstance(chunks, list):
        raise SearchIndexError(f"{where}: unexpected layout; is this the Pagefind version of constraints.txt?")
    bounds = []
    for chunk in chunks:
        if not (isinstance(chunk, list) and len(chunk) == 3 and all(isinstance(part, str) and part for part in chunk)):
            raise SearchIndexError(f"{where}: unexpected chunk {chunk!r}; is this the Pagefind version of constraints.txt?")
        bounds.append((str(chunk[0]), str(chunk[1]), str(chunk[2])))
    raised_bounds: list[cbor.Value] = []
    for number, (low, high, name) in enumerate(bounds):
        if number + 1 < len(bounds):
            next_low = bounds[number + 1][0]
            # Rust compares strings by their UTF-8 bytes, Python by code points: the same order.
            if not low <= high < next_low:
                raise SearchIndexError(f"{where}: chunks out of order at {high!r} and {next_low!r}; is this the Pagefind version of constraints.txt?")
            high = raised(high, next_low)
        else:
            high = _ABOVE_EVERY_WORD  # the last chunk holds every word after its lower bound
        raised_bounds.append([low, high, name])
    return raised_bounds
