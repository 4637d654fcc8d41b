"""The published address: site_url from the repository, canonical links, a filled sitemap, a 404 page for any depth."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import PROJECT_SITE
from tests.helpers import ROOT

SCRIPT = ROOT / "tools" / "site_url.sh"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def site_url(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Example-Owner", "kb-repo", ""), "https://example-owner.github.io/kb-repo/"),  # a project site
        (("octo", "Octo.github.io", ""), "https://octo.github.io/"),  # the owner's own site
        (("octo", "kb", "https://kb.example.org"), "https://kb.example.org/"),  # a custom domain, given
        (("octo", "kb", "http://127.0.0.1:8000/kb/"), "http://127.0.0.1:8000/kb/"),
    ],
)
def test_the_deploy_workflow_derives_the_address_from_the_repository(args: tuple[str, ...], expected: str) -> None:
    result = site_url(*args)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"KB_SITE_URL={expected}\n", "")


@pytest.mark.parametrize("given", ["ftp://kb.example.org/", "kb.example.org", "https://a.example/\nEVIL=1"])
def test_a_given_address_that_is_not_one_web_address_is_refused(given: str) -> None:
    result = site_url("octo", "kb", given)
    assert result.returncode != 0 and result.stdout == "" and "KB_SITE_URL must" in result.stderr


def test_the_deploy_workflow_sets_the_address_before_building() -> None:
    workflow = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert workflow.index('tools/site_url.sh "$OWNER" "$REPO" "$GIVEN" >> "$GITHUB_ENV"') < workflow.index("python build_kb.py site")
    assert "site_url: !ENV [KB_SITE_URL," in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


class Links(HTMLParser):
    """The <link> elements of a page (rel, type, href) and its stylesheet and script addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))
        if tag == "script" and dict(attrs).get("src"):
            self.scripts.append(str(dict(attrs)["src"]))


def links(path: Path) -> Links:
    reader = Links()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "pagefind" not in p.parts)


@pytest.mark.slow
def test_every_page_has_its_canonical_address(addressed_site: Path) -> None:
    for page in pages(addressed_site):
        served = page.parent.relative_to(addressed_site).as_posix()
        expected = PROJECT_SITE + ("" if served == "." else f"{served}/")
        canonical = [link.get("href") for link in links(page).links if link.get("rel") == "canonical"]
        assert canonical == [expected], page


@pytest.mark.slow
def test_the_sitemap_lists_every_page_at_its_address(addressed_site: Path) -> None:
    root = ET.fromstring((addressed_site / "sitemap.xml").read_bytes())
    listed = sorted(loc.text or "" for loc in root.iter(f"{SITEMAP}loc"))
    folders = [p.parent.relative_to(addressed_site).as_posix() for p in pages(addressed_site)]
    expected = sorted(PROJECT_SITE + ("" if folder == "." else f"{folder}/") for folder in folders)
    assert listed == expected
    assert any("/articles/2014-06-maslow-pragmatism-returns/" in loc for loc in listed)


@pytest.mark.slow
def test_the_404_page_works_at_any_depth(addressed_site: Path) -> None:
    page = addressed_site / "404.html"
    html = page.read_text(encoding="utf-8")
    reader = links(page)
    # Every address on the 404 page is absolute from the site's path, so it resolves wherever the page is shown.
    addresses = [str(link["href"]) for link in reader.links if link.get("href")] + reader.scripts
    addresses += re.findall(r'<a href="([^"#][^"]*)"', html)
    local = [a for a in addresses if not a.startswith(("http://", "https://"))]
    assert local and all(a.startswith("/kb-repo/") for a in local), [a for a in local if not a.startswith("/kb-repo/")]
    assert "//explore" not in html.replace("https://", "")
    assert "<h1 id=\"page-not-found\">Page not found</h1>" in html


@pytest.mark.slow
def test_the_feed_is_discoverable_without_looking_like_a_language_version(addressed_site: Path) -> None:
    for page in [addressed_site / "404.html", *pages(addressed_site)]:
        folder = "a/missing/deep/page" if page.name == "404.html" else page.parent.relative_to(addressed_site).as_posix()
        shown_at = PROJECT_SITE + ("" if folder == "." else f"{folder}/")
        feeds = [link for link in links(page).links if link.get("type") == "application/atom+xml"]
        assert len(feeds) == 1, page
        rel = str(feeds[0].get("rel")).split()
        # Feed readers look for the "alternate" token; Material fetches a sitemap for rel="alternate" exactly.
        assert "alternate" in rel and rel != ["alternate"]
        assert urljoin(shown_at, str(feeds[0].get("href"))) == PROJECT_SITE + "explore/feed.xml", page
