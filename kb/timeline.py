"""Tagged collection -> the timeline: dated events read from the articles' sentences.

How a date in the text becomes an event:

- A day ("On February 15", "November 29, 2024", "15 February 2024"), a month
  ("October 2024", "in late May") or a year ("in 2002", "the 2018 Singapore
  Summit") keeps the precision the text gives. "early", "mid" and "late" are
  kept as a qualifier and do not narrow the date.
- Ranges: "May 26-28", "2006–2007", "from 2012 to 2013", "between March and
  May 2023" give a start and an `end`.
- A month or day without a year takes the year of a coordinated date ("in
  March and May 2023"), else the last year an earlier dated event of the same
  paragraph gives, else the article's publication year; and it is never put
  after the publication: a date that would be is moved to the year before.
- "since October 2013" marks the start of something still going on when the
  article was written: an event of kind "since" with the date's own precision.
  It does not set the year of the dates after it, since the text has moved on
  to the present ("since October 2013, which culminated in ... May 26-28").
- A date after the publication that the text states with its year ("re-election
  in September 2024" in an article of 2023) was expected when written: kind
  "expected".
- Decades and periods ("the 1970s and 1980s", "since the 1990s", "the early
  2000s") are periods, not events: they are skipped.
- A bare month or year counts only after a word that introduces a date ("in",
  "since", "the", ...), so that "Theresa May" or a resolution number is not one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kb.dates import MONTHS, PartialDate
from kb.tagging import Collection, Passage, Tagger
from kb.taxonomy import Taxonomy

_MONTH = "(?:" + "|".join(MONTHS) + ")"
_QUALIFIER = r"(?:\b(?P<{0}>early|mid|late)[\s-]+)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    "|".join((
        # Decades and periods: matched so that their digits are not read as a year, then skipped.
        r"(?P<period>(?:(?:early|mid|late)[\s-]+)?(?:the\s+)?(?:19|20)\d0s|[’']\d0s)\b",
        rf"\b(?P<dd>\d{{1,2}})(?:\s*[-–]\s*(?P<dd2>\d{{1,2}}))?\s+(?P<dm>{_MONTH})(?:,?\s+(?P<dy>{_YEAR}))?\b",
        rf"\b(?P<md>{_MONTH})\s+(?P<mdd>\d{{1,2}})(?!\d)(?:\s*[-–]\s*(?P<mdd2>\d{{1,2}})(?!\d))?(?:st|nd|rd|th)?(?:,\s*(?P<mdy>{_YEAR}))?\b",
        _QUALIFIER.format("mq") + rf"\b(?P<m>{_MONTH})(?:,?\s+(?:of\s+)?(?P<my>{_YEAR}))?\b",
        _QUALIFIER.format("yq") + rf"\b(?P<y>{_YEAR})(?:\s*[-–]\s*(?P<y2>{_YEAR}|\d\d))?\b(?![\d%])",
    ))
)  # fmt: skip
# Words after which a bare month or year is a date (and the word that says "since").
_INTRODUCERS = frozenset((
    "in", "on", "at", "since", "by", "until", "till", "from", "to", "and", "or", "between",
    "during", "of", "the", "early", "mid", "late", "before", "after", "through", "throughout",
))  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
# What may join two dates into one range (after "from" or "between") or one shared year.
_JOIN = re.compile(r"^\s*(?:(?P<word>and|or|to|until|till|through)\s+|[-–]\s*)$")
_SENTENCE_END = re.compile(r"[.!?][”’\"')]*\s+(?=[“‘\"'(•A-Z0-9])")
_NO_SENTENCE_END = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|No))\.$")

KINDS = ("event", "since", "expected")


@dataclass(frozen=True)
class DateMention:
    """A date a paragraph gives, resolved to the calendar."""

    date: PartialDate
    end: PartialDate | None  # the last day, month or year of a range
    kind: str  # one of KINDS
    qualifier: str | None  # "early", "mid" or "late", as the text says
    words: str  # the words that give the date, verbatim
    sentence: str  # the sentence they are in, verbatim
    offset: int  # where the words start in the paragraph

    @property
    def last(self) -> PartialDate:
        """The end of the range, or the date itself."""
        return self.end or self.date


@dataclass(frozen=True)
class Event:
    """A dated event of the timeline, with the paragraph it comes from.

    `administration` is the one in office over the whole span of the date (a
    year that saw a change of government has none); `administrations` lists
    every administration in office at some point of the span, in taxonomy order.
    """

    date: PartialDate
    end: PartialDate | None
    kind: str
    qualifier: str | None
    words: str
    sentence: str
    passage: Passage
    administration: str | None
    administrations: tuple[str, ...]
    themes: tuple[str, ...]

    @property
    def last(self) -> PartialDate:
        """The end of the range, or the date itself."""
        return self.end or self.date

    @property
    def key(self) -> tuple[object, ...]:
        """Chronological order, then the order of the collection's text."""
        article = self.passage.article
        return (self.date.key, self.last.key, article.date.key, article.id, self.passage.block.number, self.sentence.find(self.words))


