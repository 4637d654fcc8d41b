"""What passes check renders as itself: an address is one link to exactly that address, a title keeps its `#`."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.pages.markup import external_link, text
from kb.sanitize import sanitize
from kb.sources import url_problem
from tests.conftest import mkdocs_build
from tests.helpers import CASES

EXTENSIONS = ["attr_list", "tables", "toc"]  # as in mkdocs.yml
# Every character an address may hold (kb.sources._URL), weighted towards Markdown's syntax.
URL_CHARS = st.sampled_from([*"abcXYZ019-._~%!$&'()*+,;=:@/?#[]", "](", "![", "](javascript:", "&amp;", "&#x61;", "%41", "_x_", "*y*"])
URLS = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}/{''.join(rest)}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["example.org", "a.b.example"]),
    st.lists(URL_CHARS, max_size=30),
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Links:
    parsed = _Links()
    parsed.feed(html)
    parsed.close()
    return parsed


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(URLS)
def test_an_address_that_passes_check_is_one_link_to_exactly_itself(url: str) -> None:
    if url_problem(url) is not None:
        return
    rendered = sanitize(markdown.markdown(f"- **Original:** {external_link(url)}", extensions=EXTENSIONS))
    parsed = _parse(rendered)
    links = [attrs for tag, attrs in parsed.tags if tag == "a"]
    assert [tag for tag, _ in parsed.tags] == ["ul", "li", "strong", "a"], rendered
    assert links == [{"href": url}], rendered
    assert "".join(parsed.text).strip().endswith(url)


@pytest.mark.parametrize("title", ["C# and F#", "Issue #", "Ends with ##", "# Starts with one"])
def test_a_heading_keeps_every_hash(title: str) -> None:
    rendered = markdown.markdown(f"# {text(title)}", extensions=EXTENSIONS)
    assert "".join(_parse(rendered).text) == title


HOSTILE_URL = "https://example.org/![x](https://evil.example/pixel.png)/[a](javascript:alert(1))"
SOURCES = {
    "2024-05-hostile-address.md": '---\ntitle: "C# notes #"\nauthors: ["Ann Example"]\npublisher: "Example Review"\ndate: "2024-05"\n'
    f'url: "{HOSTILE_URL}"\n---\n\n'
    "Prime Minister Ki\u200bshida spoke about the abductions in Tokyo.\n",
}


@pytest.fixture(scope="module")
def site(project_factory: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("hostile-address-sources")
    for path in (CASES / "collections" / "tiny").glob("*.md"):
        shutil.copy(path, sources / path.name)
    for name, content in SOURCES.items():
        (sources / name).write_text(content, encoding="utf-8")
    project = project_factory("hostile-address", sources=sources)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return project / "site"


def test_the_strict_build_passes_and_the_address_is_one_inert_link(site: Path) -> None:
    page = _parse((site / "articles" / "2024-05-hostile-address" / "index.html").read_text(encoding="utf-8"))
    assert not [attrs for tag, attrs in page.tags if tag == "img" and "evil" in str(attrs.get("src"))]
    hrefs = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert hrefs.count(HOSTILE_URL) == 1
    assert not [h for h in hrefs if h and ("evil" in h or "javascript" in h) and h != HOSTILE_URL]


def test_the_heading_keeps_the_title_and_the_text_is_what_is_shown(site: Path) -> None:
    html = (site / "articles" / "2024-05-hostile-address" / "index.html").read_text(encoding="utf-8")
    assert ">C# notes #<" in html.replace("\n", "")
    assert "Prime Minister Kishida spoke" in html
    assert "\u200b" not in html
    kishida = (site / "administrations" / "kishida" / "index.html").read_text(encoding="utf-8")
    assert "2024-05-hostile-address" in kishida


def test_the_feed_is_well_formed_xml(site: Path) -> None:
    feed = ET.parse(site / "explore" / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "C# notes #" in titles
