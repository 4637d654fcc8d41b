"""Text + terms -> the words that match: whole-word term matching shared by tagging and mentions.

Matching runs on a folded copy of the text in which typographic quotes and
hyphen/dash variants are replaced one character for one character (“ ” → ",
‘ ’ → ', ‐ ‑ – — − → -), so a match's position in the folded text is its
position in the original, and the words reported are the original's, verbatim.

A term is words separated by spaces (one or more whitespace characters in the
text). A trailing `*` matches any word ending ("abduct*"). A word `~N` in a
term stands for up to N words in between, within one sentence ("met ~3
secretly" finds "met twice secretly" and "met secretly").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Every target is one character, so folding keeps every position.
_FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹣": "-", "－": "-",
})  # fmt: skip
_FOLDS_ASCII = re.compile("[" + re.escape("".join(chr(c) for c in _FOLD if c < 128)) + "]")  # the backtick
_GAP = re.compile(r"^~(\d{1,2})$")
# One word of a wildcard gap: anything but whitespace and the end of a sentence.
_GAP_WORD = r"(?:[^\s.!?;]+(?:\.[^\s.!?;]+)+\.?|[^\s.!?;]+)"  # "U.N." is one word; "years." ends a sentence
_GAP_PUNCT = r"[,:\"')]?"


def fold(text: str) -> str:
    """The text with quote and dash variants replaced by ASCII ones, position for position."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Match:
    """One matched term: where it is in the text, and the words verbatim."""

    start: int
    end: int
    words: str


class Matcher:
    """Finds whole-word occurrences of terms, ignoring those inside an excluded phrase.

    Terms in CJK scripts match anywhere, since those scripts put no spaces
    between words.
    """

    def __init__(self, terms: Iterable[str], exclude: Iterable[str] = (), case_sensitive: bool = False) -> None:
        self.terms, self.exclude, self.case_sensitive = tuple(terms), tuple(exclude), case_sensitive
        flags = 0 if case_sensitive else re.IGNORECASE
        self._find = _Terms(self.terms, flags)
        self._exclude = _Terms(self.exclude, flags)

    def find(self, text: str) -> list[str]:
        """The matched words, in order of appearance."""
        return [m.words for m in self.matches(text)]

    def matches(self, text: str) -> list[Match]:
        """The matches with their positions, in order of appearance."""
        last = _LAST[0]
        probe = last if last is not None and last.text is text else _probe(text)
        find, on_folded = self._find.pattern_for(probe)
        if find is None:
            return []
        exclude, exclude_folded = self._exclude.pattern_for(probe)
        blocked = [m.span() for m in exclude.finditer(probe.subject(exclude_folded))] if exclude else []
        # The excluded spans come from one finditer, so they neither overlap nor go back:
        # the only one that can contain a match is the last one starting at or before it.
        starts = [start for start, _ in blocked]
        found = []
        for m in find.finditer(probe.subject(on_folded)):
            index = bisect.bisect_right(starts, m.start()) - 1
            if index >= 0 and m.end() <= blocked[index][1]:
                continue
            found.append(Match(m.start(), m.end(), text[m.start() : m.end()]))
        return found

    def blocked(self, text: str) -> list[Match]:
        """The matches of the excluded phrases (what the text names that is not the term)."""
        probe = _probe(text)
        exclude, folded = self._exclude.pattern_for(probe)
        if exclude is None:
            return []
        return [Match(m.start(), m.end(), text[m.start() : m.end()]) for m in exclude.finditer(probe.subject(folded))]


