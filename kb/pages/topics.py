"""Administration and theme pages: passages quoted verbatim, grouped, linked to their paragraphs."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from kb.pages import Draft, facets, sitemap
from kb.pages.markup import admin_label, byline, front_matter, native_names, plural, quotes, text
from kb.pages.plan import ARTICLE_LIST, Plan
from kb.pages.timeline import timeline_section
from kb.tagging import TaggedArticle
from kb.taxonomy import Administration, Taxonomy, Term


def drafts(plan: Plan) -> Iterator[Draft]:
    """One page per administration and per theme, each made from the articles concerning it."""
    for admin in plan.taxonomy.administrations:
        yield Draft(sitemap.administration(admin.id), ids(plan.about(admin.id)), functools.partial(administration_page, plan, admin))
    for theme in plan.taxonomy.themes:
        yield Draft(sitemap.theme(theme.id), ids(plan.about(theme.id)), functools.partial(theme_page, plan, theme.id))


def ids(articles: Iterable[TaggedArticle]) -> tuple[str, ...]:
    """The ids of these articles, in their order: what a draft reads."""
    return tuple(tagged.article.id for tagged in articles)


def term_text(term: Term) -> str:
    """`4 October 2021 – 1 October 2024`, or `since …` while in office."""
    start = f"{term.start.day} {term.start:%B %Y}"
    return f"{start} – {term.end.day} {term.end:%B %Y}" if term.end else f"since {start}"


def years(admin: Administration) -> str:
    """`2012–2020`, `2006–2007 and 2012–2020`, or `2025–`."""
    spans = [f"{t.start.year}–{t.end.year if t.end else ''}" for t in admin.terms]
    return " and ".join(spans)


def neighbours(taxonomy: Taxonomy, admin: Administration) -> list[tuple[Term, Administration | None, Administration | None]]:
    """For each term: the administrations before and after it."""
    terms = sorted((t.start, t, a) for a in taxonomy.administrations for t in a.terms)
    out = []
    for index, (_, term, owner) in enumerate(terms):
        if owner.id == admin.id:
            before = terms[index - 1][2] if index > 0 else None
            after = terms[index + 1][2] if index + 1 < len(terms) else None
            out.append((term, before, after))
    return out


def administration_page(plan: Plan, admin: Administration) -> str:
    """The page of one administration."""
    taxonomy, here = plan.taxonomy, sitemap.administration(admin.id)
    articles = plan.about(admin.id)
    passages = plan.passages_of(admin.id)
    native = native_names(admin.ja, admin.ko)
    lines = [
        front_matter({
            "title": admin_label(admin),
            "description": f"{admin_label(admin)} ({years(admin)}): "
            f"{plural(len(articles), 'article')} and {plural(len(passages), 'passage')} of the collection.",
            "tags": [admin_label(admin)],
            "kb_filters": facets.administration(admin),
        }),
        f"# {text(admin_label(admin))} ({years(admin)})",
        "",
        f"- **Prime minister:** {text(admin.name)}" + (f" ({native})" if native else ""),
    ]
    for term, before, after in neighbours(taxonomy, admin):
        line = f"- **Term of office:** {term_text(term)}"
        if before:
            line += f"; preceded by [{text(admin_label(before))}]({sitemap.link(here, sitemap.administration(before.id))})"
        if after:
            line += f"; followed by [{text(admin_label(after))}]({sitemap.link(here, sitemap.administration(after.id))})"
        lines.append(line)
    lines += [
        f"- **In the collection:** {plural(len(articles), 'article')}, {plural(len(passages), 'passage')}",
        "",
    ]
    counts = [(t, sum(1 for p in passages if t.id in p.themes)) for t in taxonomy.themes]
    touched = [f"[{text(t.name)}]({sitemap.link(here, sitemap.theme(t.id))}) ({n})" for t, n in counts if n]
    if touched:
        lines += ["**Themes:** " + " · ".join(touched), ""]
    lines += ["## Passages by theme", ""]
    if not passages:
        lines += ["No passage of the collection concerns this administration yet.", ""]
    for group, quoted, total in plan.admin_sections[admin.id]:
        name = taxonomy.theme(group).name if group else "Other passages"
        anchor = group or sitemap.OTHER_PASSAGES
        lines += [f"### {text(name)} {{ #{anchor} }}", ""]
        if group:
            lines += [f"See also the theme page [{text(name)}]({sitemap.link(here, sitemap.theme(group))}).", ""]
        lines += list(quotes(quoted, total, here))
    lines += timeline_section(plan, administration=admin.id)
    lines += list(_article_list(here, articles, admin.id))
    return "\n".join(lines)


def theme_page(plan: Plan, theme_id: str) -> str:
    """The page of one theme."""
    taxonomy, here = plan.taxonomy, sitemap.theme(theme_id)
    theme = taxonomy.theme(theme_id)
    articles = plan.about(theme.id)
    passages = plan.passages_of(theme.id)
    native = native_names(theme.ja, theme.ko)
    lines = [
        front_matter({
            "title": theme.name,
            "description": theme.description,
            "tags": [theme.name],
            "kb_filters": facets.theme(theme),
        }),
        f"# {text(theme.name)}",
        "",
    ]
    if native:
        lines += [f"*{native}*", ""]
    lines += [
        text(theme.description),
        "",
        f"- **In the collection:** {plural(len(articles), 'article')}, {plural(len(passages), 'passage')}",
    ]
    if theme.related:
        related = [f"[{text(taxonomy.theme(r).name)}]({sitemap.link(here, sitemap.theme(r))})" for r in theme.related]
        lines.append("- **Related themes:** " + " · ".join(related))
    lines += ["", "## Passages by administration", ""]
    if not passages:
        lines += ["No passage of the collection concerns this theme yet.", ""]
    for group, quoted, total in plan.theme_sections[theme.id]:
        if group:
            admin = taxonomy.administration(group)
            lines += [f"### {text(admin_label(admin))} ({years(admin)}) {{ #{group} }}", ""]
            lines += [f"See also the administration page [{text(admin_label(admin))}]({sitemap.link(here, sitemap.administration(group))}).", ""]
        else:
            lines += [f"### No administration named {{ #{sitemap.NO_ADMINISTRATION} }}", ""]
        lines += list(quotes(quoted, total, here))
    lines += timeline_section(plan, theme=theme.id)
    lines += list(_article_list(here, articles, theme.id))
    return "\n".join(lines)


def _article_list(here: str, articles: tuple[TaggedArticle, ...], tag: str) -> Iterator[str]:
    yield "## Articles"
    yield ""
    if not articles:
        yield "None yet."
        yield ""
    if len(articles) > ARTICLE_LIST:
        index = sitemap.link(here, sitemap.ARTICLES_INDEX)
        yield f"The {ARTICLE_LIST} most recent of {plural(len(articles), 'article')}; the [articles index]({index}) lists them all."
        yield ""
    for tagged in articles[-ARTICLE_LIST:]:
        article = tagged.article
        count = len(tagged.passages_about(tag))
        why = plural(count, "passage") if count else "tagged in the article's front matter"
        yield f"- {article.date.human()}: [{text(article.title)}]({sitemap.link(here, sitemap.article(article.id))}), {text(byline(article))} ({why})"
    yield ""
