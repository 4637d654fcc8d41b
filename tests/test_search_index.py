"""The search bundle: Pagefind's real index of the built site, its filters, language tags, and reproducible bytes."""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb import cbor
from kb.entities import load_entities
from kb.search import BUNDLE, SearchIndexError, executable, index_site
from kb.taxonomy import load_taxonomy
from tests.conftest import mkdocs_build
from tests.helpers import CASES, ROOT, SEED_ENTITIES

# --- the CBOR codec the bundle is normalised with -----------------------------------------

_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text() | st.binary(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5),
    max_leaves=30,
)


@given(_values)
def test_cbor_round_trips(value: cbor.Value) -> None:
    assert cbor.loads(cbor.dumps(value)) == value


@given(_values, st.data())
def test_cbor_refuses_truncated_bytes(value: cbor.Value, data: st.DataObject) -> None:
    encoded = cbor.dumps(value)
    cut = data.draw(st.integers(min_value=0, max_value=len(encoded) - 1))
    with pytest.raises(cbor.CBORError):
        cbor.loads(encoded[:cut])


def test_cbor_uses_the_shortest_heads() -> None:
    assert cbor.dumps([23, 24, 255, 256, 65536, "é"]) == bytes.fromhex("86 17 1818 18ff 190100 1a00010000 62c3a9")


# --- the bundle of the built seed site --------------------------------------------------


class _Page(HTMLParser):
    """Filter values, language-tagged texts and the labelled lines of a built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.filters: dict[str, list[str]] = {}
        self.langs: list[tuple[str, str]] = []
        self._open: list[tuple[str, str]] = []  # (kind, key) of the elements being read
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-pagefind-filter" in found:
            self._open.append(("filter", found["data-pagefind-filter"] or ""))
            self._text = []
        elif tag == "span" and found.get("lang"):
            self._open.append(("lang", found["lang"] or ""))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            kind, key = self._open.pop()
            value = "".join(self._text)
            if kind == "filter":
                self.filters.setdefault(key, []).append(value)
            else:
                self.langs.append((key, value))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _linked_names(page_html: str, label: str) -> list[str]:
    """The link texts on the page's `**label:**` line."""
    line = re.search(rf"<strong>{label}:</strong>(.*?)(?:<br|</p>)", page_html, re.S)
    assert line, label
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in re.findall(r"<a [^>]*>(.*?)</a>", line[1])]