class Matchers:
    """Many matchers asked about the same texts: those whose terms a text cannot hold are answered without running."""

    def __init__(self, matchers: Iterable[Matcher]) -> None:
        self.matchers = tuple(matchers)
        # (lowercase?, leading word) -> the matchers with a term led by it; the rest are always run.
        self._led: dict[tuple[bool, str], list[int]] = {}
        # (lowercase?, leading letters) -> the matchers with a term led by them ("abduct*"): such a
        # term matches only where a word of the text begins with those letters.
        prefixed: dict[tuple[bool, str], list[int]] = {}
        self._always: list[int] = []
        self._folded: list[int] = []
        self._other_script: list[int] = []  # with a term led by letters outside ASCII: run on such texts
        for position, matcher in enumerate(self.matchers):
            terms = matcher._find
            letters = [head for head, _ in terms.by_text if _ASCII_WORD.fullmatch(head)]
            others = [head for head, _ in terms.by_text if not _ASCII_WORD.fullmatch(head)]
            if not terms.usable or any(head.isascii() for head in others):
                self._always.append(position)
                continue
            if others:
                self._other_script.append(position)
            if terms.folded:
                self._folded.append(position)
            for word in terms.heads:
                self._led.setdefault((terms.folded, word), []).append(position)
            for head in letters:
                prefixed.setdefault((terms.folded, head), []).append(position)
        self._words = frozenset(word for folded, word in self._led if not folded)
        self._folded_words = frozenset(word for folded, word in self._led if folded)
        # One scan per text finds the leading letters that begin a word of it. Where one set of
        # letters begins another ("investigat", "investigation") only the longer is found at a
        # word, so each found set also runs the matchers of the sets it begins with.
        self._prefixes: list[tuple[bool, re.Pattern[str], dict[str, set[int]]]] = []
        for folded in (False, True):
            heads = sorted((head for lowered, head in prefixed if lowered == folded), key=lambda h: (-len(h), h))
            if heads:
                runs = {head: {p for other in heads if head.startswith(other) for p in prefixed[(folded, other)]} for head in heads}
                self._prefixes.append((folded, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, heads)) + ")"), runs))

    def matches(self, text: str) -> list[list[Match]]:
        """Each matcher's matches in the text, in the matchers' order."""
        probe = _probe(text)
        run = set(self._always)
        if not probe.ascii:
            run.update(self._other_script)
        for word in self._words.intersection(probe.words):
            run.update(self._led[(False, word)])
        if probe.folded is None:
            run.update(self._folded)  # (then every lowercase matcher runs its whole pattern)
        else:
            for word in self._folded_words.intersection(probe.folded_words):
                run.update(self._led[(True, word)])
        for folded, pattern, runs in self._prefixes:
            if not (folded and probe.folded is None):
                for head in set(pattern.findall(probe.subject(folded))):
                    run.update(runs[head])
        # A matcher left out would have found no leading word or letters of its terms, and so nothing.
        return [matcher.matches(text) if position in run else [] for position, matcher in enumerate(self.matchers)]


def _ordered(terms: Iterable[str]) -> tuple[str, ...]:
    """Folded, longest first, so that the alternation prefers the longest term."""
    return tuple(sorted({fold(t) for t in terms}, key=lambda t: (-len(t), t)))


@dataclass(frozen=True)
class _Word:
    """One word of a term, as matching reads it."""

    literal: str  # matched as it is ("" for a gap)
    gap: int | None = None  # `~N` between two words: up to N words of the sentence
    starred: bool = False  # `word*` inside the term ("coordinat* with"): any ending


def _words(term: str) -> list[_Word]:
    """The words of a term, without the term's own trailing `*` (which makes its last word a prefix)."""
    words = term.rstrip("*").split()
    found = []
    for index, word in enumerate(words):
        gap = _GAP.match(word)
        if gap and 0 < index < len(words) - 1:
            found.append(_Word("", gap=int(gap.group(1))))
        elif word.endswith("*") and len(word) > 1:
            found.append(_Word(word[:-1], starred=True))
        else:
            found.append(_Word(word))
    return found


def term_pattern(term: str) -> str:
    """The regular expression of one term (already folded), without the leading word check."""
    pieces = []
    for word in _words(term):
        if word.gap is not None:
            # The word before a gap may carry a comma or a closing quote: "Suga, who ... became".
            pieces.append(rf"{_GAP_PUNCT}(?:\s+{_GAP_WORD}){{0,{word.gap}}}")
            continue
        escaped = re.escape(word.literal) + (r"\w*" if word.starred else "")
        pieces.append((r"\s+" if pieces else "") + escaped)
    body = "".join(pieces)
    if body and body[-1].isascii():
        body += r"\w*" if term.endswith("*") else r"(?!\w)"
    return body


