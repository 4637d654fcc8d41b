"""Tagged collection -> Pages: the generated Markdown files of the site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kb.mentions import Mentions
from kb.pages.sitemap import OWNED
from kb.tagging import Collection
from kb.timeline import Event

__all__ = ["OWNED", "Draft", "Kept", "Lines", "Page", "Reuse", "plan_pages", "render_pages"]


@dataclass(frozen=True)
class Page:
    """A generated file: its path under docs/ and its full text."""

    path: str
    content: str


@dataclass(frozen=True)
class Kept:
    """A generated file left as the last build wrote it: what it is made from did not change, nor did the file."""

    path: str


@dataclass(frozen=True)
class Draft:
    """A page not rendered yet: its path, what it is made from, and how to make it.

    `reads` names the articles whose results the page shows (None: the whole
    collection); `extra` is anything else it depends on beyond those articles,
    the taxonomy, the entities, the day and the generator's code (picklable).
    A renderer that under-declares `reads` makes a stale page: tests/test_cache.py
    compares builds with and without the cache after edits of every kind.
    """

    path: str
    reads: tuple[str, ...] | None
    make: Callable[[], str]
    extra: object = None

    def page(self) -> Page:
        """Render it."""
        return Page(self.path, self.make())


class Reuse(Protocol):
    """Decides which drafts need no rendering because their files are as an earlier build made them from the same inputs (kb/cache.py)."""

    def kept(self, draft: Draft) -> bool:
        """Whether the draft's file stays as it is (if not, it is rendered and written, and the answer remembers its inputs)."""


class Lines(Protocol):
    """Lines of a page made of many items (collection.json) that an earlier build encoded, found by a key of what each is made of (kb/keeper.py)."""

    def key(self, article_id: str, *parts: bytes) -> bytes | None:
        """The key of a line made from this article's results and `parts` (anything else it depends on); None: not known, encode it."""

    def get(self, key: bytes) -> str | None:
        """The line stored under `key`, if any."""

    def put(self, key: bytes, line: str) -> None:
        """Store a line just encoded."""

    def seen(self, count: int) -> None:
        """Say how many lines a list was made of, asked for or not (so the store knows whether it saw them all)."""


def drafts(collection: Collection, mentions: Mentions, events: tuple[Event, ...], lines: Lines | None = None) -> list[Draft]:
    """Every page of the site as a draft, in no particular order."""
    from kb.pages import article, citations, entities, export, indexes, timeline, topics
    from kb.pages.plan import Plan

    plan = Plan(collection, mentions, events, lines)
    found: list[Draft] = []
    for renderer in (topics, indexes, entities, export, timeline, article, citations):
        found += renderer.drafts(plan)
    return found


def plan_pages(
    collection: Collection, mentions: Mentions, events: tuple[Event, ...], reuse: Reuse, lines: Lines | None = None
) -> tuple[Page | Kept, ...]:
    """Every generated file, sorted by path: rendered, or kept as it is when `reuse` says nothing it is made from changed."""
    out: list[Page | Kept] = []
    for draft in drafts(collection, mentions, events, lines):
        out.append(Kept(draft.path) if reuse.kept(draft) else draft.page())
    return tuple(sorted(out, key=lambda page: page.path))


def render_pages(collection: Collection, mentions: Mentions, events: tuple[Event, ...]) -> tuple[Page, ...]:
    """Every generated page of the site, rendered, sorted by path."""
    return tuple(sorted((draft.page() for draft in drafts(collection, mentions, events)), key=lambda page: page.path))
