"""Which passages each administration and theme page quotes, decided once for all pages."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable

from kb.mentions import Mentions
from kb.pages import sitemap
from kb.tagging import Collection, Passage, TaggedArticle
from kb.taxonomy import Administration, Theme
from kb.timeline import Event

# A topic page quotes at most this many passages per section, so that pages
# stay readable (and small) as the collection grows; the rest are reached
# through the article list below the quotes.
KEY_PASSAGES = 8
# And at most this many in all: a page with many sections (a theme discussed under
# every administration) quotes fewer per section, so its size stays bounded.
PAGE_PASSAGES = 60
# Likewise a topic page lists at most this many articles, the most recent; the
# articles index lists them all.
ARTICLE_LIST = 50


class Plan:
    """The collection plus the quoting decisions shared by topic and article pages."""

    def __init__(self, collection: Collection, mentions: Mentions, events: tuple[Event, ...]) -> None:
        self.collection = collection
        self.events = events
        self.mentions = mentions
        self.taxonomy = collection.taxonomy
        self._articles, self._passages = _by_tag(collection.articles)
        self._position: dict[str, int] | None = None
        self.quoted_on: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.admin_sections = {a.id: self._sections(a.id, self.taxonomy.themes, "themes") for a in self.taxonomy.administrations}
        self.theme_sections = {t.id: self._sections(t.id, self.taxonomy.administrations, "administrations") for t in self.taxonomy.themes}
        for page, sections in ((sitemap.administration, self.admin_sections), (sitemap.theme, self.theme_sections)):
            for page_id, groups in sections.items():
                quoted = {(p.article.id, p.anchor) for _, passages, _ in groups for p in passages}
                for key in sorted(quoted):
                    self.quoted_on[key].append(page(page_id))

    def _sections(
        self, tag: str, groups: tuple[Administration, ...] | tuple[Theme, ...], attribute: str
    ) -> list[tuple[str | None, list[Passage], int]]:
        """(group id or None for 'other', quoted passages, total) for one topic page."""
        buckets: dict[str, list[Passage]] = {group.id: [] for group in groups if group.id != tag}
        rest: list[Passage] = []
        for passage in self._passages.get(tag, ()):
            other = False
            for value in dict.fromkeys(getattr(passage, attribute)):
                if value != tag:
                    other = True
                    if value in buckets:
                        buckets[value].append(passage)
            if not other:
                rest.append(passage)
        found: list[tuple[str | None, list[Passage]]] = [(group_id, members) for group_id, members in buckets.items() if members]
        if rest:
            found.append((None, rest))
        limit = max(1, min(KEY_PASSAGES, PAGE_PASSAGES // max(len(found), 1)))
        return [(group_id, key_passages(members, limit), len(members)) for group_id, members in found]

    def only(self, tagged: TaggedArticle) -> Plan:
        """This plan with its collection cut to one article, for the per-article renderers."""
        view = copy.copy(self)
        view.collection = Collection(self.taxonomy, (tagged,))
        view._articles, view._passages = _by_tag((tagged,))
        view._position = None
        return view

    def in_order(self, ids: Iterable[str]) -> list[TaggedArticle]:
        """The articles of these ids, each once, in collection order."""
        if self._position is None:
            self._position = {tagged.article.id: index for index, tagged in enumerate(self.collection.articles)}
        found = sorted({self._position[i] for i in ids if i in self._position})
        return [self.collection.articles[index] for index in found]

    def about(self, tag: str) -> tuple[TaggedArticle, ...]:
        """Articles concerning an administration or theme id, in collection order (as Collection.about)."""
        return tuple(self._articles.get(tag, ()))

    def passages_of(self, tag: str) -> list[Passage]:
        """Every passage tagged with an administration or theme id, in collection order."""
        return list(self._passages.get(tag, ()))


def _by_tag(articles: tuple[TaggedArticle, ...]) -> tuple[dict[str, list[TaggedArticle]], dict[str, list[Passage]]]:
    """The articles and the passages concerning each administration and theme id, in collection order, found in one pass."""
    by_article: dict[str, list[TaggedArticle]] = defaultdict(list)
    by_passage: dict[str, list[Passage]] = defaultdict(list)
    for tagged in articles:
        tags = {*tagged.administrations, *tagged.themes}
        for tag in tags:
            by_article[tag].append(tagged)
        for passage in tagged.passages:
            for tag in tags.intersection((*passage.administrations, *passage.themes)):
                by_passage[tag].append(passage)
    return dict(by_article), dict(by_passage)


def key_passages(passages: list[Passage], limit: int = KEY_PASSAGES) -> list[Passage]:
    """At most `limit`, in their order: one per article first (the newest articles), then the rest."""
    if len(passages) <= limit:
        return passages
    firsts: dict[str, Passage] = {}
    for passage in passages:
        firsts.setdefault(passage.article.id, passage)
    chosen = set(map(id, list(firsts.values())[-limit:]))
    for passage in passages:
        if len(chosen) >= limit:
            break
        chosen.add(id(passage))
    return [p for p in passages if id(p) in chosen]
