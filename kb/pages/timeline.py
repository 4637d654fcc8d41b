"""The timeline page, its SVG picture, and the timeline section of administration and theme pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from html import escape

from kb.dates import PartialDate
from kb.pages import Page, sitemap
from kb.pages.markup import admin_label, front_matter, plural, short_citation, text
from kb.pages.plan import Plan
from kb.timeline import Event

# Pages stay readable (and under ~100 KB of HTML) however large the collection:
# beyond this many events the timeline is split into a page per year, and a
# busy year into a page per month; topic pages show the first events of theirs.
EVENTS_PER_PAGE = 100
SLICE = 20


def render(plan: Plan) -> Iterator[Page]:
    """The timeline page (split by period when large) and its picture."""
    periods = _periods(plan.events)
    yield Page(sitemap.TIMELINE, timeline_page(plan, periods))
    for period, events in periods.items():
        yield Page(sitemap.timeline_period(period), _period_page(plan, period, events))
    if plan.events:
        yield Page(sitemap.TIMELINE_SVG, timeline_svg(plan))


def _periods(events: tuple[Event, ...]) -> dict[str, list[Event]]:
    """Events by `YYYY` page, or `YYYY-MM` pages for a busy year; empty when one page holds them all."""
    if len(events) <= EVENTS_PER_PAGE:
        return {}
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.date.year, []).append(event)
    periods: dict[str, list[Event]] = {}
    for year, members in years.items():
        if len(members) <= EVENTS_PER_PAGE:
            periods[f"{year:04d}"] = members
            continue
        for event in members:
            key = f"{year:04d}-{event.date.month:02d}" if event.date.month else f"{year:04d}"
            periods.setdefault(key, []).append(event)
    return periods


def _period_page(plan: Plan, period: str, events: list[Event]) -> str:
    """One period of a large timeline."""
    first = events[0].date
    title = first.human() if "-" not in period else PartialDate(first.year, first.month).human()
    shown = events[:EVENTS_PER_PAGE]
    here = sitemap.timeline_period(period)
    lines = [
        front_matter({"title": f"Timeline: {title}", "description": f"{plural(len(events), 'dated event')} of {title} in the collection."}),
        f"# Timeline: {text(title)}",
        "",
        f"{plural(len(events), 'dated event')}, earliest first; back to the [whole timeline]({sitemap.link(here, sitemap.TIMELINE)}).",
        "",
    ]
    for event in shown:
        lines += _event_lines(plan, event, show_admin=True, here=here)
    if len(events) > len(shown):
        lines += [f"*{len(events) - len(shown)} more events of {text(title)} are not listed here; the JSON export has them all.*", ""]
    return "\n".join(lines)


def when(event: Event) -> str:
    """The date as the text gives it: `26–28 May 2014`, `late May 2023`, `since October 2013`."""
    start, end = event.date, event.end
    if end is None:
        shown = start.human()
    elif start.year != end.year or start.precision != end.precision or start.precision == "year":
        shown = f"{start.human()}–{end.human()}" if start.precision == "year" else f"{start.human()} – {end.human()}"
    elif start.precision == "month" or start.month != end.month:
        shown = f"{start.human().rsplit(' ', 1)[0]} – {end.human()}"
    else:
        shown = f"{start.day}–{end.human()}"
    if event.qualifier:
        shown = f"{event.qualifier} {shown}"
    return f"since {shown}" if event.kind == "since" else shown


def _note(event: Event) -> str:
    if event.kind == "expected":
        return " (expected when the article was written)"
    return ""


def _event_lines(plan: Plan, event: Event, show_admin: bool, here: str) -> list[str]:
    """One event on the page at `here`: its date, administrations and themes, the sentence quoted, the link to its paragraph."""
    taxonomy = plan.taxonomy
    parts = [f"**{text(when(event))}**{_note(event)}"]
    admins = [taxonomy.administration(a) for a in event.administrations]
    links = [f"[{text(admin_label(a))}]({sitemap.link(here, sitemap.administration(a.id))})" for a in admins]
    if len(admins) > 1:
        parts.append(" and ".join(links) + " (the date spans a change of government)")
    elif links and show_admin:
        parts.append(links[0])
    themes = [f"[{text(taxonomy.theme(t).name)}]({sitemap.link(here, sitemap.theme(t))})" for t in event.themes]
    if themes:
        parts.append("Themes: " + ", ".join(themes))
    passage = event.passage
    article = passage.article
    label = f"{short_citation(article)}, ¶ {passage.block.number}"
    return [
        "- " + " · ".join(parts),
        "",
        f"    > {text(event.sentence)}",
        "",
        f"    [{text(label)}]({sitemap.link(here, sitemap.article(article.id), passage.anchor)})",
        "",
    ]


def _section_of(plan: Plan, event: Event) -> str | None:
    """The administration in office on the first day of the date, which groups it on the timeline page."""
    admin = plan.taxonomy.in_office(event.date.first_day)
    return admin.id if admin else None


def timeline_page(plan: Plan, periods: dict[str, list[Event]]) -> str:
    """The whole collection's dated events, grouped by administration, earliest first (or links to its periods)."""
    taxonomy = plan.taxonomy
    events = plan.events
    articles = {e.passage.article.id for e in events}
    lines = [
        front_matter({
            "title": "Timeline",
            "description": f"{plural(len(events), 'dated event')} from the articles of the collection, earliest first, each with the sentence that dates it.",
        }),
        "# Timeline",
        "",
        f"{plural(len(events), 'dated event')} from {plural(len(articles), 'article')}, earliest first. "
        "Each is quoted with the sentence that dates it and links to its paragraph."
        if events
        else "No article of the collection gives a date yet.",
        "",
        "Dates keep the precision of the text: a year stays a year and a month a month. "
        "A day or month given without a year takes the year of the paragraph's earlier dates, else the "
        "article's year, and is never placed after the article was published. "
        "“Since …” marks the start of something still going on when the article was written; "
        "decades such as “the 1990s” are periods, not events, and are left out.",
        "",
    ]
    if not events:
        return "\n".join(lines)
    lines += [f"![{text(_alt(plan))}]({sitemap.link(sitemap.TIMELINE, sitemap.TIMELINE_SVG)})", ""]
    groups: dict[str | None, list[Event]] = {}
    for event in events:
        groups.setdefault(_section_of(plan, event), []).append(event)
    order = [None, *(a.id for a in taxonomy.administrations)]
    present = [g for g in order if g in groups]
    if periods:  # the sections are not on this page: go to each administration's own slice
        slices = {g: sitemap.link(sitemap.TIMELINE, sitemap.administration(g), sitemap.TIMELINE_SECTION) for g in present if g}
        jumps = [f"[{text(admin_label(taxonomy.administration(g)))}]({slices[g]}) ({len(groups[g])})" for g in present if g]
    else:
        jumps = [f"[{text(admin_label(taxonomy.administration(g)) if g else 'Other dates')}](#{g or sitemap.OTHER_DATES}) ({len(groups[g])})" for g in present]
    lines += ["**By administration:** " + " · ".join(jumps), ""]
    counts = [(t, sum(1 for e in events if t.id in e.themes)) for t in taxonomy.themes]
    themed = [f"[{text(t.name)}]({sitemap.link(sitemap.TIMELINE, sitemap.theme(t.id), sitemap.TIMELINE_SECTION)}) ({n})" for t, n in counts if n]
    if themed:
        lines += ["**By theme** (each theme page has its own timeline): " + " · ".join(themed), ""]
    if periods:
        lines += ["## By period", "", f"The timeline has too many events for one page; here they are by period, {EVENTS_PER_PAGE} at most a page.", ""]
        lines += [
            f"- [{period}]({sitemap.link(sitemap.TIMELINE, sitemap.timeline_period(period))}) ({plural(len(members), 'event')})"
            for period, members in periods.items()
        ]
        return "\n".join([*lines, ""])
    for group in present:
        if group is None:
            lines += [f"## Other dates {{ #{sitemap.OTHER_DATES} }}", "", "Dates outside the terms of office the taxonomy knows.", ""]
        else:
            admin = taxonomy.administration(group)
            own = sitemap.link(sitemap.TIMELINE, sitemap.administration(group), sitemap.TIMELINE_SECTION)
            lines += [
                f"## {text(admin_label(admin))} {{ #{group} }}",
                "",
                f"Dates that begin under this administration. Its page: [{text(admin_label(admin))}]({own}).",
                "",
            ]
        for event in groups[group]:
            lines += _event_lines(plan, event, show_admin=False, here=sitemap.TIMELINE)
    return "\n".join(lines)


