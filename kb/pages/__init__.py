"""Tagged collection -> Pages: the generated Markdown files of the site."""

from __future__ import annotations

from dataclasses import dataclass

from kb.mentions import Mentions
from kb.pages.sitemap import OWNED
from kb.tagging import Collection
from kb.timeline import Event

__all__ = ["OWNED", "Page", "render_pages"]


@dataclass(frozen=True)
class Page:
    """A generated file: its path under docs/ and its full text."""

    path: str
    content: str


def render_pages(collection: Collection, mentions: Mentions, events: tuple[Event, ...]) -> tuple[Page, ...]:
    """Every generated page of the site, sorted by path."""
    from kb.pages import article, citations, entities, export, indexes, timeline, topics
    from kb.pages.plan import Plan

    plan = Plan(collection, mentions, events)
    pages = [*topics.render(plan), *article.render(plan), *indexes.render(plan)]
    pages += [*entities.render(plan), *citations.render(plan), *export.render(plan)]
    pages += [*timeline.render(plan)]
    return tuple(sorted(pages, key=lambda page: page.path))
