"""Articles + taxonomy -> tagged passages: which paragraph concerns which administration and theme, and why.

Each paragraph is read in its article's context (kb/context.py): names,
theme phrases, theme rules, anaphora and the administration in office when
the article was written. Every tag carries its reasons as Evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from kb import memo
from kb.context import Basis, Evidence, Reader
from kb.dating import DateMention
from kb.sources import Article, Block
from kb.taxonomy import Taxonomy

__all__ = ["Basis", "Collection", "Evidence", "Passage", "TaggedArticle", "Tagger", "tag_articles", "tag_text"]


@dataclass(frozen=True)
class Passage:
    """A paragraph with the administrations and themes it concerns, and why."""

    article: Article
    block: Block
    administrations: tuple[str, ...]
    themes: tuple[str, ...]
    evidence: tuple[Evidence, ...]  # every reason for every tag, in tag order
    dates: tuple[DateMention, ...] = ()  # the dates the paragraph gives, resolved in its article's context

    @property
    def anchor(self) -> str:
        """The paragraph's anchor on its article page."""
        return self.block.anchor

    def reasons(self, tag: str) -> tuple[Evidence, ...]:
        """Why the paragraph has this administration or theme id."""
        return tuple(e for e in self.evidence if e.tag == tag)


@dataclass(frozen=True)
class TaggedArticle:
    """An article, its passages, and what the article as a whole concerns."""

    article: Article
    passages: tuple[Passage, ...]
    administrations: tuple[str, ...]  # from passages and front matter, taxonomy order
    themes: tuple[str, ...]

    def passages_about(self, tag: str) -> tuple[Passage, ...]:
        """The passages tagged with this administration or theme id."""
        return tuple(p for p in self.passages if tag in p.administrations or tag in p.themes)

    def from_front_matter_only(self, tag: str) -> bool:
        """Whether only the front matter, not the text, puts the article under `tag`."""
        return not self.passages_about(tag)

    def front_matter_evidence(self) -> tuple[Evidence, ...]:
        """The tags only the front matter gives, as evidence."""
        tags = (*self.administrations, *self.themes)
        return tuple(Evidence(t, Basis.FRONT_MATTER, "") for t in tags if self.from_front_matter_only(t))


@dataclass(frozen=True)
class Collection:
    """Every tagged article in (date, id) order, with the taxonomy that tagged them."""

    taxonomy: Taxonomy
    articles: tuple[TaggedArticle, ...]

    def about(self, tag: str) -> tuple[TaggedArticle, ...]:
        """Articles concerning an administration or theme id."""
        return tuple(a for a in self.articles if tag in a.administrations or tag in a.themes)


class Tagger:
    """The taxonomy's matchers and rules, built once: what a piece of text or an article concerns, and why."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._reader = Reader(taxonomy)

    def match(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Evidence, ...]]:
        """(administration ids, theme ids, evidence) of a text read alone, without an article's date."""
        reading = self._reader.read([text], None)[0]
        return reading.administrations, reading.themes, reading.evidence

    def article(self, article: Article) -> TaggedArticle:
        """Every paragraph of an article, read in order in the article's context."""
        blocks = article.paragraphs
        readings = self._reader.read([b.text for b in blocks], article.date)
        passages = tuple(
            Passage(article, block, r.administrations, r.themes, r.evidence, r.dates) for block, r in zip(blocks, readings, strict=True)
        )
        admins = {a for p in passages for a in p.administrations} | set(article.administrations)
        themes = {t for p in passages for t in p.themes} | set(article.themes)
        return TaggedArticle(
            article,
            passages,
            tuple(a.id for a in self.taxonomy.administrations if a.id in admins),
            tuple(t.id for t in self.taxonomy.themes if t.id in themes),
        )


def tag_articles(articles: Iterable[Article], taxonomy: Taxonomy) -> Collection:
    """Tag every paragraph of every article."""
    tagger = _tagger(taxonomy)
    return Collection(taxonomy, tuple(tagger.article(article) for article in articles))


def tag_text(text: str, taxonomy: Taxonomy) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The administrations and themes a piece of text concerns, read alone (for tests and tools)."""
    admins, themes, _ = _tagger(taxonomy).match(text)
    return admins, themes


@functools.lru_cache(maxsize=4)
def _tagger(taxonomy: Taxonomy) -> Tagger:
    # Building the matchers costs far more than reading one article: a long-lived
    # process (mkdocs serve, tools calling tag_text) builds them once per taxonomy.
    return Tagger(taxonomy)


memo.kept(_tagger.cache_clear)
