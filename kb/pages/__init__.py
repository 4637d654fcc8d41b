"""Tagged collection -> Pages: the generated Markdown files of the site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kb.mentions import Mentions
from kb.pages.sitemap import OWNED
from kb.sources import Article
from kb.tagging import Collection
from kb.timeline import Event

__all__ = ["OWNED", "Page", "Reuse", "render_pages"]


@dataclass(frozen=True)
class Page:
    """A generated file: its path under docs/ and its full text."""

    path: str
    content: str


class Reuse(Protocol):
    """Keeps an article's pages from an earlier build when nothing they are made from changed (kb/cache.py)."""

    def kept(self, article: Article, inputs: object) -> list[Page] | None:
        """The article's pages as the earlier build wrote them, or None to render them."""

    def rendered(self, article: Article, inputs: object, pages: list[Page]) -> None:
        """The article's pages, just rendered from `inputs`."""


def render_pages(collection: Collection, mentions: Mentions, events: tuple[Event, ...], reuse: Reuse | None = None) -> tuple[Page, ...]:
    """Every generated page of the site, sorted by path.

    The per-article renderers (article pages and reference files) make each
    page from one article's own results, the taxonomy, the entities and which
    topic pages quote its paragraphs, nothing else: so with `reuse`, an
    article's pages are rendered only when one of those changed.
    """
    from kb.pages import article, citations, entities, export, indexes, timeline, topics
    from kb.pages.plan import Plan

    plan = Plan(collection, mentions, events)
    pages = [*topics.render(plan), *indexes.render(plan), *entities.render(plan), *export.render(plan), *timeline.render(plan)]
    for tagged in collection.articles:
        inputs = tuple(tuple(plan.quoted_on.get((tagged.article.id, p.anchor), ())) for p in tagged.passages)
        kept = reuse.kept(tagged.article, inputs) if reuse is not None else None
        if kept is None:
            one = plan.only(tagged)
            kept = [*article.render(one), *citations.render(one)]
            if reuse is not None:
                reuse.rendered(tagged.article, inputs, kept)
        pages += kept
    return tuple(sorted(pages, key=lambda page: page.path))
