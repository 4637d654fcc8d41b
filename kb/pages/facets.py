"""Search filters of a page (kind, administration, theme, year, publisher), written to its front matter as `kb_filters`.

overrides/partials/kb-search-filters.html turns them into hidden `data-pagefind-filter`
elements, which Pagefind reads when it indexes the built site.
"""

from __future__ import annotations

from kb.entities import Entity
from kb.pages.markup import admin_label
from kb.pages.plan import Plan
from kb.tagging import TaggedArticle
from kb.taxonomy import Administration, Theme

Filters = dict[str, str | list[str]]

UNKNOWN_PUBLISHER = "unknown"

# The `search:` front matter of pages that only list what article and topic pages hold
# (the timeline and its periods, the articles index and its periods): they stay out of
# the search index, whose results then lead to the paragraph itself (kb/search.py).
NOT_SEARCHED = {"exclude": True}


def article(plan: Plan, tagged: TaggedArticle) -> Filters:
    """An article: every administration and theme it concerns, its year and publisher."""
    taxonomy, item = plan.taxonomy, tagged.article
    return {
        "kind": "article",
        "administration": [admin_label(taxonomy.administration(a)) for a in tagged.administrations],
        "theme": [taxonomy.theme(t).name for t in tagged.themes],
        "year": f"{item.date.year:04d}",
        "publisher": " ".join(item.publisher.split()) if item.publisher else UNKNOWN_PUBLISHER,
    }


def administration(admin: Administration) -> Filters:
    """An administration's page."""
    return {"kind": "administration", "administration": [admin_label(admin)]}


def theme(term: Theme) -> Filters:
    """A theme's page."""
    return {"kind": "theme", "theme": [term.name]}


def entity(item: Entity) -> Filters:
    """A person's or an organisation's page (authors are people)."""
    return {"kind": "organisation" if item.kind == "organisation" else "person"}