def timeline_section(plan: Plan, administration: str | None = None, theme: str | None = None) -> list[str]:
    """The `## Timeline` section of an administration page (dates in its terms) or a theme page (dated passages)."""
    if administration is not None:
        here = sitemap.administration(administration)
        events = [e for e in plan.events if administration in e.administrations]
        empty = "No date the collection gives falls in this administration's terms yet."
    else:
        here = sitemap.theme(theme or "")
        events = [e for e in plan.events if theme in e.themes]
        empty = "No passage on this theme gives a date yet."
    lines = [f"## Timeline {{ #{sitemap.TIMELINE_SECTION} }}", ""]
    whole = sitemap.link(here, sitemap.TIMELINE)
    if not events:
        return [*lines, empty, "", f"See the [whole timeline]({whole}).", ""]
    lines += [f"{plural(len(events), 'dated event')}, earliest first; see also the [whole timeline]({whole}).", ""]
    for event in events[:SLICE]:
        lines += _event_lines(plan, event, show_admin=administration is None, here=here)
    if len(events) > SLICE:
        lines += [f"*The first {SLICE} are listed here; the whole timeline has the other {len(events) - SLICE}.*", ""]
    return lines


# The picture: a time axis with the terms of office as labelled bands and events as marks.
WIDTH = 760  # close to the page's text width, so that the picture is shown near its own size
MARGIN = 24
ROW = 13
TOP = 92  # first row of marks, below the title and three lines of band labels
LABEL_LINES = 3
COLOURS = ("#dde1f5", "#f4f5fa")
INK = "#283593"


