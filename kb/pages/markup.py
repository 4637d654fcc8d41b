"""Safe Markdown building blocks: escaped text, front matter, links, short citations."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import yaml

from kb.sources import Article

# Backslash escapes that Python-Markdown (with tables and attr_list) honours:
# together with HTML-escaping they make any source text render as plain text.
_INLINE = re.compile(r"([\\`*_{}\[\]|])")
_LINE_START = re.compile(r"^(?:([#+\-])|(\d+)([.)]))")


def text(value: str) -> str:
    """Source text as inert Markdown: shown verbatim, never markup, HTML or a link."""
    escaped = _INLINE.sub(r"\\\1", html.escape(" ".join(value.split()), quote=False))
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def attr(value: str) -> str:
    """A value for an attr_list attribute in double quotes."""
    return html.escape(" ".join(value.split()), quote=True)


def front_matter(data: Mapping[str, object]) -> str:
    """A YAML front matter block; values are dumped, so no text can add keys or close it."""
    dumped = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n"


def authors(article: Article) -> str:
    """Authors joined for display, or 'Unknown author'."""
    names = list(article.authors)
    if not names:
        return "Unknown author"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def byline(article: Article) -> str:
    """Authors and publisher, unknowns said plainly."""
    return f"{authors(article)}, {article.publisher or 'unknown publisher'}"


def short_citation(article: Article) -> str:
    """Author, publisher, date: what a quote carries next to its link."""
    return f"{byline(article)}, {article.date.human()}"


def full_citation(article: Article) -> str:
    """A Chicago-style reference (notes-bibliography), with unknowns said plainly."""
    parts = [f"{authors(article)}.", f"“{article.title}.”"]
    if article.series:
        parts.append(f"{article.series}.")
    parts.append(f"{article.publisher or 'Unknown publisher'}, {article.date.human()}.")
    if article.url:
        parts.append(f"{article.url}.")
    return " ".join(parts)


def plural(count: int, word: str) -> str:
    """`1 article`, `2 articles`."""
    return f"{count} {word}{'' if count == 1 else 's'}"
