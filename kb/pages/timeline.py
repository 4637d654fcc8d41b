"""The timeline page (with its picture, kb/pages/picture.py) and the timeline section of administration and theme pages."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator

from kb.dates import PartialDate
from kb.pages import Draft, facets, sitemap
from kb.pages.markup import admin_label, front_matter, plural, short_citation, text
from kb.pages.picture import Period, drawn, event_id, figure
from kb.pages.plan import Plan
from kb.timeline import Event

# Pages stay readable (and under ~100 KB of HTML) however large the collection:
# beyond this many events the timeline is split into a page per year, and a
# busy year into a page per month; topic pages show the first events of theirs.
EVENTS_PER_PAGE = 100
SLICE = 20


def drafts(plan: Plan) -> Iterator[Draft]:
    """The timeline page with its picture (made from the whole collection), and its pages by period (from their events' articles)."""
    periods = _periods(plan.events)
    yield Draft(sitemap.TIMELINE, None, functools.partial(timeline_page, plan, periods))
    for period, events in periods.items():
        reads = tuple(dict.fromkeys(e.passage.article.id for e in events))
        yield Draft(sitemap.timeline_period(period), reads, functools.partial(_period_page, plan, period, events))


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
        front_matter({
            "title": f"Timeline: {title}",
            "description": f"{plural(len(events), 'dated event')} of {title} in the collection.",
            "search": facets.NOT_SEARCHED,
        }),
        f"# Timeline: {text(title)}",
        "",
        f"{plural(len(events), 'dated event')}, earliest first; back to the [whole timeline]({sitemap.link(here, sitemap.TIMELINE)}).",
        "",
    ]
    for event in shown:
        lines += _event_lines(plan, event, show_admin=True, here=here)
    if len(events) > len(shown):
        rest = len(events) - len(shown)
        lines += [f"*{plural(rest, 'more event')} of {text(title)} {'is' if rest == 1 else 'are'} not listed here; the JSON export has them all.*", ""]
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
    # The anchor the picture's mark links to (an empty span: list items take no attributes).
    return [
        f'- <span class="kb-event" id="{event_id(event)}"></span>' + " · ".join(parts),
        "",
        f"    > {text(event.sentence)}",
        "",
        f"    [{text(label)}]({sitemap.link(here, sitemap.article(article.id), passage.anchor)})",
        "",
    ]


def _picture_link(periods: dict[str, list[Event]]) -> Callable[[Event], str]:
    """Where a mark links: its event on this page, or on its period's page when the timeline is split."""
    # The picture is raw HTML, whose links MkDocs does not rewrite: they are the final
    # addresses, relative to where the timeline page is served.
    period_of = {id(e): period for period, members in periods.items() for e in members}
    served = sitemap.url("", sitemap.TIMELINE) + "index.html"

    def href(event: Event) -> str:
        period = period_of.get(id(event))
        return f"{sitemap.url(served, sitemap.timeline_period(period))}#{event_id(event)}" if period else f"#{event_id(event)}"

    return href


def _picture_periods(periods: dict[str, list[Event]]) -> tuple[Period, ...]:
    """The periods of a split timeline as the picture's marks, each linking to its page."""
    served = sitemap.url("", sitemap.TIMELINE) + "index.html"
    out = []
    for period, members in periods.items():
        year, _, month = period.partition("-")
        date = PartialDate(int(year), int(month)) if month else PartialDate(int(year))
        out.append(Period(date.human(), date.first_day, date.last_day, len(members), sitemap.url(served, sitemap.timeline_period(period))))
    return tuple(out)


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
            "search": facets.NOT_SEARCHED,
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
    picture = figure(plan, _picture_link(periods), when, _picture_periods(periods))
    if picture:
        lines += ["Scroll the picture sideways to see the whole period. →", '{ .kb-scroll-cue aria-hidden="true" }', "", picture, ""]
    earlier = len(events) - len(drawn(plan))
    if earlier:
        verb = "is" if earlier == 1 else "are"
        lines += [f"*{plural(earlier, 'event')} before the first administration the taxonomy knows {verb} listed below but not drawn.*", ""]
    groups: dict[str | None, list[Event]] = {}
    sections: dict[object, str | None] = {}  # many events share a first day
    for event in events:
        day = event.date.first_day
        if day not in sections:
            sections[day] = _section_of(plan, event)
        groups.setdefault(sections[day], []).append(event)
    order = [None, *(a.id for a in taxonomy.administrations)]
    present = [g for g in order if g in groups]
    if periods:  # the sections are not on this page: go to each administration's own slice
        slices = {g: sitemap.link(sitemap.TIMELINE, sitemap.administration(g), sitemap.TIMELINE_SECTION) for g in present if g}
        jumps = [f"[{text(admin_label(taxonomy.administration(g)))}]({slices[g]}) ({len(groups[g])})" for g in present if g]
    else:
        jumps = [f"[{text(admin_label(taxonomy.administration(g)) if g else 'Other dates')}](#{g or sitemap.OTHER_DATES}) ({len(groups[g])})" for g in present]
    lines += ["**By administration:** " + " · ".join(jumps), ""]
    per_theme = Counter(theme for e in events for theme in dict.fromkeys(e.themes))
    counts = [(t, per_theme[t.id]) for t in taxonomy.themes]
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
