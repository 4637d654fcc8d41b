"""Helpers for the browser tests: open a page, search, read, take screenshots, run axe."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save a screenshot (whole page, or what the window shows) under tests/artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def goto(page: Any, base: str, path: str) -> None:
    """Open a page of the site and wait until Material's scripts have set it up."""
    page.goto(base + path)
    page.wait_for_function("typeof window.document$ !== 'undefined'")  # Material's bundle has run


def search(page: Any, query: str) -> Any:
    """Type a query into the search box (Pagefind) and wait for its results; returns the results' page links."""
    box = page.locator(".md-search__input")
    if not box.is_visible():  # narrow screens hide the box behind the magnifier button
        page.locator("label.md-header__button[for='__search']").click()
    box.click()
    box.fill(query)
    wait_for_results(page)
    return page.locator(".md-search-result__item > a.md-search-result__link:not(.kb-search-passage)")


def wait_for_results(page: Any) -> None:
    """Wait until the search dialog shows the answer to the query in the box (results or none)."""
    page.wait_for_function(
        "() => /matching page/i.test(document.querySelector('.md-search-result__meta').textContent)"
        " && (document.querySelector('.md-search-result__item') || /^No /.test(document.querySelector('.md-search-result__meta').textContent.trim()))",
    )


def main_text(page: Any) -> str:
    """The article body of the current page, whitespace collapsed."""
    return " ".join(page.inner_text("article.md-content__inner").split())


def require_axe() -> None:
    """Skip (fail under CI=true) when axe-core has not been installed by `npm ci`."""
    if not AXE.is_file():
        message = f"{AXE} is missing: run `npm ci` in the project folder"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core (from node_modules) on the current page; the violations of the given impacts."""
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in result if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines: rule, impact, help, and the first few offending nodes."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)
