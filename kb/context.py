"""An article's paragraphs, read in order -> what each concerns and why, in the context of the whole article.

Beyond each paragraph's own words (names and theme phrases), the rules of
taxonomy.yml's `rules:` section apply across the article:

- A prime minister first introduced in another post ("Chief Cabinet Secretary
  Yoshihide Suga") keeps that post for the whole article: a later bare "Suga"
  is not his administration, unless the text calls him prime minister.
- An article written before an administration's first term is not about it,
  unless the sentence naming the person speaks of the premiership to come.
- A paragraph naming no prime minister but speaking of the Japanese government
  acting ("Tokyo will ease ...") concerns the administration in office when the
  article was written, if the article's date and the paragraph's own dates all
  fall in one term.
- Theme rules: terms that must all occur in one paragraph, optionally dated.
- Anaphora: "the summit" refers back to the last summit the article named; if
  that one was not a Japan–North Korea summit, "the summit" does not tag one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from kb.dates import PartialDate
from kb.dating import DateMention, dateline, find_dates, sentences
from kb.matcher import Match, Matcher, Matchers
from kb.rules import NAME, Anaphora
from kb.taxonomy import Administration, Taxonomy, Term

# A text read alone has no publication date; its explicit years still resolve against this one.
_UNDATED = PartialDate(9999)
_WORDS = re.compile(r"\w+")
# Words (with inner apostrophes and hyphens) and the marks that end a sentence or clause.
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[.!?;:]")
_STOPS = frozenset(".!?;:")


class Basis(Enum):
    """Why a paragraph is tagged."""

    NAME = "name"  # the prime minister is named
    PHRASE = "phrase"  # one of the theme's phrases occurs
    RULE = "rule"  # a theme rule's terms all occur (and its dates fit)
    ANAPHORA = "anaphora"  # "the summit" refers back to one the article named
    IN_OFFICE = "in office"  # the government acts, in an article written during one term
    FRONT_MATTER = "front matter"  # the contributor tagged the article


@dataclass(frozen=True)
class Evidence:
    """One reason for one tag: the basis, the words of the text verbatim, and a note (rule id, antecedent)."""

    tag: str
    basis: Basis
    words: str
    note: str = ""
    spans: tuple[tuple[int, int], ...] = ()  # where the words are in the paragraph

    @property
    def inferred(self) -> bool:
        """Whether the tag comes from the article's context or a rule rather than a name or phrase in the paragraph."""
        return self.basis not in (Basis.NAME, Basis.PHRASE)

    def describe(self) -> str:
        """The reason in words, as the article page shows it."""
        quoted = f"“{self.words}”"
        if self.basis is Basis.NAME:
            return f"named: {quoted}"
        if self.basis is Basis.PHRASE:
            return f"matched: {quoted}"
        if self.basis is Basis.RULE:
            return f"rule {self.note}: {quoted}"
        if self.basis is Basis.ANAPHORA:
            return f"{quoted} refers back to {self.note}"
        if self.basis is Basis.IN_OFFICE:
            return f"in office when published; {quoted}"
        return "tagged in the front matter"


@dataclass(frozen=True)
class Reading:
    """What one paragraph concerns, why, and the dates it gives."""

    administrations: tuple[str, ...]
    themes: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    dates: tuple[DateMention, ...]


def _expand(patterns: Sequence[str], names: Sequence[str]) -> list[str]:
    """Each pattern with {name} replaced by each name (patterns without {name} kept as they are)."""
    return [p.replace(NAME, name) for p in patterns for name in names] if names else [p for p in patterns if NAME not in p]


