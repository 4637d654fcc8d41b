"""The articles index: filters by administration, theme, year and publisher; a plain table without script."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import goto, screenshot

pytestmark = pytest.mark.browser

ROWS = "article table tbody tr"


def visible_rows(page: Any) -> list[dict[str, str]]:
    """The data attributes of each row the reader can see."""
    return page.locator(ROWS).evaluate_all(
        "trs => trs.filter(tr => !tr.hidden && tr.offsetParent !== null)"
        ".map(tr => Object.assign({}, tr.querySelector('.kb-row').dataset))"
    )


def test_choosing_an_administration_shows_only_its_articles(page: Any, site_url: str) -> None:
    goto(page, site_url, "/articles/")
    everything = visible_rows(page)
    expected = [row for row in everything if "kishida" in row["kbAdministration"].split()]
    assert 0 < len(expected) < len(everything)
    page.select_option("#kb-filter-administration", label="Kishida administration")
    shown = visible_rows(page)
    assert shown == expected
    assert page.inner_text(".kb-filters__status") == f"Showing {len(expected)} of {len(everything)} articles."
    screenshot(page, "articles-filtered")
    page.get_by_role("button", name="Show all").click()
    assert visible_rows(page) == everything


def test_filters_combine(page: Any, site_url: str) -> None:
    goto(page, site_url, "/articles/")
    page.select_option("#kb-filter-year", "2024")
    page.select_option("#kb-filter-theme", "backchannel")
    shown = visible_rows(page)
    assert shown
    assert all(row["kbYear"] == "2024" and "backchannel" in row["kbTheme"].split() for row in shown)
    page.select_option("#kb-filter-publisher", label="The Diplomat")  # published in 2014
    assert visible_rows(page) == []
    assert page.inner_text(".kb-filters__status").startswith("Showing 0 of")


def test_every_filter_has_a_label_and_every_option_matches_some_article(page: Any, site_url: str) -> None:
    goto(page, site_url, "/articles/")
    for field in ("administration", "theme", "year", "publisher"):
        select = page.locator(f"#kb-filter-{field}")
        assert page.locator(f"label[for='kb-filter-{field}']").count() == 1
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        assert values, field
        for value in values:
            select.select_option(value)
            assert visible_rows(page), f"{field}={value} leaves no article"
        select.select_option("")


def test_without_javascript_the_table_is_complete_and_no_filter_shows(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "/articles/")
        rows = page.locator(ROWS)
        assert rows.count() >= 5
        assert all(rows.nth(i).is_visible() for i in range(rows.count()))
        assert page.locator("select").count() == 0
    finally:
        context.close()
