"""The site map: page paths, relative links between pages, reserved names; every generated link resolves."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from kb.mentions import find_mentions
from kb.pages import OWNED, render_pages, sitemap
from kb.tagging import tag_articles
from kb.timeline import extract_events
from tests.helpers import ROOT, seed_inputs

LINKS = [
    ("administrations/abe.md", "administrations/suga.md", None, "suga.md"),
    ("administrations/abe.md", "themes/abductions.md", None, "../themes/abductions.md"),
    ("articles/index.md", "articles/2024-x.md", None, "2024-x.md"),
    ("articles/by-period/2024.md", "articles/index.md", None, "../index.md"),
    ("articles/by-period/2024.md", "articles/2024-x.md", "p-1234567", "../2024-x.md#p-1234567"),
    ("explore/timeline/2024-05.md", "themes/abductions.md", None, "../../themes/abductions.md"),
    ("explore/timeline.md", "explore/timeline/2024.md", None, "timeline/2024.md"),
    ("explore/timeline.md", "explore/timeline.svg", None, "timeline.svg"),
    ("explore/matrix.md", "administrations/abe.md", "abductions", "../administrations/abe.md#abductions"),
]


@pytest.mark.parametrize(("here", "target", "anchor", "expected"), LINKS)
def test_link_is_relative_to_the_page(here: str, target: str, anchor: str | None, expected: str) -> None:
    assert sitemap.link(here, target, anchor) == expected
    assert posixpath.normpath(posixpath.join(posixpath.dirname(here), expected.split("#")[0])) == target


@pytest.mark.parametrize(("here", "target", "expected"), [
    (sitemap.FEED, sitemap.ARTICLES_INDEX, "../articles/"),
    (sitemap.FEED, sitemap.article("2024-x"), "../articles/2024-x/"),
    (sitemap.FEED, sitemap.TIMELINE, "timeline/"),
])  # fmt: skip
def test_url_is_the_built_page_address(here: str, target: str, expected: str) -> None:
    assert sitemap.url(here, target) == expected


def test_served_is_the_address_from_the_site_root() -> None:
    assert sitemap.served(sitemap.article("2024-x")) == "articles/2024-x/"
    assert sitemap.served(sitemap.ARTICLES_INDEX) == "articles/"
    assert sitemap.served(sitemap.timeline_period("2024-05")) == "explore/timeline/2024-05/"


def test_reserved_names_come_from_the_site_pages() -> None:
    assert sitemap.reserved("articles") == {"index", "by-period"}
    assert sitemap.reserved("administrations") == sitemap.reserved("themes") == sitemap.reserved("people") == {"index"}
    assert {"matrix", "tags", "timeline", "feed", "collection"} <= sitemap.reserved("explore")
    assert all(path.split("/")[0] in OWNED for path in (*sitemap.LISTINGS, *sitemap.SUBFOLDERS))


def test_every_link_of_every_generated_page_resolves() -> None:
    taxonomy, articles, entities = seed_inputs()
    collection = tag_articles(articles, taxonomy)
    pages = render_pages(collection, find_mentions(collection, entities), extract_events(collection))
    paths = {p.path for p in pages} | {"index.md"}
    anchors = {p.path: set(re.findall(r"\{ #([a-z0-9-]+)", p.content)) | _heading_ids(p.content) for p in pages}
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.content):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            file, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), file))
            if resolved not in paths or (anchor and resolved in anchors and anchor not in anchors[resolved]):
                broken.append(f"{page.path}: {target}")
    assert broken == []


def _heading_ids(content: str) -> set[str]:
    """The ids MkDocs gives to headings without an explicit one (enough for the generator's own headings)."""
    return {re.sub(r"[^a-z0-9]+", "-", h.lower()).strip("-") for h in re.findall(r"^#{2,3} ([^{\n]+)$", content, re.MULTILINE)}


def test_renderers_ask_the_site_map_for_every_path() -> None:
    # A hand-written `../themes/{id}.md` would bypass the one owner of page paths.
    written = []
    for module in sorted((ROOT / "kb" / "pages").glob("*.py")):
        if module.name == "sitemap.py":
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
            handmade = re.search(r"\.md[)#\"}]|\.\./|[\"'](?:administrations|themes|articles|people|explore)/", line)
            if handmade and not line.lstrip().startswith(("#", '"""')):
                written.append(f"{module.name}:{number}: {line.strip()}")
    assert written == []


def test_taxonomy_anchors_are_reserved() -> None:
    assert {"other-passages", "no-administration", "timeline", "other-dates", "articles"} <= sitemap.ANCHORS


def test_paths_of_the_site_map_are_under_owned_folders(tmp_path: Path) -> None:
    for path in (sitemap.administration("a"), sitemap.theme("t"), sitemap.article("x"), sitemap.person("p"),
                 sitemap.reference("x", "bib"), sitemap.articles_period("2024"), sitemap.timeline_period("2024-05")):  # fmt: skip
        assert path.split("/")[0] in OWNED
