"""Raised chunk bounds, in Chromium: for words of the index, the same results and scores as Pagefind's own bounds, from no more index bytes."""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb import search
from kb.search import BUNDLE, index_site
from tests.browser.conftest import serve

pytestmark = pytest.mark.browser

# Small chunks, so that the seed site's word index has many chunks and gaps between them, as a
# large site's has; the chunking itself is Pagefind's either way.
CHUNK_POSITIONS = 200

# One fresh Pagefind per query: chunks fetched for one query are searched by the next.
SEARCH = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.options({ noWorker: true });
  const found = await pagefind.search(query);
  return found.results.map((result) => [result.id, Math.round(result.score * 1e4)]);
}"""


def _index(site: Path, copy: Path, raise_bounds: bool) -> Path:
    shutil.copytree(site, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "CHUNK_POSITIONS", CHUNK_POSITIONS)
        if not raise_bounds:
            patch.setattr(search, "tile", lambda chunks, where: chunks)
        index_site(copy)
    return copy


@pytest.fixture(scope="module")
def sites(built_site: Path, tmp_path_factory: Any) -> tuple[Path, Path]:
    """The seed site indexed twice: with Pagefind's own chunk bounds, and with them raised."""
    folder = tmp_path_factory.mktemp("search-bounds")
    return _index(built_site, folder / "own", raise_bounds=False), _index(built_site, folder / "raised", raise_bounds=True)


def _words(bundle: Path) -> list[str]:
    """The distinct words of the indexed pages, as readers type them (no numbers)."""
    words: set[str] = set()
    for fragment in sorted((bundle / "fragment").iterdir()):
        content = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])["content"]
        words.update(word.casefold() for word in re.findall(r"\w[\w’-]*", content) if not word.isdigit())
    return sorted(words)


def _queries(words: list[str]) -> list[str]:
    """Words of the index: whole, their beginnings (as readers type), two together, and names in other scripts."""
    sample = words[:: max(1, len(words) // 60)]
    beginnings = sorted({word[:length] for word in sample[::2] for length in (2, 3) if len(word) > length})
    pairs = [f"{a} {b}" for a, b in zip(sample[::6], sample[3::6], strict=False)]
    return sample + beginnings + pairs + ["abductions", "abducted", "agreement", "拉致", "김정은", "2014"]


def _misspellings(words: list[str]) -> list[str]:
    """Words the index does not hold: a page's word with its last letter changed, and none of the pages' words begins."""
    found = {word[:-1] + letter for word in words[:: max(1, len(words) // 40)] for letter in "qxz" if len(word) > 3}
    return sorted(typo for typo in found if not any(word.startswith(typo) for word in words))


@contextlib.contextmanager
def _index_requests(page: Any) -> Iterator[list[str]]:
    """The addresses of the index chunks the page requests while the block runs."""
    fetched: list[str] = []

    def record(request: Any) -> None:
        if request.url.endswith(".pf_index"):
            fetched.append(request.url)

    page.on("request", record)
    try:
        yield fetched
    finally:
        page.remove_listener("request", record)


def _answers(page: Any, site: Path, queries: list[str]) -> dict[str, tuple[list[Any], int, int]]:
    """For each query: the results (page and score, in order), the index bytes and the number of chunks fetched for them."""
    answers = {}
    with serve(site) as base:
        for query in queries:
            page.goto(base + f"/{BUNDLE}/pagefind-entry.json")
            with _index_requests(page) as fetched:
                results = page.evaluate(SEARCH, query)
            size = sum((site / url.removeprefix(base + "/")).stat().st_size for url in fetched)
            answers[query] = (results, size, len(fetched))
    return answers


def test_raised_bounds_find_the_same_pages_with_the_same_scores_from_fewer_bytes(page: Any, sites: tuple[Path, Path]) -> None:
    own, raised = sites
    queries = _queries(_words(own / BUNDLE))
    assert len(queries) > 100
    before, after = _answers(page, own, queries), _answers(page, raised, queries)
    assert sum(1 for results, _, _ in before.values() if results) > 80  # the queries find something
    different = [query for query in queries if before[query][0] != after[query][0]]
    assert different == []
    larger = [query for query in queries if after[query][1] > before[query][1]]
    assert larger == []
    saved = [query for query in queries if after[query][1] < before[query][1]]
    assert saved, "no query fell in a gap between chunks: the test no longer tests the raised bounds"


def test_a_misspelling_fetches_one_chunk_for_it_and_one_for_its_stem(page: Any, sites: tuple[Path, Path]) -> None:
    # Its results may change: Pagefind falls back to the longest indexed word it begins
    # with among the chunks it fetched, and it now fetches only the word's own (kb/search.py).
    _, raised = sites
    typos = _misspellings(_words(raised / BUNDLE))
    assert len(typos) > 20
    answers = _answers(page, raised, typos)
    assert {query: count for query, (_, _, count) in answers.items() if count > 2} == {}