def extract_events(collection: Collection) -> tuple[Event, ...]:
    """Every dated event of every paragraph of the collection, in chronological order."""
    tagger = Tagger(collection.taxonomy)
    events = []
    for tagged in collection.articles:
        for passage in tagged.passages:
            for mention in find_dates(passage.block.text, passage.article.date):
                whole, spanned = administrations_during(collection.taxonomy, mention.date.first_day, mention.last.last_day)
                # An event carries the themes its own sentence names; a sentence that
                # names none ("On February 15, ...") takes its paragraph's.
                named = tagger.match(mention.sentence)[1]
                themes = tuple(t for t in passage.themes if t in named) or passage.themes
                events.append(
                    Event(
                        mention.date, mention.end, mention.kind, mention.qualifier, mention.words,
                        mention.sentence, passage, whole, spanned, themes,
                    )
                )  # fmt: skip
    return tuple(sorted(events, key=lambda e: e.key))


def administrations_during(taxonomy: Taxonomy, first: dt.date, last: dt.date) -> tuple[str | None, tuple[str, ...]]:
    """(the administration in office from `first` to `last` throughout, or None; every one in office at some point)."""
    spanned = tuple(
        a.id for a in taxonomy.administrations if any(t.start <= last and (t.end is None or first < t.end) for t in a.terms)
    )
    whole = next((a.id for a in taxonomy.administrations if any(t.covers(first) and t.covers(last) for t in a.terms)), None)
    return whole, spanned


@dataclass
class _Raw:
    """A date as written, before its year is settled."""

    start: int
    stop: int
    year: int | None
    month: int | None
    day: int | None
    end_year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    qualifier: str | None = None
    since: bool = False
    opener: str = ""  # the word before, when "from" or "between" may open a range


def find_dates(paragraph: str, published: PartialDate) -> tuple[DateMention, ...]:
    """The dates a paragraph gives, in order, resolved against the article's publication date."""
    raws = [raw for match in _DATE.finditer(paragraph) if (raw := _read(match, paragraph)) is not None]
    raws = _join(raws, paragraph)
    bounds = _sentences(paragraph)
    mentions: list[DateMention] = []
    context: int | None = None
    for raw in raws:
        explicit = raw.year is not None
        year = raw.year if explicit else context if context is not None else published.year
        assert year is not None
        try:
            if not explicit and _calendar(year, raw.month, raw.day).first_day > published.last_day:
                year -= 1
            end_year = raw.end_year if raw.end_year is not None else (year if raw.end_month or raw.end_day else None)
            date = _calendar(year, raw.month, raw.day)
            end = _calendar(end_year, raw.end_month, raw.end_day) if end_year is not None else None
        except ValueError:
            continue  # "February 30": not a date
        if end is not None and end.first_day <= date.first_day:
            end = None
        kind = "since" if raw.since else "expected" if explicit and date.first_day > published.last_day else "event"
        if explicit and kind != "since":
            context = (end or date).year
        start, stop = next((s, e) for s, e in bounds if s <= raw.start < e)
        mentions.append(DateMention(date, end, kind, raw.qualifier, paragraph[raw.start : raw.stop], paragraph[start:stop], raw.start))
    unique = {(m.sentence, m.date, m.end, m.kind, m.qualifier): m for m in reversed(mentions)}
    return tuple(sorted(unique.values(), key=lambda m: m.offset))


