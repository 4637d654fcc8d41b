"""Hostile sources: whatever a contributor writes, the built site runs none of it as script."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import mkdocs_build
from tests.helpers import CASES

HOSTILE = CASES / "collections" / "hostile"
_SCRIPT_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}


class _Page(HTMLParser):
    """Collects what could run: scripts, handlers, script URLs; and the article's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside <article>
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[tuple[str, str]] = []
        self.article_tags: list[str] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if self.depth:
            self.article_tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value or ""))
            if name in _URL_ATTRIBUTES and _SCRIPT_URL.match(cleaned):
                self.urls.append((tag, cleaned))
        if tag == "script":
            self._script, self._script_text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        elif self.depth:
            self.text.append(data)


@pytest.fixture(scope="module")
def hostile_site(project_factory: Callable[..., Path]) -> Path:
    project = project_factory("hostile", sources=HOSTILE)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_no_page_has_event_handlers_or_script_urls(hostile_site: Path) -> None:
    for path in _pages(hostile_site):
        page = _parse(path)
        assert page.handlers == [], path
        assert page.urls == [], path


def test_only_the_themes_own_scripts_run(hostile_site: Path) -> None:
    for path in _pages(hostile_site):
        for attrs, body in _parse(path).scripts:
            source = attrs.get("src") or ""
            assert not source or "/assets/" in source or source.startswith("assets/") or "assets/" in source, (path, source)
            assert "alert(" not in body, (path, body[:200])


# What generated Markdown itself produces; any other element in a content area
# would have come from a source.
CONTENT_TAGS = {
    "article", "a", "p", "h1", "h2", "h3", "ul", "ol", "li", "strong", "em", "blockquote", "span", "div", "nav",
    "table", "thead", "tbody", "tr", "th", "td", "code", "img", "hr", "br", "label", "select", "option", "button", "caption",
}  # fmt: skip


@pytest.mark.parametrize("page", ["articles/2024-01-raw-html", "articles", "administrations/kishida", "themes/abductions", "explore/matrix"])
def test_content_areas_hold_only_generated_elements(hostile_site: Path, page: str) -> None:
    parsed = _parse(hostile_site / page / "index.html")
    assert parsed.article_tags, "no article area found"
    assert set(parsed.article_tags) <= CONTENT_TAGS


def test_hostile_text_is_shown_verbatim_as_text(hostile_site: Path) -> None:
    text = " ".join("".join(_parse(hostile_site / "articles" / "2024-01-raw-html" / "index.html").text).split())
    assert "<script>alert('body script')</script> Prime Minister Kishida spoke of the abductions." in text
    assert "[markdown link](javascript:alert('md'))" in text
    assert "&lt;script&gt;alert('entities')&lt;/script&gt;" in text


def test_front_matter_text_cannot_add_keys(hostile_site: Path) -> None:
    page = (hostile_site / "articles" / "2024-01-raw-html" / "index.html").read_text(encoding="utf-8")
    assert "evil.html" in html.unescape(page)  # shown as text in the summary...
    assert "{{ config.site_name }}" in html.unescape(page)  # ...and template syntax is not evaluated
    docs = hostile_site.parent / "docs" / "articles" / "2024-01-raw-html.md"
    front = docs.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    keys = [line.split(":", 1)[0] for line in front.splitlines()[1:] if line and not line.startswith((" ", "-"))]
    assert "template" not in keys and "hooks" not in keys


def test_the_hostile_article_is_still_tagged(hostile_site: Path) -> None:
    kishida = (hostile_site / "administrations" / "kishida" / "index.html").read_text(encoding="utf-8")
    assert "2024-01-raw-html" in kishida
