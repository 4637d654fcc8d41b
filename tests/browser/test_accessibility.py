"""axe-core finds no serious or critical accessibility violation on any kind of page, light or dark."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import axe_violations, describe, goto, require_axe, search

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "administrations index": "/administrations/",
    "administration": "/administrations/kishida/",
    "themes index": "/themes/",
    "theme": "/themes/stockholm-agreement/",
    "articles index": "/articles/",
    "article": "/articles/2023-07-kishida-north-korea-summit-challenging/",
    "matrix": "/explore/matrix/",
    "tags": "/explore/tags/",
    "search results": "/",
}
SCHEMES = {"light": "default", "dark": "slate"}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_accessibility_violations(browser: Any, site_url: str, kind: str, scheme: str) -> None:
    require_axe()
    # Material follows the system's colour scheme until the reader picks one.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        goto(page, site_url, PAGES[kind])
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
        if kind == "search results":
            search(page, "Stockholm agreement")
        violations = axe_violations(page)
        assert not violations, f"{kind} ({scheme}):\n{describe(violations)}"
    finally:
        context.close()
