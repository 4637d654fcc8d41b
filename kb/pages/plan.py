"""Which passages each administration and theme page quotes, decided once for all pages."""

from __future__ import annotations

import copy
import operator
from collections import defaultdict
from collections.abc import Iterable

from kb import memo
from kb.mentions import Mentions
from kb.pages import Lines, sitemap
from kb.tagging import Collection, Passage, TaggedArticle
from kb.taxonomy import Administration, Taxonomy, Theme
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

    def __init__(self, collection: Collection, mentions: Mentions, events: tuple[Event, ...], lines: Lines | None = None) -> None:
        self.collection = collection
        self.events = events
        self.mentions = mentions
        self.lines = lines  # collection.json's lines from an earlier build (kb.pages.Lines), if the build keeps them
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
        quotes: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for (article_id, anchor), pages in sorted(self.quoted_on.items()):
            quotes[article_id].append((anchor, tuple(pages)))
        self._quotes = {article_id: tuple(found) for article_id, found in quotes.items()}

    def quotes_of(self, article_id: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(anchor, topic pages quoting it) for each quoted paragraph of an article: what its own page and data depend on beyond it."""
        return self._quotes.get(article_id, ())

    def _sections(
        self, tag: str, groups: tuple[Administration, ...] | tuple[Theme, ...], attribute: str
    ) -> list[tuple[str | None, list[Passage], int]]:
        """(group id or None for 'other', quoted passages, total) for one topic page."""
        # A long-lived process (mkdocs serve) plans again after every save: a topic whose
        # articles are the very same values as last time has the same sections.
        about = self._articles.get(tag, [])
        rules = (self.taxonomy, KEY_PASSAGES, PAGE_PASSAGES)
        last = _SECTIONS.get((tag, attribute))
        if last is not None and len(last[1]) == len(about) and all(map(operator.is_, last[1], about)) and _same(last[0], rules):
            return last[2]
        found = self._sections_of(tag, groups, attribute)
        _SECTIONS[(tag, attribute)] = (rules, list(about), found)
        return found

    def _sections_of(
        self, tag: str, groups: tuple[Administration, ...] | tuple[Theme, ...], attribute: str
    ) -> list[tuple[str | None, list[Passage], int]]:
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
        return [(group_id, newest_passages(members, limit), len(members)) for group_id, members in found]

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


# The last sections planned for each (topic, grouping): the taxonomy and limits, the topic's articles and the sections.
_SECTIONS: dict[tuple[str, str], tuple[tuple[Taxonomy, int, int], list[TaggedArticle], list[tuple[str | None, list[Passage], int]]]] = {}
memo.kept(_SECTIONS.clear)


def _same(old: tuple[Taxonomy, int, int], new: tuple[Taxonomy, int, int]) -> bool:
    # Each build reads the taxonomy afresh: an equal one is the same taxonomy.
    return old[1:] == new[1:] and (old[0] is new[0] or old[0] == new[0])


def newest_passages(passages: list[Passage], limit: int = KEY_PASSAGES) -> list[Passage]:
    """key_passages for passages given each once and grouped by article, reading only the newest articles' passages.

    A topic page's sections hold thousands of passages at scale; the choice needs
    the first passage of each of the last `limit` articles, found walking back.
    """
    if len(passages) <= limit:
        return passages
    firsts: dict[str, int] = {}  # article id -> index of its first passage, for the newest articles
    for index in range(len(passages) - 1, -1, -1):
        article_id = passages[index].article.id
        if article_id not in firsts and len(firsts) == limit:
            break
        firsts[article_id] = index
    chosen = set(firsts.values())
    index = 0
    while len(chosen) < limit:
        chosen.add(index)
        index += 1
    return [passages[i] for i in sorted(chosen)]


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