class Reader:
    """The taxonomy's matchers and rules, built once: reads articles paragraph by paragraph."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        rules = taxonomy.rules
        self.names = [(a, Matcher(a.aliases, a.exclude, case_sensitive=True)) for a in taxonomy.administrations]
        self.administrations = [a for a, _ in self.names]
        self.every_name = Matchers(m for _, m in self.names)
        self.themes = [(t.id, Matcher(t.phrases, t.exclude)) for t in taxonomy.themes]
        self.called_pm = {a.id: Matcher(_expand(rules.prime_minister, a.aliases)) for a in taxonomy.administrations}
        self.in_role = {a.id: Matcher(_expand(rules.other_roles, a.aliases)) for a in taxonomy.administrations}
        self.future = Matcher(rules.future)
        self.government = Matcher(rules.government)
        self.actions = frozenset(a.lower() for a in rules.actions)
        self.within = rules.within
        # In a theme rule, {name} stands for any prime minister's name: "Koizumi's visit to Pyongyang".
        every_name = [alias for a in taxonomy.administrations for alias in a.aliases]
        self.rules = [(r, [Matcher(_expand(options, every_name) if any(NAME in o for o in options) else options) for options in r.all]) for r in rules.themes]
        self.anaphora = [(r, Matcher(r.heads), Matcher(r.anaphors)) for r in rules.anaphora]
        # Asked of every paragraph, together (a matcher none of whose leading words a paragraph
        # holds is not run): each theme's phrases, the first term of each rule (a theme rule's
        # items are never empty), and each anaphora rule's heads.
        self.every_paragraph = Matchers(
            [m for _, m in self.themes] + [terms[0] for _, terms in self.rules] + [heads for _, heads, _ in self.anaphora]
        )
        self.theme_order = [t.id for t in taxonomy.themes]

    def read(self, texts: Sequence[str], published: PartialDate | None) -> list[Reading]:
        """Every paragraph of one article, in order (`published` None: texts read without a date)."""
        written = published
        if published is not None and texts:
            head = dateline(texts[0], published)
            if head is not None and head[1] is not None:
                written = head[1]
        dates = [find_dates(t, published or _UNDATED, written) if published else _explicit(find_dates(t, _UNDATED)) for t in texts]
        names = [list(zip(self.administrations, self.every_name.matches(t), strict=True)) for t in texts]
        in_role = self._in_role(texts, names)
        office = self._office(written) if written is not None else None
        antecedents: dict[str, tuple[str | None, str, int]] = {}
        readings: list[Reading] = []
        for index, text in enumerate(texts):
            admins, evidence = self._administrations(text, names[index], in_role, published)
            if not admins and office is not None and written is not None and _inside(dates[index], office[1], written):
                said = self._acting(text)
                if said:
                    admins.append(office[0].id)
                    evidence.append(_evidence(office[0].id, Basis.IN_OFFICE, said))
            themes, referred = self._themes(text, index, dates[index], written, antecedents)
            for _, found in themes:
                evidence += found
            if not admins:
                # "the trip", "the easing": what the paragraph refers back to was the act of the
                # administration its paragraph concerns by name or by being in office.
                for where, anaphor in referred:
                    for reason in readings[where].evidence if where < index else ():
                        if reason.basis in (Basis.NAME, Basis.IN_OFFICE) and reason.tag not in admins and reason.tag in readings[where].administrations:
                            admins.append(reason.tag)
                            evidence.append(Evidence(reason.tag, Basis.ANAPHORA, anaphor.words, anaphor.note, anaphor.spans))
            order = [a.id for a in self.taxonomy.administrations]
            readings.append(
                Reading(
                    tuple(a for a in order if a in admins),
                    tuple(t for t in self.theme_order if any(tid == t for tid, _ in themes)),
                    tuple(evidence),
                    dates[index],
                )
            )
        return readings

    def _acting(self, text: str) -> list[Match]:
        """The government acting: a subject ("Tokyo") followed within a few words, in its sentence, by an action ("will")."""
        found = []
        for subject in self.government.matches(text):
            if text[subject.end : subject.end + 1] == "-":
                continue  # "Tokyo-based" names a place, not the government
            for count, token in enumerate(_TOKEN.finditer(text, subject.end, min(len(text), subject.end + 40 * (self.within + 1)))):
                if count > self.within or token.group(0) in _STOPS:
                    break
                if token.group(0).lower() in self.actions:
                    found.append(Match(subject.start, token.end(), text[subject.start : token.end()]))
                    break
        return found

    def _in_role(self, texts: Sequence[str], names: list[list[tuple[Administration, list[Match]]]]) -> set[str]:
        """Administrations whose prime minister the article introduces in another post and never calls prime minister."""
        found = set()
        for number, (admin, _) in enumerate(self.names):
            named = [(i, m.start) for i, per in enumerate(names) for m in per[number][1]]
            if not named:
                continue  # a post without the name counted nowhere changes nothing
            roles = [(i, m.start) for i, t in enumerate(texts) for m in self.in_role[admin.id].matches(t)]
            if not roles or any(self.called_pm[admin.id].matches(t) for t in texts):
                continue
            if min(roles) <= min(named):
                found.add(admin.id)
        return found

    def _administrations(
        self, text: str, names: list[tuple[Administration, list[Match]]], in_role: set[str], published: PartialDate | None
    ) -> tuple[list[str], list[Evidence]]:
        admins: list[str] = []
        evidence: list[Evidence] = []
        bounds: list[int] | None = None
        for admin, matches in names:
            if not matches or admin.id in in_role:
                continue
            if published is not None and admin.terms and published.last_day < admin.terms[0].start:
                # Written before the first term: only a sentence about the premiership to come counts.
                bounds = bounds or [s for s, _ in sentences(text)]
                ahead = {_sentence_of(bounds, m.start) for m in self.future.matches(text)}
                matches = [m for m in matches if _sentence_of(bounds, m.start) in ahead]
                if not matches:
                    continue
            admins.append(admin.id)
            evidence.append(_evidence(admin.id, Basis.NAME, matches))
        return admins, evidence

    def _office(self, written: PartialDate) -> tuple[Administration, Term] | None:
        """The administration and term in office over the whole span of the date of writing, if one was."""
        for admin in self.taxonomy.administrations:
            for term in admin.terms:
                if term.covers(written.first_day) and term.covers(written.last_day):
                    return admin, term
        return None

    def _themes(
        self, text: str, index: int, dates: tuple[DateMention, ...], written: PartialDate | None,
        antecedents: dict[str, tuple[str | None, str, int]],
    ) -> tuple[list[tuple[str, list[Evidence]]], list[tuple[int, Evidence]]]:  # fmt: skip
        """(each theme with its reasons, (paragraph index, evidence) of anaphors resolved to an earlier paragraph)."""
        referred: list[tuple[int, Evidence]] = []
        asked = iter(self.every_paragraph.matches(text))
        matched = {theme_id: next(asked) for theme_id, _ in self.themes}
        first_hits = [next(asked) for _ in self.rules]
        head_hits = [next(asked) for _ in self.anaphora]
        extra: dict[str, list[Evidence]] = {}
        by_rule: dict[str, list[Match]] = {}
        for (theme_rule, terms), first in zip(self.rules, first_hits, strict=True):
            if not first:
                continue  # a rule needs every one of its terms: the first missing one settles it
            hits = [first]
            for term in terms[1:]:
                term_hits = term.matches(text)
                if not term_hits:
                    break
                hits.append(term_hits)
            if len(hits) == len(terms) and (theme_rule.dated is None or _dated(dates, written, theme_rule.dated)):
                spans = tuple((h[0].start, h[0].end) for h in hits)
                words = " … ".join(h[0].words for h in hits)
                extra.setdefault(theme_rule.theme, []).append(Evidence(theme_rule.theme, Basis.RULE, words, theme_rule.id, spans))
                by_rule.setdefault(theme_rule.theme, []).extend(h for found in hits for h in found)
        for (rule, _, anaphors), head_matches in zip(self.anaphora, head_hits, strict=True):
            # What names the theme near a head: its phrases, and the terms of its rules that held here.
            naming = sorted(matched[rule.theme] + by_rule.get(rule.theme, []), key=lambda m: (m.start, m.end))
            if not head_matches and not naming:
                continue  # nothing here names the theme or refers back to it
            found, suppressed = self._anaphora(rule, text, index, head_matches, anaphors.matches(text), naming, antecedents)
            referred += [(where, evidence) for where, evidence in found if where != index]
            found_evidence = [evidence for _, evidence in found]
            if suppressed:
                matched[rule.theme] = [m for m in matched[rule.theme] if not _inside_any(suppressed, m)]
            extra.setdefault(rule.theme, []).extend(found_evidence)
        out = []
        for theme_id in self.theme_order:
            reasons = [_evidence(theme_id, Basis.PHRASE, matched[theme_id])] if matched[theme_id] else []
            reasons += extra.get(theme_id, [])
            if reasons:
                out.append((theme_id, reasons))
        return out, referred

    def _anaphora(
        self, rule: Anaphora, text: str, index: int, heads: list[Match], anaphors: list[Match], named: list[Match],
        antecedents: dict[str, tuple[str | None, str, int]],
    ) -> tuple[list[tuple[int, Evidence]], list[tuple[int, int]]]:  # fmt: skip
        """((antecedent's paragraph index, evidence) for anaphors resolved to the theme, spans of anaphors resolved to something else)."""
        found: list[tuple[int, Evidence]] = []
        suppressed: list[tuple[int, int]] = []
        bounds = [s for s, _ in sentences(text)]
        starts = [m.start for m in named]
        anaphor_starts = [a.start for a in anaphors]

        def anaphor_at(match: Match) -> Match | None:
            at = bisect.bisect_right(anaphor_starts, match.start) - 1
            return anaphors[at] if at >= 0 and match.end <= anaphors[at].end else None

        # In text order: the theme's own phrases name it ("sanctions", "meet Kim"); so does a head near one.
        stream = sorted([(m.start, 0, m) for m in named if anaphor_at(m) is None] + [(h.start, 1, h) for h in heads], key=lambda x: (x[0], x[1]))
        for _, is_head, head in stream:
            if not is_head:
                antecedents[rule.id] = (rule.theme, head.words, index)
                continue
            anaphor = anaphor_at(head)
            naming = _near(text, bounds, head, named, starts, rule.within, anaphor)
            if anaphor is None or naming is not None:
                antecedents[rule.id] = (rule.theme if naming else None, (naming or head).words, index)
                continue
            previous = antecedents.get(rule.id)
            if previous is None:
                continue  # nothing named before: "the summit" is read as it stands
            theme, words, where = previous
            if theme is None:
                suppressed.append((anaphor.start, anaphor.end))
            else:
                note = f"“{words}” (¶ {where + 1})" if where != index else f"“{words}”"
                found.append((where, Evidence(theme, Basis.ANAPHORA, anaphor.words, note, ((anaphor.start, anaphor.end),))))
        return found, suppressed


def _near(
    text: str, bounds: list[int], head: Match, named: list[Match], starts: list[int], within: int, anaphor: Match | None
) -> Match | None:
    """A match of the theme's phrases at most `within` words from the head, in its sentence (not just the anaphor itself)."""
    sentence = _sentence_of(bounds, head.start)
    low = bisect.bisect_left(starts, head.start - 40 * (within + 1))
    for position in range(max(low - 1, 0), len(named)):  # by index: a slice would copy the rest each time
        match = named[position]
        if match.start > head.end + 40 * (within + 1):
            break
        if anaphor is not None and anaphor.start <= match.start and match.end <= anaphor.end:
            continue
        if _sentence_of(bounds, match.start) != sentence:
            continue
        if match.end >= head.start and match.start <= head.end:
            return match
        reach = 40 * (within + 1)  # characters: `within` words are never longer than this
        if head.start - match.end > reach or match.start - head.end > reach:
            continue
        gap = text[match.end : head.start] if match.end < head.start else text[head.end : match.start]
        if len(_WORDS.findall(gap)) <= within:
            return match
    return None


def _inside_any(spans: list[tuple[int, int]], match: Match) -> bool:
    """Whether the match lies inside one of the spans (in text order, not overlapping)."""
    at = bisect.bisect_right(spans, match.start, key=lambda span: span[0]) - 1
    return at >= 0 and spans[at][0] <= match.start and match.end <= spans[at][1]


def _sentence_of(starts: list[int], at: int) -> int:
    """The index of the sentence (by the sentences' start offsets) that `at` is in."""
    return max(bisect.bisect_right(starts, at) - 1, 0)


def _evidence(tag: str, basis: Basis, matches: list[Match]) -> Evidence:
    words = ", ".join(dict.fromkeys(m.words for m in matches))
    return Evidence(tag, basis, words, "", tuple((m.start, m.end) for m in matches))


def _inside(dates: tuple[DateMention, ...], term: Term, written: PartialDate) -> bool:
    """Whether every date of the paragraph falls in the term.

    "since 2006" reaches into the present, so it is not checked; a past date ends by the day
    of writing at the latest ("earlier this year", written in May, is January to May).
    """
    for m in dates:
        if m.kind == "since":
            continue
        last = min(m.last.last_day, written.last_day) if m.kind == "event" else m.last.last_day
        if m.date.first_day < term.start or (term.end is not None and last >= term.end):
            return False
    return True


def _dated(dates: tuple[DateMention, ...], written: PartialDate | None, span: tuple[dt.date, dt.date]) -> bool:
    """Whether a date of the paragraph (or, if it gives none, the date of writing) falls in the span."""
    start, end = span
    if dates:
        return any(start <= m.date.first_day <= end for m in dates)
    return written is not None and start <= written.first_day <= end


def _explicit(dates: tuple[DateMention, ...]) -> tuple[DateMention, ...]:
    """Of a text read without a date, the dates whose year the text itself gives."""
    return tuple(m for m in dates if m.date.year != _UNDATED.year and not m.relative)
