"""The timeline picture: an inline SVG of the terms of office as bands and the events as marks.

Inline (not an <img>) so that each mark is a link to its event in the list, with
a tooltip (<title>) and keyboard focus; colours are classes that kb.css sets for
the light and the dark scheme. Events before the first administration the
taxonomy knows are listed on the page but do not stretch the axis.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from kb import memo
from kb.pages.markup import admin_label, plural
from kb.pages.plan import Plan
from kb.taxonomy import Taxonomy
from kb.timeline import Event

WIDTH = 680  # the text column's width at 1280 px; narrow screens scroll it rather than shrink it much
MARGIN = 24
ROW = 13
TOP = 92  # first row of marks, below the title and three lines of band labels
LABEL_LINES = 3


def event_id(event: Event) -> str:
    """The anchor of an event in a list: stable for the same event, whatever else changes."""
    article = event.passage.article
    key = "\x1f".join((article.id, event.passage.anchor, event.words, event.date.iso(), event.last.iso(), event.kind))
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def drawn(plan: Plan) -> tuple[Event, ...]:
    """The events the picture shows: those that end on or after the first term of office begins."""
    # The timeline page asks three times per build, for tens of thousands of events: the last answer is kept.
    if _LAST.events is plan.events and _LAST.taxonomy is plan.taxonomy:
        return _LAST.drawn
    starts = [t.start for a in plan.taxonomy.administrations for t in a.terms]
    found = tuple(e for e in plan.events if e.last.last_day >= min(starts)) if starts else plan.events
    _LAST.events, _LAST.taxonomy, _LAST.drawn = plan.events, plan.taxonomy, found
    return found


@dataclass
class _Drawn:
    """The last answer of drawn(): for which events and taxonomy, and the events drawn."""

    events: tuple[Event, ...] | None = None
    taxonomy: Taxonomy | None = None
    drawn: tuple[Event, ...] = ()
    span: tuple[tuple[Event, ...], tuple[int, int]] | None = None  # the last events measured, and their span

    def clear(self) -> None:
        """Forget the last answers."""
        self.events, self.taxonomy, self.drawn, self.span = None, None, (), None


_LAST = _Drawn()
memo.kept(_LAST.clear)


def span(events: tuple[Event, ...]) -> tuple[int, int]:
    """First year and the year after the last, for the axis."""
    if _LAST.span is not None and _LAST.span[0] is events:
        return _LAST.span[1]
    first = min(e.date.year for e in events)
    last = max(max((e.end or e.date).year, e.passage.article.date.year) for e in events)
    _LAST.span = (events, (first, last + 1))
    return first, last + 1


def alt(plan: Plan, periods: int = 0) -> str:
    """What the picture shows, in words (`periods`: the number of period pages it links to instead of events)."""
    events = drawn(plan)
    if not events:
        return "No dated event falls in the terms of office the taxonomy knows."
    first, stop = span(events)
    earlier = len(plan.events) - len(events)
    marks = (
        f"{plural(len(events), 'dated event')} in {plural(periods, 'period')} as marks, each a link to the page of its period"
        if periods
        else f"{plural(len(events), 'dated event')} as marks, each a link to the event in the list below"
    )
    return (
        f"Timeline from {first} to {stop - 1}: the terms of office of the administrations as bands, and {marks}"
        + (f"; {plural(earlier, 'earlier event')}, before the first administration, only in the list." if earlier else ".")
    )


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days


@dataclass(frozen=True)
class Period:
    """A page of a timeline too large for one page: what the picture shows instead of its events."""

    label: str
    first: dt.date
    last: dt.date
    events: int
    href: str


def figure(plan: Plan, href: Callable[[Event], str], when: Callable[[Event], str], periods: tuple[Period, ...] = ()) -> str:
    """The picture as one raw HTML block (no blank line), the same input giving the same bytes.

    With `periods` (a timeline split into pages) it draws one mark per period, linking
    to its page, so that the picture stays small however many events there are.
    """
    events = drawn(plan)
    if not events:
        return ""
    first, stop = span(events)
    scale = (WIDTH - 2 * MARGIN) / (stop - first)
    periods = tuple(p for p in periods if p.last.year >= first)  # as for events: earlier ones are only listed

    def x(day: dt.date) -> float:
        return MARGIN + (min(max(_year_fraction(day), first), stop) - first) * scale

    rows = [0] * len(periods) if periods else _rows(events, x)
    bottom = TOP + (max(rows, default=0) + 1) * ROW + 8
    body: list[str] = []
    # Terms of office as bands behind the marks, each labelled on the first of three lines where it fits.
    terms = sorted((t.start, t, a) for a in plan.taxonomy.administrations for t in a.terms)
    last_label_end = [-1e9] * LABEL_LINES
    labels: list[str] = []
    for index, (_, term, admin) in enumerate(terms):
        left, right = x(term.start), x(term.end or dt.date(stop, 1, 1))
        if right - left < 0.5:
            continue
        until = term.end.isoformat() if term.end else "in office"
        body.append(
            f'<rect x="{left:.1f}" y="40" width="{right - left:.1f}" height="{bottom - 40}" class="kb-tl-band kb-tl-band-{index % 2}">'
            f"<title>{escape(admin_label(admin))}: {term.start.isoformat()} to {until}</title></rect>"
        )
        half = len(admin.surname) * 3.6
        centre = min(max((left + right) / 2, MARGIN + half), WIDTH - MARGIN - half)
        line = next((i for i, end in enumerate(last_label_end) if centre - half > end + 4), None)
        if line is not None:
            labels.append(f'<text x="{centre:.1f}" y="{54 + 13 * line}" text-anchor="middle" class="kb-tl-label">{escape(admin.surname)}</text>')
            last_label_end[line] = centre + half
    body += labels  # after all bands, so that no band covers a neighbour's label
    for period in periods:
        left, right = x(period.first), x(period.last + dt.timedelta(days=1))
        tip = f"{period.label}: {plural(period.events, 'dated event')}"
        bar = f'<rect x="{left:.1f}" y="{TOP}" width="{max(right - left, 8.0):.1f}" height="8" rx="2" class="kb-tl-mark kb-tl-year"/>'
        body.append(f'<a href="{escape(period.href)}" tabindex="0" class="kb-tl-link"><title>{escape(tip)}</title>{bar}</a>')
    # Events: a dot for a day, a bar over the month or year (or range) otherwise; hollow when
    # expected, a dashed tail for "since". Each is a link to its event in the list.
    for event, row in zip(() if periods else events, rows, strict=not periods):
        y = TOP + row * ROW
        left, right = x(event.date.first_day), x(event.last.last_day + dt.timedelta(days=1))
        shape = "kb-tl-mark" + (" kb-tl-expected" if event.kind == "expected" else "")
        mark: list[str] = []
        if event.kind == "since":
            tail = x(event.passage.article.date.first_day)
            mark.append(f'<line x1="{right:.1f}" y1="{y + 4}" x2="{max(tail, right):.1f}" y2="{y + 4}" class="kb-tl-since"/>')
        if event.date.precision == "day" and event.end is None:
            mark.append(f'<circle cx="{(left + right) / 2:.1f}" cy="{y + 4}" r="4" class="{shape}"/>')
        else:
            width = max(right - left, 8.0)
            faint = " kb-tl-year" if event.date.precision == "year" and event.end is None else ""
            mark.append(f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="8" rx="2" class="{shape}{faint}"/>')
        tip = f"{when(event)}: {event.words} ({event.passage.article.date.human()})"
        body.append(f'<a href="{escape(href(event))}" tabindex="0" class="kb-tl-link"><title>{escape(tip)}</title>{"".join(mark)}</a>')
    # The axis: a tick every year, a label every year or every few years when they would crowd.
    body.append(f'<line x1="{MARGIN}" y1="{bottom}" x2="{WIDTH - MARGIN}" y2="{bottom}" class="kb-tl-axis"/>')
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if s * scale >= 34)
    for year in range(first, stop + 1):
        tx = MARGIN + (year - first) * scale
        body.append(f'<line x1="{tx:.1f}" y1="{bottom}" x2="{tx:.1f}" y2="{bottom + (6 if year % step == 0 else 3)}" class="kb-tl-axis"/>')
        if year % step == 0 and year < stop:
            body.append(f'<text x="{tx + scale / 2:.1f}" y="{bottom + 18}" text-anchor="middle">{year}</text>')
    legend = _legend(body, bottom + 40)
    body.append(f'<text x="{MARGIN}" y="24" class="kb-tl-title">Dated events in the collection, {first}–{stop - 1}, over the terms of office</text>')
    height = legend + 12
    return "".join([
        f'<figure class="kb-timeline"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(alt(plan, len(periods)))}">',
        "<title>Timeline of the collection</title>",
        *body,
        "</svg></figure>",
    ])


def _legend(body: list[str], top: int) -> int:
    """The legend, wrapped onto further lines when it would not fit; returns its last line's baseline."""
    legend, left = top, float(MARGIN)
    keys = [
        ('<circle cx="{x}" cy="{y4}" r="4" class="kb-tl-mark"/>', 4, 8, "day"),
        ('<rect x="{x}" y="{y8}" width="16" height="8" rx="2" class="kb-tl-mark"/>', 0, 16, "month or range"),
        ('<rect x="{x}" y="{y8}" width="30" height="8" rx="2" class="kb-tl-mark kb-tl-year"/>', 0, 30, "year"),
        ('<rect x="{x}" y="{y8}" width="16" height="8" rx="2" class="kb-tl-mark kb-tl-expected"/>', 0, 16, "expected when written"),
        ('<line x1="{x}" y1="{y4}" x2="{x2}" y2="{y4}" class="kb-tl-since"/>', 0, 30, "“since”: still going on when written"),
    ]
    for mark, shift, size, label in keys:
        width = size + 6 + 7 * len(label)
        if left + width > WIDTH - MARGIN:
            legend, left = legend + 20, float(MARGIN)
        body.append(mark.format(x=f"{left + shift:.1f}", x2=f"{left + size:.1f}", y4=legend - 4, y8=legend - 8))
        body.append(f'<text x="{left + size + 6:.1f}" y="{legend}">{escape(label)}</text>')
        left += width + 22
    return legend


def _rows(events: tuple[Event, ...], x: Callable[[dt.date], float]) -> list[int]:
    """A row for each mark so that marks do not overlap: the lowest free row, in chronological order."""
    ends: list[float] = []
    rows = []
    for event in events:
        left = x(event.date.first_day) - 5
        right = max(x(event.last.last_day + dt.timedelta(days=1)), left + 10)
        if event.kind == "since":
            right = max(right, x(event.passage.article.date.first_day))
        row = next((i for i, end in enumerate(ends) if end < left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows.append(row)
    return rows