def _alt(plan: Plan) -> str:
    first, last = _span(plan.events)
    return (
        f"Timeline from {first} to {last - 1}: the terms of office of the administrations as bands, "
        f"and {plural(len(plan.events), 'dated event')} as marks (the same events are listed below)."
    )


def _span(events: tuple[Event, ...]) -> tuple[int, int]:
    """First year and the year after the last, for the axis."""
    first = min(e.date.year for e in events)
    last = max(max(e.last.year, e.passage.article.date.year) for e in events)
    return first, last + 1


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days


def timeline_svg(plan: Plan) -> str:
    """The SVG picture, drawn from the events and the taxonomy's terms; the same input gives the same bytes."""
    events = plan.events
    if not events:
        return _svg(WIDTH, 60, ['<text x="24" y="36">No dated events yet.</text>'], "Timeline", "No dated events yet.")
    first, stop = _span(events)
    scale = (WIDTH - 2 * MARGIN) / (stop - first)

    def x(day: dt.date) -> float:
        return MARGIN + (min(max(_year_fraction(day), first), stop) - first) * scale

    rows = _rows(events, x)
    bottom = TOP + (max(rows) + 1) * ROW + 8
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
            f'<rect x="{left:.1f}" y="40" width="{right - left:.1f}" height="{bottom - 40}" fill="{COLOURS[index % 2]}">'
            f"<title>{escape(admin_label(admin))}: {term.start.isoformat()} to {until}</title></rect>"
        )
        half = len(admin.surname) * 3.6
        centre = min(max((left + right) / 2, MARGIN + half), WIDTH - MARGIN - half)
        line = next((i for i, end in enumerate(last_label_end) if centre - half > end + 4), None)
        if line is not None:
            labels.append(f'<text x="{centre:.1f}" y="{54 + 13 * line}" text-anchor="middle" class="band">{escape(admin.surname)}</text>')
            last_label_end[line] = centre + half
    body += labels  # after all bands, so that no band covers a neighbour's label
    # Events: a dot for a day, a bar over the month or year (or range) otherwise; hollow when expected, a dashed tail for "since".
    for event, row in zip(events, rows, strict=True):
        y = TOP + row * ROW
        left, right = x(event.date.first_day), x(event.last.last_day + dt.timedelta(days=1))
        fill = "none" if event.kind == "expected" else INK
        tip = f"<title>{escape(when(event))}: {escape(event.words)}</title>"
        if event.kind == "since":
            tail = x(event.passage.article.date.first_day)
            body.append(f'<line x1="{right:.1f}" y1="{y + 4}" x2="{max(tail, right):.1f}" y2="{y + 4}" class="since"/>')
        if event.date.precision == "day" and event.end is None:
            body.append(f'<circle cx="{(left + right) / 2:.1f}" cy="{y + 4}" r="4" fill="{fill}" stroke="{INK}">{tip}</circle>')
        else:
            width = max(right - left, 8.0)
            faint = ' fill-opacity="0.35"' if event.date.precision == "year" and event.end is None else ""
            body.append(f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="8" rx="2" fill="{fill}" stroke="{INK}"{faint}>{tip}</rect>')
    # The axis: a tick every year, a label every year or every few years when they would crowd.
    body.append(f'<line x1="{MARGIN}" y1="{bottom}" x2="{WIDTH - MARGIN}" y2="{bottom}" class="axis"/>')
    step = next(s for s in (1, 2, 5, 10, 20, 50) if s * scale >= 34)
    for year in range(first, stop + 1):
        tx = MARGIN + (year - first) * scale
        body.append(f'<line x1="{tx:.1f}" y1="{bottom}" x2="{tx:.1f}" y2="{bottom + (6 if year % step == 0 else 3)}" class="axis"/>')
        if year % step == 0 and year < stop:
            body.append(f'<text x="{tx + scale / 2:.1f}" y="{bottom + 18}" text-anchor="middle">{year}</text>')
    # The legend, wrapped onto a second line when it would not fit.
    legend, left = bottom + 40, float(MARGIN)
    keys = [
        ('<circle cx="{x}" cy="{y4}" r="4" fill="{ink}" stroke="{ink}"/>', 4, 8, "day"),
        ('<rect x="{x}" y="{y8}" width="16" height="8" rx="2" fill="{ink}" stroke="{ink}"/>', 0, 16, "month or range"),
        ('<rect x="{x}" y="{y8}" width="30" height="8" rx="2" fill="{ink}" fill-opacity="0.35" stroke="{ink}"/>', 0, 30, "year"),
        ('<rect x="{x}" y="{y8}" width="16" height="8" rx="2" fill="none" stroke="{ink}"/>', 0, 16, "expected when written"),
        ('<line x1="{x}" y1="{y4}" x2="{x2}" y2="{y4}" class="since"/>', 0, 30, "“since”: still going on when written"),
    ]
    for mark, shift, size, label in keys:
        width = size + 6 + 7 * len(label)
        if left + width > WIDTH - MARGIN:
            legend, left = legend + 20, float(MARGIN)
        body.append(mark.format(x=f"{left + shift:.1f}", x2=f"{left + size:.1f}", y4=legend - 4, y8=legend - 8, ink=INK))
        body.append(f'<text x="{left + size + 6:.1f}" y="{legend}">{escape(label)}</text>')
        left += width + 22
    body += [
        f'<text x="{MARGIN}" y="24" class="title">Dated events in the collection, {first}–{stop - 1}, over the terms of office</text>',
    ]
    return _svg(WIDTH, legend + 12, body, "Timeline of the collection", _alt(plan))


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


def _svg(width: int, height: int, body: list[str], title: str, desc: str) -> str:
    style = (
        "text{font-family:sans-serif;font-size:13px;fill:#222}"
        ".band{font-size:12px;fill:#283593}.title{font-size:15px;font-weight:bold}"
        f".axis{{stroke:#444;stroke-width:1}}.since{{stroke:{INK};stroke-width:1.5;stroke-dasharray:4 3}}"
    )
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(desc)}</desc>',
        f"<style>{style}</style>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        *body,
        "</svg>",
        "",
    ])
