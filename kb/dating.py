"""Paragraph text + publication date -> the dates it gives, resolved to the calendar.

How a date in the text becomes a date mention:

- A day ("On February 15", "November 29, 2024", "15 February 2024", "Oct. 3"),
  a month ("October 2024", "in late May") or a year ("in 2002", "the 2018
  Singapore Summit") keeps the precision the text gives. "early", "mid" and
  "late" are kept as a qualifier and do not narrow the date.
- Ranges: "May 26-28", "2006–2007", "from 2012 to 2013", "between March and
  May 2023" give a start and an `end`.
- A month or day without a year takes the year of a coordinated date ("in
  March and May 2023"), else the last year an earlier dated event of the same
  paragraph gives, else the article's publication year. A date that would then
  fall after the publication is moved to the year before, unless its sentence
  looks forward (expected, by, upcoming, will, next, scheduled ...): "the
  expected launch by mid-March" in an article of February 2007 is March 2007.
- Relative dates resolve against the publication date (or the story's own
  dateline): "last June", "last year", "May last year", "this month", "next
  week", "on Tuesday" (the latter two only when the day of writing is known).
- A dateline ("TOKYO, June 15 Kyodo -") dates the story, not an event.
- A year inside a more precise date of the same sentence ("on January 5 in the
  wake of the 2024 earthquake") is that date, not a second event.
- "since October 2013" marks the start of something still going on when the
  article was written: kind "since". It does not set the year of the dates
  after it, since the text has moved on to the present.
- A date after the publication is kind "expected".
- Decades and periods ("the 1970s and 1980s", "the early 2000s") are skipped.
- A bare month or year counts only after a word that introduces a date ("in",
  "since", "the", ...), so that "Theresa May" or a resolution number is not one.

Every step looks at a bounded window around each date, so the work grows
linearly with the paragraph's length.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from kb.dates import MONTHS, PartialDate

_MONTH = "(?:" + "|".join(MONTHS) + ")"
_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\."
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUALIFIER = r"(?:\b(?P<{0}>early|mid|late)[\s-]+)?"
_YEAR = r"(?:19|20)\d\d"
_DASH = r"[-–‐‑]"
_DATES = (
    # Decades and periods: matched so that their digits are not read as a year, then skipped.
    r"(?P<period>(?:(?:early|mid|late)[\s-]+)?(?:the\s+)?(?:19|20)\d0s|[’']\d0s)\b",
    rf"\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+(?:(?P<unit>year|month|week)|(?P<rm>{_MONTH}))\b",
    rf"\b(?P<wd>{'|'.join(_WEEKDAYS)})\b",
    rf"\b(?P<dd>\d{{1,2}})(?:\s*{_DASH}\s*(?P<dd2>\d{{1,2}}))?\s+(?P<dm>{_MONTH})(?:,?\s+(?P<dy>{_YEAR}))?\b",
    rf"\b(?P<md>{_MONTH}|{_ABBR})\s*(?<=\s|\.)(?P<mdd>\d{{1,2}})(?!\d)(?:\s*{_DASH}\s*(?P<mdd2>\d{{1,2}})(?!\d))?(?:st|nd|rd|th)?(?:,\s*(?P<mdy>{_YEAR}))?\b",
    _QUALIFIER.format("mq") + rf"\b(?P<m>{_MONTH})(?:,?\s+(?:of\s+)?(?P<my>{_YEAR})|\s+(?P<mrel>last|this|next)\s+year)?\b",
    _QUALIFIER.format("yq") + rf"\b(?P<y>{_YEAR})(?:\s*{_DASH}\s*(?P<y2>{_YEAR}|\d\d))?\b(?![\d%])",
)  # fmt: skip
# Every alternative above starts with one of these characters: a digit (of any script, as \d
# reads them: "３ May"), an apostrophe, or the first letter of a qualifier (early, mid, late), of
# "the", of a relative word (last, next, this), of a weekday or of a month. Checked first, it
# turns away all other positions at once, where the engine would try each alternative in turn:
# the same matches, about three times faster on news text (tests/test_dating.py compares both).
# An alternative added above must add its first letters.
_DATE_START = r"[\d’'emltLNnTMWFSJAOD]"
_DATE = re.compile(f"(?={_DATE_START})(?:{'|'.join(_DATES)})")
# Words after which a bare month or year is a date (and the word that says "since").
_INTRODUCERS = frozenset((
    "in", "on", "at", "since", "by", "until", "till", "from", "to", "and", "or", "between",
    "during", "of", "the", "early", "mid", "late", "before", "after", "through", "throughout",
))  # fmt: skip
# Words that make a date without a year look forward from the day of writing.
_FORWARD = frozenset((
    "expected", "expects", "expect", "upcoming", "will", "would", "next", "scheduled", "schedule", "due",
    "planned", "plans", "plan", "planning", "slated", "set", "forthcoming", "ahead", "intends", "aims",
    "coming", "pledged", "pledge", "promised", "vowed", "faces", "face",
))  # fmt: skip
# These look forward only right before the date: "by mid-March", not "struck by diplomats on Wednesday".
_FORWARD_BEFORE = frozenset(("by", "until", "till", "before"))
_FORWARD_WINDOW = 12  # words before the date that may carry the cue
_WORD = re.compile(r"[A-Za-z]+")
# What may join two dates into one range (after "from" or "between") or one shared year.
_JOIN = re.compile(r"^\s*(?:(?P<word>and|or|to|until|till|through)\s+|[-–]\s*)$")
_SENTENCE_END = re.compile(r"[.!?][”’\"')]*\s+(?=[“‘\"'(•A-Z0-9])")
_ABBREVIATION = re.compile(r"[^\w](?:[A-Z]|Mr|Mrs|Ms|Dr|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
# "TOKYO, June 15 Kyodo -", "SEOUL, Oct. 3 (Yonhap) --": a place in capitals, a date, an agency, a dash.
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z.'-]+(?:[ /][A-Z][A-Z.'-]+)*(?:,\s*[A-Z][A-Za-z.]+)?,\s+"
    rf"(?P<date>(?:{_MONTH}|{_ABBR})\s*\d{{1,2}}(?:,\s*{_YEAR})?|\d{{1,2}}\s+{_MONTH}(?:\s+{_YEAR})?)"
    r"\s*(?:\(?[A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)?\)?\s*)?[-–—:]+"
)

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
    sentence_offset: int = 0  # where the sentence starts in the paragraph
    relative: bool = False  # "last June", "on Tuesday": resolved against the day of writing

    @property
    def last(self) -> PartialDate:
        """The end of the range, or the date itself."""
        return self.end or self.date


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
    resolved: PartialDate | None = None  # a relative date, already resolved


def dateline(paragraph: str, published: PartialDate) -> tuple[int, PartialDate | None] | None:
    """(where the dateline ends, the day it gives if it fits the publication) for a paragraph opening with one."""
    match = _DATELINE.match(paragraph[:200])
    if not match:
        return None
    day = None
    for found in _DATE.finditer(match.group("date")):
        raw = _read(found, match.group("date"), 0)
        if raw is not None and raw.month and raw.day:
            year = raw.year or published.year
            try:
                day = _calendar(year, raw.month, raw.day)
            except ValueError:
                day = None
        break
    if day is not None and (day.year != published.year or (published.month and day.month != published.month)):
        day = None
    return match.end(), day


def find_dates(paragraph: str, published: PartialDate, written: PartialDate | None = None) -> tuple[DateMention, ...]:
    """The dates a paragraph gives, in order, resolved against the day it was written (default: the publication)."""
    skip = 0
    head = dateline(paragraph, published)
    if head is not None:
        skip = head[0]
        written = written or head[1]
    written = written or published
    raws = [raw for match in _DATE.finditer(paragraph, skip) if (raw := _read(match, paragraph, skip, written)) is not None]
    raws = _join(raws, paragraph)
    bounds = _sentences(paragraph)
    starts = [start for start, _ in bounds]
    sentences: dict[int, str] = {}
    mentions: list[DateMention] = []
    context: int | None = None
    for raw in raws:
        index = bisect.bisect_right(starts, raw.start) - 1
        start, stop = bounds[max(index, 0)]
        explicit = raw.year is not None
        try:
            if raw.resolved is not None:
                date, end = raw.resolved, None
            else:
                year = raw.year if explicit else context if context is not None else written.year
                assert year is not None
                if not explicit and _calendar(year, raw.month, raw.day).first_day > written.last_day and not _forward(paragraph, start, raw.start):
                    year -= 1  # "in late May" in an article of March: last May
                end_year = raw.end_year if raw.end_year is not None else (year if raw.end_month or raw.end_day else None)
                date = _calendar(year, raw.month, raw.day)
                end = _calendar(end_year, raw.end_month, raw.end_day) if end_year is not None else None
        except ValueError:
            continue  # "February 30": not a date
        if end is not None and end.first_day <= date.first_day:
            end = None
        kind = "since" if raw.since else "expected" if date.first_day > published.last_day else "event"
        if explicit and kind != "since" and raw.resolved is None:
            context = (end or date).year
        sentence = sentences.setdefault(start, paragraph[start:stop])
        mentions.append(
            DateMention(date, end, kind, raw.qualifier, paragraph[raw.start : raw.stop], sentence, raw.start, start, raw.resolved is not None)
        )
    mentions = _one_event_per_date(mentions)
    unique = {(m.sentence_offset, m.date, m.end, m.kind, m.qualifier): m for m in reversed(mentions)}
    return tuple(sorted(unique.values(), key=lambda m: m.offset))


def _one_event_per_date(mentions: list[DateMention]) -> list[DateMention]:
    """Drop a bare year that a more precise date of the same sentence already gives."""
    precise = {(m.sentence_offset, m.date.year) for m in mentions if m.date.month and m.kind != "since"}
    return [m for m in mentions if m.date.month or m.end or m.kind == "since" or (m.sentence_offset, m.date.year) not in precise]


def _forward(paragraph: str, sentence_start: int, at: int) -> bool:
    """Whether a forward-looking word comes shortly before `at` in its sentence."""
    window = paragraph[max(sentence_start, at - 120) : at]
    words = [w.lower() for w in _WORD.findall(window)][-_FORWARD_WINDOW:]
    if words and words[-1] in ("early", "mid", "late", "on", "in") and len(words) > 1 and words[-2] in _FORWARD_BEFORE:
        return True
    return bool(words) and (words[-1] in _FORWARD_BEFORE or any(w in _FORWARD for w in words))


def _calendar(year: int, month: int | None, day: int | None) -> PartialDate:
    """A PartialDate checked against the calendar."""
    if not 1 <= year <= 9999:
        raise ValueError(year)
    if month is not None and day is not None:
        dt.date(year, month, day)
    return PartialDate(year, month, day)


def _word_before(paragraph: str, at: int) -> str:
    """The word just before `at` (skipping punctuation and spaces), lowercase; looks back a bounded way."""
    window = paragraph[max(0, at - 40) : at]
    words = _WORD.findall(window)
    if not words:
        return ""
    tail = window[window.rfind(words[-1]) + len(words[-1]) :]
    return words[-1].lower() if not any(ch.isalnum() for ch in tail) else ""


def _read(match: re.Match[str], paragraph: str, floor: int = 0, written: PartialDate | None = None) -> _Raw | None:
    """One regex match -> a raw date, or None for a period or a word that is no date here."""
    group = match.group
    if group("period"):
        return None
    before = _word_before(paragraph, match.start()) if match.start() > floor else ""
    introduced = before in _INTRODUCERS
    raw: _Raw
    if group("rel") or group("wd"):
        resolved = _relative(match, before, written, paragraph)
        if resolved is None:
            return None
        raw = _Raw(match.start(), match.end(), None, None, None, resolved=resolved)
        raw.since = before == "since"
        return raw
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
        year = _int(group("my"))
        if group("mrel") and written is not None:  # "in May last year"
            year = written.year + {"last": -1, "this": 0, "next": 1}[group("mrel")]
        raw = _Raw(match.start(), match.end(), year, _month(group("m")), None, qualifier=group("mq"))
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


def _relative(match: re.Match[str], before: str, written: PartialDate | None, paragraph: str) -> PartialDate | None:
    """"last June", "this month", "on Tuesday" resolved against the day of writing; None if it cannot be."""
    if written is None:
        return None
    try:
        return _resolve(match, before, written, paragraph)
    except (ValueError, OverflowError):
        return None  # beyond the calendar


def _resolve(match: re.Match[str], before: str, written: PartialDate, paragraph: str) -> PartialDate | None:
    group = match.group
    if group("wd"):
        # A weekday names a day of the week of writing only in a story dated to the day
        # ("said Friday", "on Tuesday"), not a habit ("every Monday").
        if written.day is None or before in ("every", "each") or paragraph[match.end() : match.end() + 1] == "s":
            return None
        target = _WEEKDAYS.index(group("wd"))
        day = written.first_day
        ahead = before == "next" or _forward(paragraph, max(0, match.start() - 120), match.start())
        if ahead:
            shift = (target - day.weekday()) % 7 or 7
            day += dt.timedelta(days=shift)
        else:
            day -= dt.timedelta(days=(day.weekday() - target) % 7)
        return PartialDate(day.year, day.month, day.day)
    rel = group("rel").lower()
    step = {"last": -1, "this": 0, "next": 1}[rel]
    if group("rm"):
        month = _month(group("rm"))
        if written.month is None:
            return None
        year = written.year
        if step < 0:
            year -= 0 if month < written.month else 1
        elif step > 0:
            year += 0 if month > written.month else 1
        return _calendar(year, month, None)
    unit = group("unit")
    if unit == "year":
        return _calendar(written.year + step, None, None)
    if written.month is None:
        return None
    if unit == "month":
        index = written.year * 12 + written.month - 1 + step
        return _calendar(index // 12, index % 12 + 1, None)
    if written.day is None:
        return None
    day = written.first_day + dt.timedelta(days=7 * step)
    return PartialDate(day.year, day.month)


def _join(raws: list[_Raw], paragraph: str) -> list[_Raw]:
    """Share a year across coordinated dates ("March and May 2023") and make "from A to B" one range."""
    out: list[_Raw] = []
    index = 0
    while index < len(raws):
        raw, after = raws[index], raws[index + 1] if index + 1 < len(raws) else None
        gap = paragraph[raw.stop : after.start] if after is not None and after.start - raw.stop <= 20 else None
        join = _JOIN.match(gap) if gap is not None and raw.resolved is None and after is not None and after.resolved is None else None
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
    name = name.rstrip(".")
    return next(i for i, month in enumerate(MONTHS, 1) if month.startswith(name[:3]))


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, stop) of each sentence, so that paragraph[start:stop] is the sentence verbatim."""
    return _sentences(paragraph)


def _sentences(paragraph: str) -> list[tuple[int, int]]:
    bounds = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.start()
        window = (" " if end < 6 else "") + paragraph[max(0, end - 5) : end + 1]
        if _ABBREVIATION.search(window):
            continue  # "U.S. demand", "Mr. Abe": an abbreviation, not the end of a sentence
        stop = end + len(match.group(0).rstrip())
        bounds.append((start, stop))
        start = match.end()
    bounds.append((start, len(paragraph.rstrip())))
    return bounds