def test_the_bundle_indexes_every_page_but_the_listings_and_lunr_is_gone(built_site: Path) -> None:
    from kb.search import EXCLUDED

    entry = json.loads((built_site / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {p.relative_to(built_site).as_posix(): p.read_bytes() for p in built_site.rglob("*.html")}
    content = {path for path, data in pages.items() if b'class="md-content__inner' in data}
    listings = {path for path in content if EXCLUDED in pages[path]}
    # The listings only repeat what article pages hold: search leads to the article's paragraph instead.
    assert {"explore/timeline/index.html", "articles/index.html"} <= listings
    assert not {p for p in listings if p.startswith(("administrations/", "themes/", "people/")) or (p.count("/") == 2 and p.startswith("articles/"))}
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(content - listings)
    assert (built_site / BUNDLE / "pagefind.js").is_file()
    assert not (built_site / "search").exists()  # Material's lunr index is not built


def test_article_filters_are_what_the_page_says(built_site: Path) -> None:
    articles = sorted((built_site / "articles").glob("*/index.html"))
    articles = [a for a in articles if a.parent.name not in ("by-period",)]
    assert articles
    for path in articles:
        text = path.read_text(encoding="utf-8")
        filters = _parse(path).filters
        assert filters["kind"] == ["article"], path
        assert filters.get("administration", []) == _linked_names(text, "Administrations"), path
        assert filters.get("theme", []) == _linked_names(text, "Themes"), path
        date = re.search(r"<strong>Date:</strong> ([^<]*)", text)
        assert date and filters["year"] == [re.findall(r"\d{4}", date[1])[-1]], path
        publisher = re.search(r"<strong>Publisher:</strong> (.*?)</li>", text, re.S)
        assert publisher and filters["publisher"] == [html.unescape(re.sub(r"<[^>]+>", "", publisher[1])).strip()], path


def test_topic_and_people_pages_carry_their_kind(built_site: Path) -> None:
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    for admin in taxonomy.administrations:
        assert _parse(built_site / "administrations" / admin.id / "index.html").filters["kind"] == ["administration"]
    for theme in taxonomy.themes:
        filters = _parse(built_site / "themes" / theme.id / "index.html").filters
        assert filters["kind"] == ["theme"] and filters["theme"] == [theme.name]
    for entity in load_entities(SEED_ENTITIES).entities:
        expected = "organisation" if entity.kind == "organisation" else "person"
        assert _parse(built_site / "people" / entity.id / "index.html").filters["kind"] == [expected], entity.id


def test_japanese_and_korean_names_carry_their_language(built_site: Path) -> None:
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    named = [(f"administrations/{a.id}", a.ja, a.ko) for a in taxonomy.administrations]
    named += [(f"themes/{t.id}", t.ja, t.ko) for t in taxonomy.themes]
    named += [(f"people/{e.id}", e.ja, e.ko) for e in load_entities(SEED_ENTITIES).entities]
    checked = 0
    for page, ja, ko in named:
        langs = _parse(built_site / page / "index.html").langs
        for lang, name in (("ja", ja), ("ko", ko)):
            if name:
                assert (lang, " ".join(name.split())) in langs, (page, lang, langs)
                checked += 1
    assert checked > 0


# --- hostile text and failures ---------------------------------------------------------


def test_hostile_publisher_is_a_filter_value_as_text(project_factory: Callable[..., Path]) -> None:
    project = project_factory("hostile-search", sources=CASES / "collections" / "hostile")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    page = project / "site" / "articles" / "2024-01-raw-html" / "index.html"
    source = (project / "sources" / "2024-01-raw-html.md").read_text(encoding="utf-8")
    publisher = re.search(r'^publisher: "(.*)"$', source, re.M)
    assert publisher
    assert _parse(page).filters["publisher"] == [publisher[1].replace('\\"', '"')]
    facets = page.read_text(encoding="utf-8").split('class="kb-search-facets"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r"<(\w+)", facets) == ["span"] * len(re.findall(r"<span", facets))


def test_a_failed_indexer_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html><body>no article here</body></html>", encoding="utf-8")
    with pytest.raises(SearchIndexError, match=r"Pagefind failed on .*\(exit 1\)"):
        index_site(tmp_path)


def test_a_missing_indexer_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # as if the wheel were not installed
    with pytest.raises(SearchIndexError, match=r"pagefind-bin-extended package is missing: run `make \.venv/\.installed`"):
        executable()


# --- `mkdocs serve`: the index follows each save, in the background ---------------------


@pytest.mark.slow
def test_serve_reindexes_after_a_save_without_another_build(project_factory: Callable[..., Path]) -> None:
    from tests.test_serve import ARTICLE, Preview, _add_paragraph

    project = project_factory("serve-search", sources=CASES / "collections" / "tiny")
    server = Preview(project)

    def served_words() -> tuple[str, int]:
        status, text = server.get(f"{BUNDLE}/pagefind-entry.json")
        if status != 200:
            return "", 0
        language = json.loads(text)["languages"]["en"]["hash"]
        try:  # the bundle may be swapped between the two requests: then ask again
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/{BUNDLE}/pagefind.{language}.pf_meta", timeout=20) as response:
                meta = cbor.loads(gzip.decompress(response.read())[len(b"pagefind_dcd") :])
        except urllib.error.HTTPError:
            return "", 0
        assert isinstance(meta, list) and isinstance(meta[1], list)
        return language, sum(int(page[1]) for page in meta[1])  # type: ignore[index, call-overload]

    try:
        server.wait(lambda: served_words()[0] != "", "the first search bundle")
        before = served_words()
        _add_paragraph(project / "sources" / f"{ARTICLE}.md", "Seven new words about the abductions here.")
        server.wait(lambda: served_words()[0] not in ("", before[0]), "the search bundle of the save")
        after = served_words()
        assert after[1] > before[1], (before, after)
        server.settle()
        out = server.output()
        assert out.count("Building documentation") == 2, out  # the indexer's writes start no build
        assert "search:" not in out, out
    finally:
        server.stop()
