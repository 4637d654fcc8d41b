"""People and organisation pages: who they are, the passages naming them, what they wrote."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator

from kb.entities import Entity
from kb.mentions import Mention
from kb.pages import Draft, facets, sitemap
from kb.pages.markup import admin_label, byline, front_matter, native_names, plural, quotes, text
from kb.pages.plan import ARTICLE_LIST, Plan, key_passages
from kb.sources import Article

_SECTIONS: tuple[tuple[str, str, Callable[[Entity], bool]], ...] = (
    ("People", "people", lambda e: e.kind == "person" and not e.author),
    ("Organisations", "organisations", lambda e: e.kind == "organisation"),
    ("Authors", "authors", lambda e: e.author),
)


def drafts(plan: Plan) -> Iterator[Draft]:
    """One page per entity (made from the articles naming it, written or published by it), and the index of them all."""
    written: dict[str, list[str]] = {}
    for article_id, authors in plan.mentions.authors.items():
        for entity_id in dict.fromkeys(a for a in authors if a):
            written.setdefault(entity_id, []).append(article_id)
    published: dict[str, list[str]] = {}
    for article_id, publisher in plan.mentions.publishers.items():
        published.setdefault(publisher, []).append(article_id)
    for entity in plan.mentions.entities.entities:
        reads = {m.passage.article.id: None for m in plan.mentions.of(entity.id)}
        reads.update(dict.fromkeys((*written.get(entity.id, ()), *published.get(entity.id, ()))))
        yield Draft(sitemap.person(entity.id), tuple(sorted(reads)), functools.partial(entity_page, plan, entity))
    yield Draft(sitemap.PEOPLE_INDEX, None, functools.partial(people_index, plan))


def author_links(plan: Plan, article: Article, here: str) -> list[str]:
    """The article's authors as Markdown for the page at `here`, each linked to its author page when it has one."""
    ids = plan.mentions.authors.get(article.id, ())
    links = []
    for index, name in enumerate(article.authors):
        entity_id = ids[index] if index < len(ids) else None
        links.append(f"[{text(name)}]({sitemap.link(here, sitemap.person(entity_id))})" if entity_id else text(name))
    return links


def _articles(plan: Plan, ids: tuple[str, ...] | list[str]) -> list[Article]:
    """These articles (each once) in collection order."""
    return [t.article for t in plan.in_order(ids)]


def entity_page(plan: Plan, entity: Entity) -> str:
    """The page of one person or organisation."""
    mentions = plan.mentions.of(entity.id)
    written = _articles(plan, plan.mentions.written_by(entity.id))
    published = _articles(plan, plan.mentions.published_by(entity.id))
    mentioned = _articles(plan, [m.passage.article.id for m in mentions])
    native = native_names(entity.ja, entity.ko)
    here = sitemap.person(entity.id)
    lines = [
        front_matter(
            {
                "title": entity.name,
                "description": entity.role,
                "aliases": list(entity.other_names),
                "kb_filters": facets.entity(entity),
            }
        ),
        f"# {text(entity.name)}",
        "",
    ]
    if native:
        lines += [f"*{native}*", ""]
    lines += [text(entity.role), ""]
    kind = "Author" if entity.author else entity.kind.capitalize()
    lines.append(f"- **Kind:** {kind}")
    if entity.other_names:
        lines.append(f"- **Also known as:** {text(', '.join(entity.other_names))}")
    lines.append(f"- **Named in:** {plural(len(mentions), 'passage')} of {plural(len(mentioned), 'article')}")
    if entity.author:
        lines.append(f"- **Wrote:** {plural(len(written), 'article')}")
    lines.append("")
    if entity.author:
        lines += ["## Articles by this author", "", *_article_items(here, written), ""]
    if published:
        lines += ["## Articles published", "", *_article_items(here, published), ""]
    lines += list(_company(plan, entity, mentions))
    lines += ["## Passages", ""]
    if not mentions:
        lines += ["No passage of the collection names them yet.", ""]
    lines += list(quotes(key_passages([m.passage for m in mentions]), len(mentions), here))
    if mentioned:
        lines += ["## Articles naming them", "", *_article_items(here, mentioned), ""]
    return "\n".join(lines)


def _article_items(here: str, articles: list[Article]) -> list[str]:
    if not articles:
        return ["None yet."]
    newest = articles[-ARTICLE_LIST:]
    items = [f"- {a.date.human()}: [{text(a.title)}]({sitemap.link(here, sitemap.article(a.id))}), {text(byline(a))}" for a in newest]
    if len(articles) > len(newest):
        items.insert(0, f"- The {len(articles) - len(newest)} earlier articles are in the [articles index]({sitemap.link(here, sitemap.ARTICLES_INDEX)}).")
    return items


def _company(plan: Plan, entity: Entity, mentions: tuple[Mention, ...]) -> Iterator[str]:
    """The administrations, themes and other entities named in the same passages."""
    taxonomy, here = plan.taxonomy, sitemap.person(entity.id)
    admins = Counter(a for m in mentions for a in m.passage.administrations)
    themes = Counter(t for m in mentions for t in m.passage.themes)
    others = Counter(other for m in mentions for other in plan.mentions.in_passage(m.passage.article.id, m.passage.anchor) if other != entity.id)
    if not (admins or themes or others):
        return
    yield "## Appears with"
    yield ""
    if admins:
        links = [
            f"[{text(admin_label(a))}]({sitemap.link(here, sitemap.administration(a.id))}) ({admins[a.id]})" for a in taxonomy.administrations if a.id in admins
        ]
        yield "**Administrations:** " + " · ".join(links) + "  "
    if themes:
        links = [f"[{text(t.name)}]({sitemap.link(here, sitemap.theme(t.id))}) ({themes[t.id]})" for t in taxonomy.themes if t.id in themes]
        yield "**Themes:** " + " · ".join(links) + "  "
    if others:
        people = plan.mentions.entities
        ranked = sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))
        links = [f"[{text(people.get(o).name)}]({sitemap.link(here, sitemap.person(o))}) ({n})" for o, n in ranked]
        yield "**Named with:** " + " · ".join(links)
    yield ""


def people_index(plan: Plan) -> str:
    """Every person, organisation and author, with counts."""
    entities = plan.mentions.entities.entities
    lines = [
        front_matter({"title": "People and organisations", "description": "The people and organisations the articles name, and the authors of the articles."}),
        "# People and organisations",
        "",
        "Each page quotes the passages that name the person or organisation; author pages list their articles.",
        "",
    ]
    for title, anchor, keep in _SECTIONS:
        members = sorted((e for e in entities if keep(e)), key=lambda e: (e.name.casefold(), e.id))
        lines += [f"## {title} {{ #{anchor} }}", ""]
        if not members:
            lines += ["None yet.", ""]
            continue
        lines += ["| Name | Who | Passages | Articles |", "|---|---|--:|--:|"]
        for entity in members:
            mentions = plan.mentions.of(entity.id)
            count = len({m.passage.article.id for m in mentions} | set(plan.mentions.written_by(entity.id)))
            page = sitemap.link(sitemap.PEOPLE_INDEX, sitemap.person(entity.id))
            lines.append(f"| [{text(entity.name)}]({page}) | {text(entity.role)} | {len(mentions)} | {count} |")
        lines.append("")
    return "\n".join(lines)
