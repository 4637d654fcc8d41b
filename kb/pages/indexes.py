"""Index pages: administrations, themes, articles, the administration × theme matrix, tags."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

from kb.dates import MONTHS
from kb.pages import Draft, facets, sitemap
from kb.pages.markup import admin_label, attr, authors, front_matter, plural, text
from kb.pages.plan import Plan
from kb.pages.topics import ids, years
from kb.tagging import TaggedArticle


def drafts(plan: Plan) -> Iterator[Draft]:
    """The index pages: each made from the whole collection, but for the articles' pages by period."""
    yield Draft(sitemap.ADMINISTRATIONS_INDEX, None, functools.partial(administrations_index, plan))
    yield Draft(sitemap.THEMES_INDEX, None, functools.partial(themes_index, plan))
    yield from article_pages(plan)
    yield Draft(sitemap.MATRIX, None, functools.partial(matrix, plan))
    yield Draft(sitemap.TAGS, None, functools.partial(tags_index, plan))


def administrations_index(plan: Plan) -> str:
    """Every administration with its term and counts."""
    lines = [
        front_matter({"title": "Administrations", "description": "Japanese administrations and what the collection says about their North Korea policy."}),
        "# Administrations",
        "",
        "Each administration's page quotes the passages that concern it, grouped by theme.",
        "",
        "| Administration | Prime minister | In office | Articles | Passages |",
        "|---|---|---|--:|--:|",
    ]
    for admin in plan.taxonomy.administrations:
        articles, passages = len(plan.about(admin.id)), len(plan.passages_of(admin.id))
        page = sitemap.link(sitemap.ADMINISTRATIONS_INDEX, sitemap.administration(admin.id))
        lines.append(f"| [{text(admin_label(admin))}]({page}) | {text(admin.name)} | {years(admin)} | {articles} | {passages} |")
    return "\n".join(lines) + "\n"


def themes_index(plan: Plan) -> str:
    """Every theme with its description and counts."""
    lines = [
        front_matter({"title": "Themes", "description": "The themes of Japan–North Korea relations traced through the collection."}),
        "# Themes",
        "",
    ]
    for theme in plan.taxonomy.themes:
        articles, passages = len(plan.about(theme.id)), len(plan.passages_of(theme.id))
        lines += [
            f"## [{text(theme.name)}]({sitemap.link(sitemap.THEMES_INDEX, sitemap.theme(theme.id))})",
            "",
            f"{text(theme.description)} ({plural(articles, 'article')}, {plural(passages, 'passage')})",
            "",
        ]
    return "\n".join(lines)


# Beyond this many articles the index is split into a page per year (and a busy
# year into a page per month), so that no page grows with the collection.
ARTICLES_PER_PAGE = 150
NEWEST = 100  # articles listed on the index itself when the collection is split


def article_pages(plan: Plan) -> Iterator[Draft]:
    """The articles index, and its pages by period when the collection is large (each made from its period's articles)."""
    newest_first = list(reversed(plan.collection.articles))
    periods = _article_periods(newest_first)
    yield Draft(sitemap.ARTICLES_INDEX, None, functools.partial(articles_index, plan, newest_first, periods))
    for period, members in periods.items():
        yield Draft(sitemap.articles_period(period), ids(members), functools.partial(_period_page, plan, period, members))


def _period_page(plan: Plan, period: str, members: list[TaggedArticle]) -> str:
    here = sitemap.articles_period(period)
    title = f"Articles of {_period_name(period)}"
    head = [
        front_matter({
            "title": title,
            "description": f"{plural(len(members), 'article')} of the collection published in {_period_name(period)}.",
            "search": facets.NOT_SEARCHED,
        }),
        f"# {text(title)}",
        "",
        f"{plural(len(members), 'article')}, newest first; back to [all articles]({sitemap.link(here, sitemap.ARTICLES_INDEX)}).",
        "",
    ]
    return "\n".join(head) + "\n" + _article_table(plan, members, here)


