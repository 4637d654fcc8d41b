"""What a reader does in a real browser: follow quotes to their paragraphs, themes, the matrix, colours, phones."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import goto, main_text, screenshot

pytestmark = pytest.mark.browser

IN_VIEWPORT = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }"""
BACKGROUND = "el => getComputedStyle(el).backgroundColor"


def test_home_page_leads_to_the_administrations(page: Any, site_url: str) -> None:
    goto(page, site_url, "/")
    assert page.locator("h1").inner_text().startswith("Japan–North Korea Relations Knowledge Base")
    screenshot(page, "home")
    page.locator("article a", has_text="Administrations").first.click()
    page.wait_for_url(re.compile(r"/administrations/$"))
    page.get_by_role("link", name="Kishida administration").first.click()
    page.wait_for_url(re.compile(r"/administrations/kishida/$"))
    assert page.locator("h1").inner_text().startswith("Kishida administration")
    screenshot(page, "administration")


def test_quoted_passage_opens_its_paragraph_highlighted_and_back_returns(page: Any, site_url: str) -> None:
    goto(page, site_url, "/administrations/kishida/")
    quote = page.locator("blockquote a[href*='/articles/'][href*='#p-']").first
    href = quote.get_attribute("href")
    assert href is not None
    anchor = href.split("#", 1)[1]
    quoted_text = " ".join(quote.locator("xpath=ancestor::blockquote").inner_text().split())
    quote.click()
    page.wait_for_url(re.compile(rf"/articles/[^/]+/#{anchor}$"))
    assert page.evaluate("location.hash") == f"#{anchor}"
    target = page.locator(f"[id='{anchor}']")
    assert "kb-para" in (target.get_attribute("class") or "")
    page.wait_for_function(f"{IN_VIEWPORT}", arg=target.element_handle())
    # The quote on the topic page is the paragraph's text, verbatim.
    paragraph = " ".join(target.inner_text().split())
    assert paragraph.split(" ", 2)[2][:60] in quoted_text
    other = page.locator(f".kb-para:not([id='{anchor}'])").first
    assert target.evaluate(BACKGROUND) != other.evaluate(BACKGROUND)
    assert target.evaluate(BACKGROUND) not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot(page, "article", full_page=False)  # the highlighted paragraph as the reader sees it
    page.go_back()
    page.wait_for_url(re.compile(r"/administrations/kishida/$"))
    assert page.locator("h1").inner_text().startswith("Kishida administration")


def test_paragraph_tag_opens_the_theme_page(page: Any, site_url: str) -> None:
    goto(page, site_url, "/articles/2023-07-kishida-north-korea-summit-challenging/")
    page.locator(".kb-ptags a[href*='/themes/stockholm-agreement/']").first.click()
    page.wait_for_url(re.compile(r"/themes/stockholm-agreement/$"))
    assert page.locator("h1").inner_text().startswith("Stockholm agreement")
    screenshot(page, "theme")


def test_tags_index_links_each_tag_to_its_page(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/tags/")
    row = page.locator("article table tr", has=page.locator("a", has_text="Stockholm agreement"))
    assert row.count() == 1
    assert int(row.locator("td").nth(2).inner_text()) > 0  # articles
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/themes/stockholm-agreement/$"))
    assert "Stockholm agreement" in page.locator("h1").inner_text()


def test_matrix_cell_opens_the_administrations_theme_section(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/matrix/")
    table = page.locator("article table")
    assert table.locator("thead th").count() >= 2
    assert table.locator("thead th").first.inner_text() == "Administration"
    screenshot(page, "matrix")
    cell = table.locator("a[href$='/administrations/kishida/#summit-diplomacy']")
    count = int(cell.inner_text())
    assert count > 0
    assert cell.get_attribute("aria-label") == f"{count} passages: Kishida administration, Summit diplomacy"
    cell.click()
    page.wait_for_url(re.compile(r"/administrations/kishida/#summit-diplomacy$"))
    page.wait_for_function(IN_VIEWPORT, arg=page.locator("[id='summit-diplomacy']").element_handle())


def test_matrix_shades_busy_cells_differently_from_empty_ones(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/matrix/")
    cells = page.locator("article table td")
    shades = cells.evaluate_all(
        "tds => tds.filter(td => td.querySelector('.kb-heat')).map(td => "
        "[td.querySelector('.kb-heat').className, getComputedStyle(td).backgroundColor])"
    )
    by_level: dict[str, set[str]] = {}
    for classes, colour in shades:
        level = re.search(r"kb-heat-(\d)", classes)
        assert level, classes
        by_level.setdefault(level[1], set()).add(colour)
    assert "0" in by_level and len(by_level) >= 3, by_level
    assert all(len(colours) == 1 for colours in by_level.values()), by_level
    assert len({next(iter(c)) for c in by_level.values()}) == len(by_level), "each level has its own shade"


def test_palette_toggle_switches_light_and_dark(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/matrix/")
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    assert scheme() == "default"
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    screenshot(page, "matrix-dark")
    page.reload()  # the choice is remembered
    page.wait_for_selector("body[data-md-color-scheme]")
    assert scheme() == "slate"
    page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")


PHONE_PAGES = [
    "/",
    "/administrations/",
    "/administrations/kishida/",
    "/themes/",
    "/themes/stockholm-agreement/",
    "/articles/",
    "/articles/2023-07-kishida-north-korea-summit-challenging/",
    "/explore/matrix/",
    "/explore/tags/",
]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_phone_width_has_no_horizontal_scrolling(browser: Any, site_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        goto(page, site_url, path)
        assert main_text(page)
        widths = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        assert widths[0] <= widths[1], f"{path} scrolls sideways at 375px: {widths}"
        if path == "/explore/matrix/":
            screenshot(page, "matrix-phone")
    finally:
        context.close()
