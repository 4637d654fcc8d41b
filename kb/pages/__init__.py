"""Tagged collection -> Pages: the generated Markdown files of the site."""

from __future__ import annotations

from dataclasses import dataclass

from kb.tagging import Collection

# Folders under docs/ that the generator owns: it writes, rewrites and deletes
# files there, and nowhere else.
OWNED = ("administrations", "themes", "articles", "explore")


@dataclass(frozen=True)
class Page:
    """A generated file: its path under docs/ and its full text."""

    path: str
    content: str


def render_pages(collection: Collection) -> tuple[Page, ...]:
    """Every generated page of the site, sorted by path."""
    from kb.pages import article, indexes, topics
    from kb.pages.plan import Plan

    plan = Plan(collection)
    pages = [*topics.render(plan), *article.render(plan), *indexes.render(plan)]
    return tuple(sorted(pages, key=lambda page: page.path))
