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
        self._find = _Terms(terms, flags)
        self._exclude = _Terms(exclude, flags)

    def find(self, text: str) -> list[str]:
        """The matched words, in order of appearance."""
        probe = _probe(text)
        find, on_folded = self._find.pattern_for(probe)
        if find is None:
            return []
        exclude, exclude_folded = self._exclude.pattern_for(probe)
        blocked = [m.span() for m in exclude.finditer(probe.subject(exclude_folded))] if exclude else []
        return [
            text[m.start() : m.end()]
            for m in find.finditer(probe.subject(on_folded))
            if not any(start <= m.start() and m.end() <= end for start, end in blocked)
        ]


def _ordered(terms: Iterable[str]) -> tuple[str, ...]:
    """Longest first, so that the alternation prefers the longest term."""
    return tuple(sorted(set(terms), key=lambda t: (-len(t), t)))


def _compile(terms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    """One alternation of the terms, in the order given."""
    parts = []
    for term in terms:
        prefix = term.endswith("*")
        body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        if body and body[-1].isascii():
            body += r"\w*" if prefix else r"(?!\w)"
        if body[:1].isascii() and body[:1].isalnum():
            # `a(?<!\w.)` means `(?<!\w)a`, but starting with a letter lets the
            # engine skip straight to the places where a term's first letter is.
            body = body[0] + r"(?<!\w.)" + body[1:]
        elif body and body.lstrip("\\")[:1].isascii():
            body = r"(?<!\w)" + body
        parts.append(body)
    return re.compile("|".join(parts), flags) if parts else None


# A collection has tens of thousands of paragraphs and a matcher dozens of terms:
# one big alternation tried at every position of every paragraph dominated the
# build. So each term first gets a cheap necessary condition (its leading word is
# one of the paragraph's words, or its leading letters occur in it), and the
# regular expression holds only the terms that pass it. Dropping terms that match
# nowhere in a text leaves the matches of the alternation unchanged.
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")
_WORDS = re.compile(r"\w+")
_ASCII = re.compile(r"[\x00-\x7f]+")


class _Probe:
    """One text with its words, and its lowercase form where lowercasing is exact."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = frozenset(_WORDS.findall(text))
        # Case-insensitive matching equals comparing lowercase text only if every
        # cased letter is ASCII (re.IGNORECASE also equates e.g. K, ſ, ı with k, s, i);
        # then lowercasing changes no length either, so positions carry over.
        other = _ASCII.sub("", text)
        exact = other.lower() == other and other.upper() == other
        self.folded = text.lower() if exact else None
        self.folded_words = frozenset(_WORDS.findall(self.folded)) if self.folded is not None else frozenset()

    def subject(self, folded: bool) -> str:
        """The text a pattern runs on: the lowercase form for lowercase patterns."""
        return self.folded if folded and self.folded is not None else self.text


_last: list[_Probe] = []


def _probe(text: str) -> _Probe:
    # Callers run many matchers over one text in a row: the probe is made once.
    if not _last or _last[0].text is not text:
        _last[:] = [_Probe(text)]
    return _last[0]


class _Terms:
    """A matcher's terms, compiled for each set of terms a text can contain."""

    def __init__(self, terms: Iterable[str], flags: int) -> None:
        self.terms = _ordered(terms)
        self.flags = flags
        self.folded = bool(flags & re.IGNORECASE)
        self.full = _compile(self.terms, flags)
        # Lowercase terms matched case-sensitively on lowercase text find the same
        # words, and a case-sensitive pattern is the one the engine can skip through.
        self.lowered = self.folded and all(ch.isascii() or ch.lower() == ch.upper() for t in self.terms for ch in t)
        self.by_word: dict[str, list[int]] = {}
        self.by_text: list[tuple[str, int]] = []
        self.usable = True
        for index, term in enumerate(self.terms):
            head = _head(term, self.folded)
            if head is None:
                self.usable = False
            elif head[1]:
                self.by_word.setdefault(head[0], []).append(index)
            else:
                self.by_text.append((head[0], index))
        self.heads = frozenset(self.by_word)
        self.compiled: dict[tuple[int, ...], tuple[re.Pattern[str] | None, bool]] = {}

    def pattern_for(self, probe: _Probe) -> tuple[re.Pattern[str] | None, bool]:
        """The pattern of the terms that can occur in the text (None if none can), and whether it runs on lowercase text."""
        if self.full is None:
            return None, False
        if not self.usable or (self.folded and probe.folded is None):
            return self.full, False
        text = probe.subject(self.folded)
        words = self.heads.intersection(probe.folded_words if self.folded else probe.words)
        present = [i for word in words for i in self.by_word[word]]
        if self.by_text:
            present += [i for head, i in self.by_text if head in text]
        if not present:
            return None, False
        key = tuple(sorted(set(present)))
        if key not in self.compiled:
            chosen = [self.terms[i] for i in key]
            if self.lowered:
                self.compiled[key] = _compile([t.lower() for t in chosen], 0), True
            else:
                self.compiled[key] = _compile(chosen, self.flags), False
        return self.compiled[key]


def _head(term: str, folded: bool) -> tuple[str, bool] | None:
    """(what the text must contain, whether as a whole word) for a term to match; None if unsure."""
    body = term.rstrip("*")
    word = _ASCII_WORD.match(body)
    if word:
        rest = body[word.end() :]
        # The pattern puts (?<!\w) before the term; a whole word needs a non-word character
        # after the leading word (or the term's end, with (?!\w) after it).
        whole = (rest[:1] != "" and not _WORDS.match(rest[:1])) or (rest == "" and not term.endswith("*"))
        head = word.group(0)
    else:
        parts = body.split()
        if not parts:
            return None
        head, whole = parts[0], False
    if folded:
        if not (head.isascii() or head.lower() == head.upper()):
            return None
        head = head.lower()
    return head, whole


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


class Tagger:
    """The taxonomy's matchers, built once: what a piece of text concerns, and why."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self._matchers = [(a.id, "administration", Matcher(a.aliases, a.exclude, case_sensitive=True)) for a in taxonomy.administrations]
        self._matchers += [(t.id, "theme", Matcher(t.phrases, t.exclude)) for t in taxonomy.themes]

    def match(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
        """(administration ids, theme ids, (id, matched words) evidence) in taxonomy order."""
        admins: list[str] = []
        themes: list[str] = []
        evidence: list[tuple[str, str]] = []
        for tag_id, kind, matcher in self._matchers:
            words = matcher.find(text)
            if words:
                (admins if kind == "administration" else themes).append(tag_id)
                evidence.append((tag_id, ", ".join(dict.fromkeys(words))))
        return tuple(admins), tuple(themes), tuple(evidence)

    def passage(self, article: Article, block: Block) -> Passage:
        """One paragraph, tagged."""
        return Passage(article, block, *self.match(block.text))


def tag_articles(articles: Iterable[Article], taxonomy: Taxonomy) -> Collection:
    """Tag every paragraph of every article."""
    tagger = Tagger(taxonomy)
    admin_order = [a.id for a in taxonomy.administrations]
    theme_order = [t.id for t in taxonomy.themes]
    tagged = []
    for article in articles:
        passages = tuple(tagger.passage(article, block) for block in article.paragraphs)
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
    admins, themes, _ = Tagger(taxonomy).match(text)
    return admins, themes
