"""Articles + taxonomy -> tagged passages: which paragraph concerns which administration and theme."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kb.sources import Article, Block
from kb.taxonomy import Taxonomy


class Matcher:
    """Finds whole-word occurrences of terms, ignoring those inside an excluded phrase.

    A trailing `*` on a term matches any word ending ("abduct*" finds
    "abductees"); terms in CJK scripts match anywhere, since those scripts
    put no spaces between words.
    """

    def __init__(self, terms: Iterable[str], exclude: Iterable[str] = (), case_sensitive: bool = False) -> None:
        flags = 0 if case_sensitive else re.IGNORECASE
        self._find = _compile(terms, flags)
        self._exclude = _compile(exclude, flags) if exclude else None

    def find(self, text: str) -> list[str]:
        """The matched words, in order of appearance."""
        if self._find is None:
            return []
        blocked = [m.span() for m in self._exclude.finditer(text)] if self._exclude else []
        return [
            m.group(0)
            for m in self._find.finditer(text)
            if not any(start <= m.start() and m.end() <= end for start, end in blocked)
        ]


def _compile(terms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    parts = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        prefix = term.endswith("*")
        body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        if body and body[-1].isascii():
            body += r"\w*" if prefix else r"(?!\w)"
        if body and body.lstrip("\\")[:1].isascii():
            body = r"(?<!\w)" + body
        parts.append(body)
    return re.compile("|".join(parts), flags) if parts else None


@dataclass(frozen=True)
class Passage:
    """A paragraph with the administrations and themes it concerns, and why."""

    article: Article
    block: Block
    administrations: tuple[str, ...]
    themes: tuple[str, ...]
    evidence: tuple[tuple[str, str], ...]  # (administration or theme id, the words that matched)

    @property
    def anchor(self) -> str:
        """The paragraph's anchor on its article page."""
        return self.block.anchor


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


@dataclass(frozen=True)
class Collection:
    """Every tagged article in (date, id) order, with the taxonomy that tagged them."""

    taxonomy: Taxonomy
    articles: tuple[TaggedArticle, ...]

    def about(self, tag: str) -> tuple[TaggedArticle, ...]:
        """Articles concerning an administration or theme id."""
        return tuple(a for a in self.articles if tag in a.administrations or tag in a.themes)


def tag_articles(articles: Iterable[Article], taxonomy: Taxonomy) -> Collection:
    """Tag every paragraph of every article."""
    matchers = _matchers(taxonomy)
    admin_order = [a.id for a in taxonomy.administrations]
    theme_order = [t.id for t in taxonomy.themes]
    tagged = []
    for article in articles:
        passages = tuple(_tag(article, block, matchers) for block in article.paragraphs)
        admins = {a for p in passages for a in p.administrations} | set(article.administrations)
        themes = {t for p in passages for t in p.themes} | set(article.themes)
        tagged.append(
            TaggedArticle(
                article,
                passages,
                tuple(a for a in admin_order if a in admins),
                tuple(t for t in theme_order if t in themes),
            )
        )
    return Collection(taxonomy, tuple(tagged))


def tag_text(text: str, taxonomy: Taxonomy) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The administrations and themes a piece of text concerns (for tests and tools)."""
    admins, themes, _ = _match(text, _matchers(taxonomy))
    return admins, themes


def _matchers(taxonomy: Taxonomy) -> list[tuple[str, str, Matcher]]:
    matchers = [(a.id, "administration", Matcher(a.aliases, a.exclude, case_sensitive=True)) for a in taxonomy.administrations]
    return matchers + [(t.id, "theme", Matcher(t.phrases, t.exclude)) for t in taxonomy.themes]


def _tag(article: Article, block: Block, matchers: list[tuple[str, str, Matcher]]) -> Passage:
    admins, themes, evidence = _match(block.text, matchers)
    return Passage(article, block, admins, themes, evidence)


def _match(text: str, matchers: list[tuple[str, str, Matcher]]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    admins: list[str] = []
    themes: list[str] = []
    evidence: list[tuple[str, str]] = []
    for tag_id, kind, matcher in matchers:
        words = matcher.find(text)
        if words:
            (admins if kind == "administration" else themes).append(tag_id)
            evidence.append((tag_id, ", ".join(dict.fromkeys(words))))
    return tuple(admins), tuple(themes), tuple(evidence)