def _article_periods(articles: list[TaggedArticle]) -> dict[str, list[TaggedArticle]]:
    if len(articles) <= ARTICLES_PER_PAGE:
        return {}
    years: dict[str, list[TaggedArticle]] = {}
    for tagged in articles:
        years.setdefault(f"{tagged.article.date.year:04d}", []).append(tagged)
    periods: dict[str, list[TaggedArticle]] = {}
    for year, members in years.items():
        for tagged in members:
            month = tagged.article.date.month
            key = f"{year}-{month:02d}" if len(members) > ARTICLES_PER_PAGE and month else year
            periods.setdefault(key, []).append(tagged)
    return periods


def _period_name(period: str) -> str:
    year, _, month = period.partition("-")
    return f"{MONTHS[int(month) - 1]} {year}" if month else year


def articles_index(plan: Plan, articles: list[TaggedArticle], periods: dict[str, list[TaggedArticle]]) -> str:
    """Every article, newest first, with filters; or, for a large collection, its periods and the newest articles."""
    lines = [
        front_matter({"title": "Articles", "description": "Every article of the collection, newest first.", "search": facets.NOT_SEARCHED}),
        "# Articles",
        "",
        f"The collection holds {plural(len(articles), 'article')}, newest first.",
        "",
    ]
    if periods:
        lines += ["## By period", ""]
        lines += [
            f"- [{_period_name(period)}]({sitemap.link(sitemap.ARTICLES_INDEX, sitemap.articles_period(period))}) ({plural(len(members), 'article')})"
            for period, members in periods.items()
        ]
        lines += ["", f"## The newest {NEWEST}", ""]
        articles = articles[:NEWEST]
    return "\n".join(lines) + "\n" + _article_table(plan, articles, sitemap.ARTICLES_INDEX)


def _article_table(plan: Plan, articles: list[TaggedArticle], here: str) -> str:
    """The filterable table of articles on the page at `here`: a plain table without script, select boxes with it (filters.js)."""
    taxonomy = plan.taxonomy
    used = {tag for tagged in articles for tag in (*tagged.administrations, *tagged.themes)}
    publishers = sorted({_publisher(tagged) for tagged in articles}, key=lambda name: (name == UNKNOWN, name.casefold()))
    # The options travel as JSON in one attribute of an empty placeholder: filters.js builds
    # the select boxes from it, and without script the page is the plain table below.
    options = {
        "administration": [[a.id, admin_label(a)] for a in taxonomy.administrations if a.id in used],
        "theme": [[t.id, t.name] for t in taxonomy.themes if t.id in used],
        "year": [[year, year] for year in sorted({str(t.article.date.year) for t in articles}, reverse=True)],
        # Publishers are free text: rows refer to them by number, so no contributor's
        # text ever sits in an inline-HTML attribute that Markdown might process.
        "publisher": [[str(number), name] for number, name in enumerate(publishers)],
    }
    publisher_number = {name: str(number) for number, name in enumerate(publishers)}
    lines = [
        f'<div class="kb-filters" data-kb-options="{attr(json.dumps(options, ensure_ascii=False))}"></div>',
        "",
        "| Date | Title | Authors | Publisher |",
        "|---|---|---|---|",
    ]
    for tagged in articles:
        article = tagged.article
        data = {
            "administration": " ".join(tagged.administrations),
            "theme": " ".join(tagged.themes),
            "year": str(article.date.year),
            "publisher": publisher_number[_publisher(tagged)],
        }
        # A table row cannot carry attributes in Markdown: the date cell's span does, for the row.
        marker = "<span class=\"kb-row\"" + "".join(f' data-kb-{k}="{_cell_attr(v)}"' for k, v in data.items()) + ">"
        lines.append(
            f"| {marker}{article.date.iso()}</span> | [{text(article.title)}]({sitemap.link(here, sitemap.article(article.id))}) "
            f"| {text(authors(article)) if article.authors else 'unknown'} "
            f"| {text(article.publisher) if article.publisher else 'unknown'} |"
        )
    return "\n".join(lines) + "\n"


UNKNOWN = "unknown"


def _publisher(tagged: TaggedArticle) -> str:
    return " ".join(tagged.article.publisher.split()) if tagged.article.publisher else UNKNOWN


def _cell_attr(value: str) -> str:
    """An attribute value inside a Markdown table cell: HTML-escaped, and no `|` to split the row."""
    return attr(value).replace("|", "&#124;")