def _calendar(year: int, month: int | None, day: int | None) -> PartialDate:
    """A PartialDate checked against the calendar."""
    if month is not None and day is not None:
        dt.date(year, month, day)
    return PartialDate(year, month, day)


def _read(match: re.Match[str], paragraph: str) -> _Raw | None:
    """One regex match -> a raw date, or None for a period or a word that is no date here."""
    group = match.group
    if group("period"):
        return None
    word = _WORD_BEFORE.search(paragraph, 0, match.start())
    before = word.group(1).lower() if word else ""
    introduced = before in _INTRODUCERS
    raw: _Raw
    if group("dm"):
        month = _month(group("dm"))
        raw = _Raw(match.start(), match.end(), _int(group("dy")), month, int(group("dd")))
        if group("dd2"):
            raw.end_month, raw.end_day = month, int(group("dd2"))
    elif group("md"):
        month = _month(group("md"))
        raw = _Raw(match.start(), match.end(), _int(group("mdy")), month, int(group("mdd")))
        if group("mdd2"):
            raw.end_month, raw.end_day = month, int(group("mdd2"))
    elif group("m"):
        # A bare month name ("May") is a date only where a date is expected.
        if not introduced and not group("my") and not group("mq"):
            return None
        raw = _Raw(match.start(), match.end(), _int(group("my")), _month(group("m")), None, qualifier=group("mq"))
    else:
        if not introduced and not group("yq"):
            return None
        year = int(group("y"))
        raw = _Raw(match.start(), match.end(), year, None, None, qualifier=group("yq"))
        if group("y2"):
            end = group("y2")
            raw.end_year = int(end) if len(end) == 4 else year // 100 * 100 + int(end)
    raw.since = before == "since"
    raw.opener = before
    return raw


def _join(raws: list[_Raw], paragraph: str) -> list[_Raw]:
    """Share a year across coordinated dates ("March and May 2023") and make "from A to B" one range."""
    out: list[_Raw] = []
    index = 0
    while index < len(raws):
        raw, after = raws[index], raws[index + 1] if index + 1 < len(raws) else None
        join = _JOIN.match(paragraph[raw.stop : after.start]) if after else None
        index += 1
        if after is not None and join is not None:
            if raw.year is None and raw.end_year is None:
                raw.year = after.year
            word = join.group("word")
            ranged = word is None or (raw.opener == "from" and word != "and") or (raw.opener == "between" and word == "and")
            if ranged and raw.end_year is None and raw.end_month is None:
                raw.end_year = after.end_year if after.end_year is not None else after.year
                raw.end_month = after.end_month or after.month
                raw.end_day = after.end_day if after.end_month else after.day
                raw.stop = after.stop
                index += 1
        out.append(raw)
    return out


def _month(name: str) -> int:
    return MONTHS.index(name) + 1


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, stop) of each sentence, so that paragraph[start:stop] is the sentence verbatim."""
    bounds = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if _NO_SENTENCE_END.search(paragraph, 0, match.start() + 1):
            continue  # "U.S. demand", "Mr. Abe": an abbreviation, not the end of a sentence
        stop = match.start() + len(match.group(0).rstrip())
        bounds.append((start, stop))
        start = match.end()
    bounds.append((start, len(paragraph.rstrip())))
    return bounds
