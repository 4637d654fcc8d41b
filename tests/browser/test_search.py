"""Pagefind search in the header's box, in Chromium: names, phrases, Japanese and Korean, filters, keyboard."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.search import index_site
from tests.browser.conftest import serve
from tests.browser.support import goto, screenshot, search, wait_for_results
from tests.conftest import mkdocs_build
from tests.helpers import CASES

pytestmark = pytest.mark.browser

RESULTS = ".md-search-result__item > a.md-search-result__link:not(.kb-search-passage)"
PASSAGES = ".md-search-result__item > a.kb-search-passage"


def result_paths(page: Any) -> list[str]:
    """The page paths of the results shown, in order."""
    return [re.sub(r"^https?://[^/]+", "", href) for href in page.locator(RESULTS).evaluate_all("links => links.map(a => a.href)")]


def total(page: Any) -> int:
    """The number of matching pages the dialog reports (results beyond the first ten are behind "more")."""
    found = re.match(r"(\d+|No) matching page", page.locator(".md-search-result__meta").inner_text().strip())
    assert found, page.locator(".md-search-result__meta").inner_text()
    return 0 if found[1] == "No" else int(found[1])


def ime_input(page: Any, query: str) -> None:
    """Put text in the box as an input method does, without key presses, and end it with the keyup it sends."""
    box = page.locator(".md-search__input")
    box.focus()
    box.evaluate("(input, text) => { input.value = text; }", query)  # no input event, as with some IMEs
    box.dispatch_event("keyup", {"key": "Process"})
    wait_for_results(page)


FIRST_RESULT = [
    ("Kishida", "/administrations/kishida/"),
    ("Stockholm agreement", "/themes/stockholm-agreement/"),
    ("Summit diplomacy", "/themes/summit-diplomacy/"),
    ("Kim Yo Jong", "/people/kim-yo-jong/"),
]


@pytest.mark.parametrize(("query", "path"), FIRST_RESULT)
def test_name_of_a_page_finds_it_first(page: Any, site_url: str, query: str, path: str) -> None:
    goto(page, site_url, "/")
    results = search(page, query)
    if query == "Stockholm agreement":
        screenshot(page, "search-results", full_page=False)
    results.first.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    assert query.casefold() in page.locator("h1").inner_text().casefold()


# Japanese and Korean names (from taxonomy.yml and entities.yml), and other spellings.
OTHER_NAMES = [
    ("拉致", "/themes/abductions/"),
    ("拉致問題", "/themes/abductions/"),
    ("납치", "/themes/abductions/"),
    ("일본인 납치 문제", "/themes/abductions/"),
    ("김정은", "/people/kim-jong-un/"),
    ("金与正", "/people/kim-yo-jong/"),
    ("ストックホルム合意", "/themes/stockholm-agreement/"),
    ("小泉純一郎", "/administrations/koizumi/"),
    ("Chongryon", "/people/chongryon/"),
    ("Lee Ki-Tae", "/people/lee-kitae/"),
]


@pytest.mark.parametrize(("query", "path"), OTHER_NAMES)
def test_japanese_korean_and_other_names_find_their_page(page: Any, site_url: str, query: str, path: str) -> None:
    goto(page, site_url, "/")
    ime_input(page, query)
    assert path in result_paths(page)[:3], result_paths(page)
    page.locator(f"{RESULTS}[href$='{path}']").first.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", query):  # shown in a span of its language
        names = page.locator("article [lang='ja'], article [lang='ko']").all_inner_texts()
        assert any(query in name for name in names), names


def test_japanese_and_korean_names_carry_their_language(page: Any, site_url: str) -> None:
    goto(page, site_url, "/themes/abductions/")
    spans = page.locator("article [lang]").evaluate_all("els => els.map(e => [e.lang, e.textContent])")
    by_lang = {lang: text for lang, text in spans}
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", by_lang["ja"]) and not re.search(r"[\uac00-\ud7af]", by_lang["ja"])
    assert re.search(r"[\uac00-\ud7af]", by_lang["ko"]) and not re.search(r"[\u3040-\u30ff]", by_lang["ko"])


@pytest.mark.parametrize("query", ["severed communication channels", "Ishikawa Prefecture"])
def test_a_phrase_links_to_the_paragraph_that_holds_it(page: Any, site_url: str, query: str) -> None:
    goto(page, site_url, "/")
    search(page, query)
    # Article paragraphs carry ids: a passage from an article links to its very paragraph.
    passage = page.locator(f"{PASSAGES}[href*='/articles/']").filter(has_text=re.compile(query.split()[0], re.IGNORECASE)).first
    shown = " ".join(passage.inner_text().split()).casefold()
    assert all(word.casefold() in shown for word in query.split())
    href = passage.get_attribute("href")
    assert "#" in href
    passage.click()
    page.wait_for_url(re.compile("#"))
    target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    paragraph = " ".join(page.locator(f"p.kb-para[id='{target}']").inner_text().split()).casefold()
    assert all(word.casefold() in paragraph for word in query.split()), paragraph


def test_a_filter_narrows_the_results(page: Any, site_url: str) -> None:
    goto(page, site_url, "/")
    search(page, "Kishida")
    everything = total(page)
    page.locator(".kb-search-filters summary").click()  # the filters load when first opened
    page.wait_for_function("document.querySelector('#kb-search-filter-kind')")
    wait_for_results(page)
    kinds = page.locator("#kb-search-filter-kind option").evaluate_all("os => os.map(o => o.value)")
    assert {"article", "administration", "theme", "person"} <= set(kinds)
    page.select_option("#kb-search-filter-kind", "article")
    wait_for_results(page)
    articles = result_paths(page)
    assert 0 < total(page) < everything
    assert all(path.startswith("/articles/") for path in articles), articles
    assert set(page.locator(".kb-search-kind").all_inner_texts()) == {"article"}
    # Each year's option counts the results it would keep; one with results narrows to that year.
    options = page.locator("#kb-search-filter-year option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    kept = {value: int(re.search(r"\((\d+)\)$", label)[1]) for value, label in options if value}
    assert sum(kept.values()) == total(page)  # an article has one year
    year = min(y for y, n in kept.items() if n)
    page.select_option("#kb-search-filter-year", year)
    wait_for_results(page)
    narrowed = result_paths(page)
    assert total(page) == kept[year] == len(narrowed) and set(narrowed) <= set(articles)
    screenshot(page, "search-filtered", full_page=False)
    for path in narrowed:
        goto(page, site_url, path)
        assert re.search(rf"Date: [^\n]*\b{year}\b", page.locator("article").inner_text())


def test_keyboard_alone_reaches_a_filter_and_a_result(page: Any, site_url: str) -> None:
    goto(page, site_url, "/articles/")
    page.keyboard.press("/")  # Material's search key
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("Stockholm agreement")
    wait_for_results(page)
    for _ in range(6):  # Tab past the reset button to the filters' toggle
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#kb-search-filter-kind')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kb-search-filter-kind"
    page.keyboard.type("theme")  # a closed select picks the option typed
    wait_for_results(page)
    assert page.evaluate("document.activeElement.value") == "theme"
    page.locator(".md-search__input").focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and "/themes/" in focused
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/themes/"))


def test_escape_closes_the_dialog(page: Any, site_url: str) -> None:
    goto(page, site_url, "/")
    search(page, "Abe")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")


def test_the_index_loads_only_when_the_reader_searches(page: Any, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    goto(page, site_url, "/articles/2023-07-kishida-north-korea-summit-challenging/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "/pagefind/" in url or "search_index" in url], requested
    page.locator(".md-search__input").focus()
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('Type to search')")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/pagefind/pagefind.js") for url in requested)
    assert not [url for url in requested if "/pagefind/filter/" in url]  # filters wait until they are opened
    assert not [url for url in requested if "search_index" in url or "/workers/search" in url]
    page.locator(".kb-search-filters summary").click()
    page.wait_for_function("document.querySelector('#kb-search-filter-kind')")
    assert [url for url in requested if "/pagefind/filter/" in url]


def test_no_match_says_so(page: Any, site_url: str) -> None:
    goto(page, site_url, "/")
    search(page, "zzxqv")
    assert page.locator(".md-search-result__meta").inner_text().strip() == "No matching pages"
    assert page.locator(RESULTS).count() == 0


@pytest.fixture(scope="module")
def hostile_url(project_factory: Any) -> Iterator[str]:
    """A site built from hostile sources, served on 127.0.0.1."""
    project = project_factory("hostile-search-browser", sources=CASES / "collections" / "hostile")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    with serve(project / "site") as url:
        yield url


def test_hostile_text_in_results_stays_text(page: Any, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    goto(page, hostile_url, "/")
    search(page, "body script Kishida")
    results = page.locator(".md-search-result__list")
    assert "<script>alert('title')</script> Kishida and the <b>abductions</b>" in results.inner_text()
    assert "<script>alert('body script')</script>" in results.inner_text()
    tags = set(results.evaluate("list => [...list.querySelectorAll('*')].map(e => e.localName)"))
    assert tags <= {"li", "a", "article", "h2", "p", "mark", "span", "button"}, tags
    assert dialogs == []


@pytest.fixture(scope="module")
def bundled_url(built_site: Path, tmp_path_factory: Any) -> Iterator[str]:
    """The seed site with its index split into bundles of at most 8 pages (as a large site is), served on 127.0.0.1."""
    copy = tmp_path_factory.mktemp("bundled-browser") / "site"
    shutil.copytree(built_site, copy)
    index_site(copy, pages_per_bundle=8)
    with serve(copy) as url:
        yield url


def _answer(page: Any, base: str, query: str, kind: str | None = None) -> tuple[int, list[str]]:
    """The number of matching pages and the first results' paths for a query (narrowed to a page kind)."""
    goto(page, base, "/")
    search(page, query)
    if kind:
        page.locator(".kb-search-filters summary").click()
        page.wait_for_function("document.querySelector('#kb-search-filter-kind')")
        wait_for_results(page)
        page.select_option("#kb-search-filter-kind", kind)
        wait_for_results(page)
    return total(page), result_paths(page)


@pytest.mark.parametrize(
    ("query", "path", "kind"),
    [("Kishida", "/administrations/kishida/", None), ("拉致", "/themes/abductions/", None), ("김정은", "/people/kim-jong-un/", None),
     ("Stockholm agreement", None, "article")],
)  # fmt: skip
def test_merged_bundles_search_as_one_index(page: Any, site_url: str, bundled_url: str, query: str, path: str | None, kind: str | None) -> None:
    whole_total, _ = _answer(page, site_url, query, kind)
    split_total, split_paths = _answer(page, bundled_url, query, kind)
    assert split_total == whole_total > 0  # the same pages match, counted across every bundle
    if path:
        assert path in split_paths[:3], split_paths
    else:
        assert split_paths and all(p.startswith("/articles/") for p in split_paths), split_paths
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    goto(page, bundled_url, "/")
    search(page, query)
    assert [url for url in requested if "/pagefind/more/" in url]  # the other bundles were searched
    assert not [url for url in requested if "/pagefind/more/" in url and (url.endswith(".js") or "/wasm." in url)]
