"""Index pages: administrations, themes, articles, the administration × theme matrix, tags."""

from __future__ import annotations

from collections.abc import Iterator

from kb.pages import Page
from kb.pages.markup import authors, front_matter, plural, text
from kb.pages.plan import Plan
from kb.pages.topics import admin_label, years


def render(plan: Plan) -> Iterator[Page]:
    """The index pages."""
    yield Page("administrations/index.md", administrations_index(plan))
    yield Page("themes/index.md", themes_index(plan))
    yield Page("articles/index.md", articles_index(plan))
    yield Page("explore/matrix.md", matrix(plan))
    yield Page("explore/tags.md", tags_index())


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
        articles, passages = len(plan.collection.about(admin.id)), len(plan.passages_of(admin.id))
        lines.append(f"| [{text(admin_label(admin))}]({admin.id}.md) | {text(admin.name)} | {years(admin)} | {articles} | {passages} |")
    return "\n".join(lines) + "\n"


def themes_index(plan: Plan) -> str:
    """Every theme with its description and counts."""
    lines = [
        front_matter({"title": "Themes", "description": "The themes of Japan–North Korea relations traced through the collection."}),
        "# Themes",
        "",
    ]
    for theme in plan.taxonomy.themes:
        articles, passages = len(plan.collection.about(theme.id)), len(plan.passages_of(theme.id))
        lines += [
            f"## [{text(theme.name)}]({theme.id}.md)",
            "",
            f"{text(theme.description)} ({plural(articles, 'article')}, {plural(passages, 'passage')})",
            "",
        ]
    return "\n".join(lines)


def articles_index(plan: Plan) -> str:
    """Every article, newest first."""
    lines = [
        front_matter({"title": "Articles", "description": "Every article of the collection, newest first."}),
        "# Articles",
        "",
        f"The collection holds {plural(len(plan.collection.articles), 'article')}, newest first.",
        "",
        "| Date | Title | Authors | Publisher |",
        "|---|---|---|---|",
    ]
    for tagged in reversed(plan.collection.articles):
        article = tagged.article
        lines.append(
            f"| {article.date.iso()} | [{text(article.title)}]({article.id}.md) | {text(authors(article)) if article.authors else 'unknown'} "
            f"| {text(article.publisher) if article.publisher else 'unknown'} |"
        )
    return "\n".join(lines) + "\n"


def matrix(plan: Plan) -> str:
    """Passage counts for every administration × theme pair, each linking to the passages."""
    taxonomy = plan.taxonomy
    themes = taxonomy.themes
    lines = [
        front_matter({"title": "Administration × theme matrix", "description": "How many passages of the collection concern each administration and theme together."}),
        "# Administration × theme matrix",
        "",
        "Each cell counts the passages that concern both the administration of its row and the theme of its column; "
        "it links to those passages on the administration's page.",
        "",
        "| Administration | " + " | ".join(f"[{text(t.name)}](../themes/{t.id}.md)" for t in themes) + " |",
        "|---|" + "--:|" * len(themes),
    ]
    for admin in taxonomy.administrations:
        passages = plan.passages_of(admin.id)
        cells = []
        for theme in themes:
            count = sum(1 for p in passages if theme.id in p.themes)
            cells.append(f"[{count}](../administrations/{admin.id}.md#{theme.id})" if count else "0")
        lines.append(f"| [{text(admin_label(admin))}](../administrations/{admin.id}.md) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def tags_index() -> str:
    """The page where Material's tags plugin lists pages by tag."""
    return front_matter({"title": "Tags", "description": "Pages by administration and theme tag."}) + "# Tags\n\n<!-- material/tags -->\n"