def matrix(plan: Plan) -> str:
    """Passage counts for every administration × theme pair as a heat map, each linking to the passages."""
    taxonomy = plan.taxonomy
    themes = taxonomy.themes
    counts = {
        (admin.id, theme.id): sum(1 for p in plan.passages_of(admin.id) if theme.id in p.themes)
        for admin in taxonomy.administrations
        for theme in themes
    }
    most = max(counts.values(), default=0)
    legend = " ".join(f'<span class="kb-heat kb-heat-{level}">{label}</span>' for level, label in _heat_legend(most))
    lines = [
        front_matter({
            "title": "Administration × theme matrix",
            "description": "How many passages of the collection concern each administration and theme together.",
            # The table needs the width: without the sidebars every column shows at 1280 px.
            "hide": ["navigation", "toc"],
        }),
        "# Administration × theme matrix",
        "",
        "Each cell counts the passages that concern both the administration of its row and the theme of its column; "
        "it links to those passages on the administration's page. The stronger the shading, the more passages.",
        "",
        f"Shading, by number of passages: {legend}",
        "{ .kb-heat-legend }",
        "",
        # Shown only on screens too narrow for the whole table (kb.css).
        f"Scroll the table sideways to see all {len(themes)} themes. →",
        "{ .kb-scroll-cue aria-hidden=\"true\" }",
        "",
        "| Administration | " + " | ".join(f"[{text(t.name)}]({sitemap.link(sitemap.MATRIX, sitemap.theme(t.id))})" for t in themes) + " |",
        "|---|" + "--:|" * len(themes),
    ]
    for admin in taxonomy.administrations:
        cells = []
        for theme in themes:
            count = counts[admin.id, theme.id]
            number = f'<span class="kb-heat kb-heat-{_heat(count, most)}">{count}</span>'
            label = attr(f"{plural(count, 'passage')}: {admin_label(admin)}, {theme.name}")
            cell = sitemap.link(sitemap.MATRIX, sitemap.administration(admin.id), theme.id)
            cells.append(f'[{number}]({cell}){{ aria-label="{label}" }}' if count else number)
        lines.append(f"| [{text(admin_label(admin))}]({sitemap.link(sitemap.MATRIX, sitemap.administration(admin.id))}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


HEAT_LEVELS = 5


def _heat(count: int, most: int) -> int:
    """0 for no passage, else 1..HEAT_LEVELS in proportion to the busiest cell."""
    return 0 if count <= 0 or most <= 0 else max(1, -(-count * HEAT_LEVELS // most))


def _heat_legend(most: int) -> list[tuple[int, str]]:
    """(level, the counts it stands for) for every level in use when the busiest cell holds `most`."""
    spans: dict[int, list[int]] = {}
    for count in range(most + 1):
        spans.setdefault(_heat(count, most), []).append(count)
    return [(level, str(c[0]) if len(c) == 1 else f"{c[0]}–{c[-1]}") for level, c in sorted(spans.items())]


def tags_index(plan: Plan) -> str:
    """Every administration and theme tag with its counts, linking to its page (which lists the articles).

    One row per tag, never one per tagged page, so the page stays the same size however many articles there are.
    """
    taxonomy = plan.taxonomy
    here = sitemap.TAGS
    rows = [(admin_label(a), sitemap.link(here, sitemap.administration(a.id)), "administration", a.id) for a in taxonomy.administrations]
    rows += [(t.name, sitemap.link(here, sitemap.theme(t.id)), "theme", t.id) for t in taxonomy.themes]
    lines = [
        front_matter({"title": "Tags", "description": "Every administration and theme tag, with the number of articles and passages it marks."}),
        "# Tags",
        "",
        "Each tag links to its page, which quotes the passages it marks and lists its articles; "
        "the search box can also narrow results to a tag.",
        "",
        "| Tag | Kind | Articles | Passages |",
        "|---|---|--:|--:|",
    ]
    for name, link, kind, tag in sorted(rows, key=lambda row: (row[0].casefold(), row[3])):
        articles, passages = len(plan.about(tag)), len(plan.passages_of(tag))
        lines.append(f"| [{text(name)}]({link}) | {kind} | {articles} | {passages} |")
    return "\n".join(lines) + "\n"
