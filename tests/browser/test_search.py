"""Material's search box: names and phrases lead to the right page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import goto, main_text, screenshot, search

pytestmark = pytest.mark.browser

FIRST_RESULT = [
    ("Kishida", "/administrations/kishida/"),
    ("Stockholm agreement", "/themes/stockholm-agreement/"),
    ("Abe", "/administrations/abe/"),
    ("Summit diplomacy", "/themes/summit-diplomacy/"),
]


@pytest.mark.parametrize(("query", "path"), FIRST_RESULT)
def test_name_of_a_topic_finds_its_page_first(page: Any, site_url: str, query: str, path: str) -> None:
    goto(page, site_url, "/")
    results = search(page, query)
    if query == "Stockholm agreement":
        screenshot(page, "search-results")
    results.first.click()
    page.wait_for_url(re.compile(re.escape(path) + r"(\?h=[^#]*)?$"))
    assert query.casefold() in page.locator("h1").inner_text().casefold()


@pytest.mark.parametrize("query", ["Kim Yo Jong", "severed communication channels", "Ishikawa Prefecture"])
def test_person_or_phrase_lands_on_a_page_that_holds_it(page: Any, site_url: str, query: str) -> None:
    goto(page, site_url, "/")
    search(page, query).first.click()
    page.wait_for_url(re.compile(r"\?h="))
    assert query.casefold() in main_text(page).casefold()