def _compile(terms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    """One alternation of the terms, in the order given."""
    parts = []
    for term in terms:
        body = term_pattern(term)
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
    """One text, folded, with its words, and its lowercase form where lowercasing is exact."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.plain = fold(text) if not text.isascii() or _FOLDS_ASCII.search(text) else text
        self.words = frozenset(_WORDS.findall(self.plain))
        self.ascii = self.plain.isascii()
        # Case-insensitive matching equals comparing lowercase text only if every
        # cased letter is ASCII (re.IGNORECASE also equates e.g. K, ſ, ı with k, s, i);
        # then lowercasing changes no length either, so positions carry over.
        other = _ASCII.sub("", self.plain)
        exact = other.lower() == other and other.upper() == other
        self.folded = self.plain.lower() if exact else None
        self.folded_words = frozenset(_WORDS.findall(self.folded)) if self.folded is not None else frozenset()

    def subject(self, folded: bool) -> str:
        """The text a pattern runs on: the lowercase form for lowercase patterns."""
        return self.folded if folded and self.folded is not None else self.plain


_recent: dict[int, _Probe] = {}
_RECENT = 64


def _probe(text: str) -> _Probe:
    # Callers run many matchers over the paragraphs of one article: each probe is made once.
    # (Keyed by identity; the probe holds the text, so its id cannot be reused while cached.)
    probe = _recent.get(id(text))
    if probe is None or probe.text is not text:
        if len(_recent) >= _RECENT:
            del _recent[next(iter(_recent))]
        probe = _recent[id(text)] = _Probe(text)
    _LAST[0] = probe
    return probe


_LAST: list[_Probe | None] = [None]  # the probe asked for last: the next matcher usually reads the same text


class _Terms:
    """A matcher's terms, compiled for each set of terms a text can contain."""

    def __init__(self, terms: Iterable[str], flags: int) -> None:
        self.terms = _ordered(terms)
        self.flags = flags
        self.folded = bool(flags & re.IGNORECASE)
        self._full: tuple[re.Pattern[str] | None] | None = None  # compiled on first use: most texts need a few terms only
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
        self.needs = [_needs(term, self.folded) for term in self.terms]
        self.compiled: dict[tuple[int, ...], tuple[re.Pattern[str] | None, bool]] = {}

    @property
    def full(self) -> re.Pattern[str] | None:
        """The alternation of every term (None without terms)."""
        if self._full is None:
            self._full = (_compile(self.terms, self.flags),)
        return self._full[0]

    def pattern_for(self, probe: _Probe) -> tuple[re.Pattern[str] | None, bool]:
        """The pattern of the terms that can occur in the text (None if none can), and whether it runs on lowercase text."""
        if not self.terms:
            return None, False
        if not self.usable or (self.folded and probe.folded is None):
            return self.full, False
        # Most matchers find nothing in most paragraphs: a term can match only if its
        # leading word (or, for a prefix or a CJK term, its leading letters) and all
        # its whole words are in the text. This is settled before any pattern runs.
        words = probe.folded_words if self.folded else probe.words
        needs = self.needs
        present = [i for word in self.heads.intersection(words) for i in self.by_word[word] if needs[i] <= words]
        if self.by_text:
            text = probe.subject(self.folded)
            present += [i for head, i in self.by_text if head in text and needs[i] <= words]
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


def _needs(term: str, folded: bool) -> frozenset[str]:
    """The words a text must have among its words for the term to match (none known: empty).

    Each word of an ASCII term is matched literally, after whitespace or a
    non-word character and before one, so each of its runs of letters and digits
    is a whole word of the text; a run that a `*` continues is only a prefix.
    Terms with other scripts are left out: CJK has no spaces between words.
    """
    if not term.isascii():
        return frozenset()
    words = _words(term)
    found: list[str] = []
    for index, word in enumerate(words):
        if word.gap is not None:
            continue
        runs = _WORDS.findall(word.literal)
        open_ended = word.starred or (term.endswith("*") and index == len(words) - 1)
        if open_ended and runs and _WORDS.match(word.literal[-1:]):
            runs = runs[:-1]
        found += runs
    return frozenset(w.lower() for w in found) if folded else frozenset(found)


def _head(term: str, folded: bool) -> tuple[str, bool] | None:
    """(what the text must contain, whether as a whole word) for a term to match; None if unsure."""
    body = term.rstrip("*")
    word = _ASCII_WORD.match(body)
    if word:
        rest = body[word.end() :]
        # The pattern puts (?<!\w) before the term; a whole word needs a non-word character
        # after the leading word (or the term's end, with (?!\w) after it).
        whole = (rest[:1] not in ("", "*") and not _WORDS.match(rest[:1])) or (rest == "" and not term.endswith("*"))
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
