"""The site as published on a GitHub Pages project site: no page logs an error or requests a missing file; 404 at any depth."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.support import axe_violations, describe, require_axe, screenshot
from tests.conftest import PROJECT_SITE

pytestmark = pytest.mark.browser
PREFIX = urlsplit(PROJECT_SITE).path  # "/kb-repo/"


class _ProjectSiteHandler(SimpleHTTPRequestHandler):
    """Serves site/ under PREFIX and answers a missing address with 404.html, as GitHub Pages does."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if not route.startswith(PREFIX):
            return str(Path(self.directory) / "\x00missing")  # nothing outside the project site
        return super().translate_path("/" + route[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def project_site(addressed_site: Path) -> Iterator[str]:
    """The site built for PROJECT_SITE, served at http://127.0.0.1:<port>/kb-repo/."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_ProjectSiteHandler, directory=str(addressed_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


PAGES = [
    "",
    "administrations/",
    "administrations/kishida/",
    "themes/stockholm-agreement/",
    "articles/",
    "articles/2024-03-lee-japan-north-korea-dialogue/",
    "people/",
    "people/lee-kitae/",
    "explore/matrix/",
    "explore/timeline/",
    "explore/tags/",
]


class Watch:
    """Console errors, failed requests and error responses of one page load."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        self.requested: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})") if m.type == "error" else None)
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        page.on("request", lambda r: self.requested.append(r.url))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


def _load(page: Any, url: str) -> Any:
    response = page.goto(url)
    page.wait_for_function("typeof window.document$ !== 'undefined'")
    page.wait_for_load_state("networkidle")
    return response


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors_or_missing_files(page: Any, project_site: str, path: str) -> None:
    watch = Watch(page)
    response = _load(page, project_site + path)
    assert response.status == 200
    assert watch.problems == []
    assert not [u for u in watch.requested if u.endswith("sitemap.xml")], "the feed link must not make Material fetch a sitemap"
    # The feed is discoverable, and there.
    feed = page.locator("link[type='application/atom+xml']")
    assert "alternate" in (feed.get_attribute("rel") or "").split()
    assert page.request.get(feed.evaluate("l => l.href")).status == 200


@pytest.mark.parametrize("missing", ["nothing-here/", "articles/1999-renamed-article/", "a/b/c/d/e/"])
def test_a_missing_address_at_any_depth_gets_the_styled_404_page(page: Any, project_site: str, missing: str) -> None:
    watch = Watch(page)
    response = _load(page, project_site + missing)
    assert response.status == 404
    # Only the page itself is missing: its styles, scripts and links resolve.
    assert [p for p in watch.problems if missing not in p] == []
    assert page.locator("h1").inner_text() == "Page not found"
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), "Material's stylesheet applies"
    home = page.get_by_role("link", name="Every article, newest first")
    assert home.evaluate("a => a.href") == project_site + "articles/"
    feed = page.locator("link[type='application/atom+xml']").evaluate("l => l.href")
    assert feed == project_site + "explore/feed.xml"
    if missing.count("/") > 3:
        screenshot(page, "404-deep")
    home.click()
    page.wait_for_url(project_site + "articles/")
    assert page.locator("h1").inner_text().startswith("Articles")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_404_page_has_no_serious_accessibility_violations(browser: Any, project_site: str, scheme: str) -> None:
    require_axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        _load(page, project_site + "a/b/missing/")
        violations = axe_violations(page)
        assert not violations, f"404 ({scheme}):\n{describe(violations)}"
    finally:
        context.close()
