"""The matrix shows every column (1280 px, print) and says when it must scroll; the timeline picture is explorable."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, axe_violations, describe, goto, require_axe, screenshot

pytestmark = pytest.mark.browser

HEADERS = "[...document.querySelectorAll('article table:has(.kb-heat) thead th')]"
# Each header's box, and the box of the part of the page it can be seen through (its scroll container).
BOXES = HEADERS + """.map(th => { const r = th.getBoundingClientRect(), w = th.closest('.md-typeset__scrollwrap') || document.body;
  const v = w.getBoundingClientRect();
  return {text: th.innerText.replace(/\\s+/g, ' ').trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          viewLeft: Math.max(v.left, 0), viewRight: Math.min(v.right, innerWidth)}; })"""
TOOLS = ("pdftoppm", "pdftotext")


def _visible(box: dict[str, Any]) -> bool:
    return box["left"] >= box["viewLeft"] - 0.5 and box["right"] <= box["viewRight"] + 0.5 and box["bottom"] > box["top"]


def test_matrix_shows_every_column_at_1280(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/matrix/")
    boxes = page.evaluate(BOXES)
    themes = page.locator("article table:has(.kb-heat) tbody tr").first.locator("td").count() - 1
    assert len(boxes) == themes + 1 >= 3
    hidden = [b["text"] for b in boxes if not _visible(b)]
    assert not hidden, f"column headers outside the viewport at 1280 px: {hidden}"
    # Header words wrap whole and fit their cells: none overflows ("Nuclear a / miss / programm").
    overflowing = page.evaluate(HEADERS + ".filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.innerText)")
    assert not overflowing, overflowing
    assert not page.locator(".kb-scroll-cue").is_visible()
    screenshot(page, "matrix-1280")


def test_matrix_at_375_scrolls_inside_its_frame_and_says_so(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        goto(page, site_url, "/explore/matrix/")
        wrap = page.locator(".md-typeset__scrollwrap:has(.kb-heat)")
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert sizes[0] > sizes[1], "at 375 px the table is wider than the screen"
        cue = page.locator(".kb-scroll-cue")
        assert cue.is_visible() and "sideways" in cue.inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
        screenshot(page, "matrix-375")
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        last = page.evaluate(BOXES)[-1]
        assert _visible(last), f"the last column cannot be scrolled into view: {last}"
    finally:
        context.close()


def _need(tools: tuple[str, ...]) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} missing: install poppler-utils (`sudo apt-get install poppler-utils`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_matrix_prints_every_column(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/matrix/")
    names = [" ".join(t.split()) for t in page.locator("article table:has(.kb-heat) thead th").all_inner_texts()]
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # an A4 page's text width at 96 dpi
    hidden = [b["text"] for b in page.evaluate(BOXES) if not _visible(b)]
    assert not hidden, f"column headers cut off in print: {hidden}"
    _need(TOOLS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "matrix-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(SCREENSHOTS / "matrix-print")], check=True)
    assert (SCREENSHOTS / "matrix-print.png").stat().st_size > 0
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words = set(re.findall(r"\w+", printed))
    for name in names:
        assert set(re.findall(r"\w+", name)) <= words, f"{name!r} is missing from the printed page"


# --- the timeline picture ---------------------------------------------------------------

MARK = ".kb-timeline a.kb-tl-link"


def test_timeline_mark_is_focusable_and_links_to_its_event(page: Any, site_url: str) -> None:
    goto(page, site_url, "/explore/timeline/")
    marks = page.locator(MARK)
    assert marks.count() >= 3
    assert page.locator(".kb-timeline img").count() == 0
    # Keyboard: Tab reaches a mark.
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.kb-tl-link')"):
            break
    else:
        pytest.fail("no timeline mark is reachable with the Tab key")
    href = page.evaluate("document.activeElement.closest('a').getAttribute('href')")
    tip = page.evaluate("document.activeElement.closest('a').querySelector('title').textContent")
    assert re.match(r"^#ev-[0-9a-f]{10}$", href) and ": " in tip
    page.keyboard.press("Enter")
    page.wait_for_function(f"location.hash === {href!r}")
    target = page.locator(f"[id='{href[1:]}']")
    assert target.count() == 1
    item = target.locator("xpath=ancestor::li[1]")
    page.wait_for_function("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }", arg=item.element_handle())
    assert item.evaluate("li => getComputedStyle(li).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot(page, "timeline-event", full_page=False)


def _fill(page: Any) -> str:
    return str(page.locator(f"{MARK} .kb-tl-mark").first.evaluate("el => getComputedStyle(el).fill"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_timeline_picture_follows_the_colour_scheme(browser: Any, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        goto(page, site_url, "/explore/timeline/")
        body = page.evaluate("getComputedStyle(document.body).backgroundColor")
        band = page.locator(".kb-timeline .kb-tl-band").first.evaluate("el => getComputedStyle(el).fill")
        text = page.locator(".kb-timeline text").first.evaluate("el => getComputedStyle(el).fill")
        assert band != text and _fill(page) != body
        expected = {"light": "rgb(40, 53, 147)", "dark": "rgb(197, 202, 233)"}[scheme]
        assert _fill(page) == expected
        page.locator(".kb-timeline").screenshot(path=str(SCREENSHOTS / f"timeline-{scheme}.png"))
    finally:
        context.close()


def test_timeline_labels_are_readable_at_375(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        goto(page, site_url, "/explore/timeline/")
        heights = page.locator(".kb-timeline text.kb-tl-label").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
        assert heights and min(heights) >= 10, f"band labels drawn smaller than 10 px: {heights}"
        assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
        assert page.locator(".kb-scroll-cue").first.is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".kb-timeline").screenshot(path=str(SCREENSHOTS / "timeline-375.png"))
        screenshot(page, "timeline-375-page")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/explore/timeline/", "/explore/matrix/"])
def test_no_serious_accessibility_violations(browser: Any, site_url: str, path: str, scheme: str) -> None:
    require_axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        goto(page, site_url, path)
        violations = axe_violations(page)
        assert not violations, f"{path} ({scheme}):\n{describe(violations)}"
    finally:
        context.close()
