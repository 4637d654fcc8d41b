"""Tagged collection + entities -> mentions: which passages name which entity, who wrote what."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kb.entities import Entities, Entity, no_entities
from kb.matcher import Matcher, Matchers
from kb.sources import Article
from kb.tagging import Collection, Passage, TaggedArticle


@dataclass(frozen=True)
class Mention:
    """One passage naming one entity, with the words that named it."""

    entity: str
    passage: Passage
    words: tuple[str, ...]


@dataclass(frozen=True)
class Mentions:
    """Every mention in collection order, and each article's authors resolved to entities."""

    entities: Entities
    mentions: tuple[Mention, ...] = ()
    # article id -> one entity id (or None when no entity is known) per front-matter author
    authors: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)
    # article id -> entity id of its publisher, when the publisher is a known entity
    publishers: Mapping[str, str] = field(default_factory=dict)
    _by_entity: Mapping[str, tuple[Mention, ...]] = field(init=False, repr=False, compare=False)
    _by_passage: Mapping[tuple[str, str], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _by_article: Mapping[str, tuple[Mention, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookups by entity and by passage, built once: pages ask for them per passage.
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        by_passage: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_article: dict[str, list[Mention]] = defaultdict(list)
        for mention in self.mentions:
            by_entity[mention.entity].append(mention)
            by_passage[(mention.passage.article.id, mention.passage.anchor)].append(mention.entity)
            by_article[mention.passage.article.id].append(mention)
        object.__setattr__(self, "_by_entity", {k: tuple(v) for k, v in by_entity.items()})
        object.__setattr__(self, "_by_passage", {k: tuple(v) for k, v in by_passage.items()})
        object.__setattr__(self, "_by_article", {k: tuple(v) for k, v in by_article.items()})

    def of(self, entity_id: str) -> tuple[Mention, ...]:
        """The mentions of one entity, in collection order."""
        return self._by_entity.get(entity_id, ())

    def in_article(self, article_id: str) -> tuple[Mention, ...]:
        """The mentions in one article, in order."""
        return self._by_article.get(article_id, ())

    def in_passage(self, article_id: str, anchor: str) -> tuple[str, ...]:
        """The entity ids a passage names."""
        return self._by_passage.get((article_id, anchor), ())

    def written_by(self, entity_id: str) -> tuple[str, ...]:
        """The ids of the articles an author wrote, in collection order."""
        return tuple(article for article, ids in self.authors.items() if entity_id in ids)

    def published_by(self, entity_id: str) -> tuple[str, ...]:
        """The ids of the articles an organisation published, in collection order."""
        return tuple(article for article, publisher in self.publishers.items() if publisher == entity_id)


def no_mentions() -> Mentions:
    """No entities, so no mentions."""
    return Mentions(no_entities())


@dataclass(frozen=True)
class ArticleMentions:
    """What one tagged article names, and who wrote and published it, as entities."""

    mentions: tuple[Mention, ...]
    authors: tuple[str | None, ...]  # one entity id (or None) per front-matter author
    publisher: str | None


class Mentioner:
    """The entities' matchers, built once: what each tagged article names."""

    def __init__(self, entities: Entities) -> None:
        self.entities = entities
        self.matchers = [(e, Matcher(e.names, e.exclude, case_sensitive=True)) for e in entities.entities]
        self.every = Matchers(matcher for _, matcher in self.matchers)

    def article(self, tagged: TaggedArticle) -> ArticleMentions:
        """Every entity's names in every passage of the article; its authors and publisher as entities."""
        mentions = []
        for passage in tagged.passages:
            for (entity, _), found in zip(self.matchers, self.every.matches(passage.block.text), strict=True):
                if found:
                    mentions.append(Mention(entity.id, passage, tuple(dict.fromkeys(m.words for m in found))))
        article = tagged.article
        authors = tuple(_id(self.entities.author(name)) for name in article.authors)
        publisher = _publisher(article.publisher, self.matchers) if article.publisher else None
        return ArticleMentions(tuple(mentions), authors, publisher)


def find_mentions(collection: Collection, entities: Entities) -> Mentions:
    """Match every entity's names in every passage, and articles' authors and publishers to entities."""
    mentioner = Mentioner(entities)
    mentions: list[Mention] = []
    authors: dict[str, tuple[str | None, ...]] = {}
    publishers: dict[str, str] = {}
    for tagged in collection.articles:
        found = mentioner.article(tagged)
        mentions += found.mentions
        authors[tagged.article.id] = found.authors
        if found.publisher:
            publishers[tagged.article.id] = found.publisher
    return Mentions(entities, tuple(mentions), authors, publishers)


def resolve_publishers(articles: Iterable[Article], entities: Entities) -> dict[str, str]:
    """Article id -> the organisation entity its front-matter publisher names, as find_mentions links them."""
    matchers = [(e, Matcher(e.names, e.exclude, case_sensitive=True)) for e in entities.entities if e.kind == "organisation"]
    found = {article.id: _publisher(article.publisher, matchers) for article in articles if article.publisher}
    return {article_id: entity for article_id, entity in found.items() if entity}


def _id(entity: Entity | None) -> str | None:
    return entity.id if entity else None


def _publisher(publisher: str, matchers: list[tuple[Entity, Matcher]]) -> str | None:
    # "Korea Institute for National Unification (KINU)" names one organisation
    # twice; a publisher naming two different organisations stays unlinked.
    found = {e.id for e, matcher in matchers if e.kind == "organisation" and matcher.find(publisher)}
    return found.pop() if len(found) == 1 else None
