"""Article pages: metadata, the full text with a permalink on every paragraph, and its tags."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator

from kb.pages import Draft, facets, sitemap
from kb.pages.citations import FORMATS, meta_tags, reference
from kb.pages.entities import author_links
from kb.pages.markup import admin_label, attr, authors, external_link, front_matter, full_citation, text
from kb.pages.plan import Plan
from kb.tagging import Passage, TaggedArticle

_PRECISION = {"day": "", "month": " (day unknown)", "year": " (month and day unknown)"}


def drafts(plan: Plan) -> Iterator[Draft]:
    """One page per article, made from the article and the topic pages that quote its paragraphs."""
    for tagged in plan.collection.articles:
        article_id = tagged.article.id
        yield Draft(sitemap.article(article_id), (article_id,), functools.partial(_page, plan, tagged), extra=plan.quotes_of(article_id))


def _page(plan: Plan, tagged: TaggedArticle) -> str:
    return article_page(plan.only(tagged), tagged)


def tag_names(plan: Plan, tagged: TaggedArticle) -> list[str]:
    """Display names of everything the article concerns (its page tags)."""
    taxonomy = plan.taxonomy
    return [admin_label(taxonomy.administration(a)) for a in tagged.administrations] + [
        taxonomy.theme(t).name for t in tagged.themes
    ]


def article_page(plan: Plan, tagged: TaggedArticle) -> str:
    """The page of one article."""
    article = tagged.article
    here = sitemap.article(article.id)
    meta = {
        "title": article.title,
        "description": article.summary or f"{authors(article)}, {article.publisher or 'unknown publisher'}, {article.date.human()}.",
        "tags": tag_names(plan, tagged),
        "citation": meta_tags(reference(article, plan.mentions)),
        "kb_filters": facets.article(plan, tagged),
    }
    lines = [front_matter(meta), f"# {text(article.title)}", ""]
    if article.summary:
        lines += [f"*{text(article.summary)}*", ""]
    lines += [
        f"- **Authors:** {', '.join(author_links(plan, article, here)) if article.authors else 'unknown'}"
        + (f" ({text(article.affiliation)})" if article.affiliation else ""),
        f"- **Publisher:** {_publisher(plan, tagged)}",
        f"- **Date:** {article.date.human()}{_PRECISION[article.date.precision]}",
    ]
    if article.series:
        lines.append(f"- **Series:** {text(article.series)}")
    lines.append(f"- **Original:** {external_link(article.url)}" if article.url else "- **Original:** address unknown")
    if article.rights:
        lines.append(f"- **Rights:** {text(article.rights)}")
    if article.title.startswith("[") and article.title.endswith("]"):
        lines.append("- **Title:** supplied by the editors (the original has no headline)")
    lines += ["", f"**Cite as:** {text(full_citation(article))}", ""]
    downloads = [f"[{label}]({sitemap.link(here, sitemap.reference(article.id, ext))})" for ext, label in FORMATS]
    lines += [f"**Download the reference:** {' · '.join(downloads)}", ""]
    lines += list(_concerns(plan, tagged))
    lines += ["## Text", ""]
    passages = {p.anchor: p for p in tagged.passages}
    for block in article.blocks:
        if block.kind == "heading":
            lines += [f"### {text(block.text)} {{ #{block.anchor} }}", ""]
        else:
            lines += list(_paragraph(plan, passages[block.anchor]))
    return "\n".join(lines)


def _publisher(plan: Plan, tagged: TaggedArticle) -> str:
    publisher, entity_id = tagged.article.publisher, plan.mentions.publishers.get(tagged.article.id)
    if not publisher:
        return "unknown"
    here = sitemap.article(tagged.article.id)
    return f"[{text(publisher)}]({sitemap.link(here, sitemap.person(entity_id))})" if entity_id else text(publisher)


def _concerns(plan: Plan, tagged: TaggedArticle) -> Iterator[str]:
    taxonomy, here = plan.taxonomy, sitemap.article(tagged.article.id)
    admins = [f"[{text(admin_label(taxonomy.administration(a)))}]({sitemap.link(here, sitemap.administration(a))})" for a in tagged.administrations]
    themes = [f"[{text(taxonomy.theme(t).name)}]({sitemap.link(here, sitemap.theme(t))})" for t in tagged.themes]
    yield f"**Administrations:** {' · '.join(admins) or 'none named'}  "
    yield f"**Themes:** {' · '.join(themes) or 'none found'}"
    yield ""
    front = [a for a in tagged.administrations if tagged.from_front_matter_only(a)]
    front += [t for t in tagged.themes if tagged.from_front_matter_only(t)]
    if front:
        yield f"*Tagged in the article's front matter, not found in its text: {', '.join(front)}.*"
        yield ""


def _paragraph(plan: Plan, passage: Passage) -> Iterator[str]:
    number, anchor = passage.block.number, passage.anchor
    link = f'[¶ {number}](#{anchor}){{ .kb-permalink aria-label="{attr(f"Permalink to paragraph {number}")}" }}'
    yield f"{link} {text(passage.block.text)}"
    yield f"{{ #{anchor} .kb-para }}"
    yield ""
    taxonomy, here = plan.taxonomy, sitemap.article(passage.article.id)
    tags = [_tag(passage, a, admin_label(taxonomy.administration(a)), sitemap.link(here, sitemap.administration(a))) for a in passage.administrations]
    tags += [_tag(passage, t, taxonomy.theme(t).name, sitemap.link(here, sitemap.theme(t))) for t in passage.themes]
    cited = plan.quoted_on.get((passage.article.id, anchor), [])
    if tags or cited:
        parts = []
        if tags:
            parts.append("Concerns: " + " · ".join(tags))
        if cited:
            pages = [_page_link(plan, here, page) for page in cited]
            parts.append("Quoted on: " + " · ".join(pages))
        yield " — ".join(parts)
        yield "{ .kb-ptags }"
        yield ""


def _tag(passage: Passage, tag: str, name: str, page: str) -> str:
    """A paragraph's tag linked to its page; a tag from context or a rule shows its reason, in italics, next to it."""
    reasons = passage.reasons(tag)
    why = "; ".join(e.describe() for e in reasons)
    link = f'[{text(name)}]({page}){{ title="{attr(why)}" }}'
    if all(e.inferred for e in reasons):
        return f"{link} *({text(why)})*"
    return link


def _page_link(plan: Plan, here: str, page: str) -> str:
    page_id = posixpath.splitext(posixpath.basename(page))[0]
    is_admin = page == sitemap.administration(page_id)
    name = admin_label(plan.taxonomy.administration(page_id)) if is_admin else plan.taxonomy.theme(page_id).name
    return f"[{text(name)}]({sitemap.link(here, page)})"
