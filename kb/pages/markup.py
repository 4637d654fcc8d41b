"""Safe Markdown building blocks: escaped text, front matter, links, short citations."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping, Sequence

from kb.pages import frontmatter, sitemap
from kb.sources import Article
from kb.tagging import Passage
from kb.taxonomy import Administration
from kb.text import strip_hidden

# Backslash escapes that Python-Markdown (with tables and attr_list) honours:
# together with HTML-escaping they make any source text render as plain text.
_INLINE = re.compile(r"([\\`*_{}\[\]|#])")
_LINE_START = re.compile(r"^(?:([#+\-])|(\d+)([.)]))")


# Inside an address only these stay as they are; every other character is written
# as a character reference, which no Markdown pattern (link, image, emphasis,
# autolink, escape) can match, and which the browser reads back as that character.
_URL_PLAIN = re.compile(r"[A-Za-z0-9/:.\-]")


def text(value: str) -> str:
    """Source text as inert Markdown: shown verbatim, never markup, HTML or a link.

    Hidden characters never reach Markdown (\x02 and \x03 are Python-Markdown's own
    placeholder markers, which could smuggle stashed HTML back in); `#` is escaped
    so that a title ending in `#` keeps it in a heading.
    """
    return _short_text(value) if len(value) <= _SHORT else _text(value)


# The names of tags, administrations and people, and the reasons of tags, recur on every
# page: a short text is escaped once. (Paragraphs, seldom repeated, are not kept.)
_SHORT = 200


@functools.lru_cache(maxsize=8192)
def _short_text(value: str) -> str:
    return _text(value)


def _text(value: str) -> str:
    plain = " ".join(strip_hidden(value).split())
    escaped = _INLINE.sub(r"\\\1", html.escape(plain, quote=False))
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def external_link(url: str) -> str:
    """An address as exactly one link to exactly that address, shown as itself (a checked http(s) URL)."""
    encoded = "".join(c if _URL_PLAIN.fullmatch(c) else f"&#{ord(c)};" for c in url)
    return f'<a href="{encoded}">{encoded}</a>'


def attr(value: str) -> str:
    """A value for an attr_list attribute in double quotes."""
    return html.escape(" ".join(value.split()), quote=True)


def front_matter(data: Mapping[str, object]) -> str:
    """A YAML front matter block; values are dumped, so no text can add keys or close it.

    MkDocs templates print front-matter values without escaping them (in the
    header, `<title>`, meta tags), so every text is HTML-escaped here, once.
    """
    escaped = _escaped(dict(data))
    assert isinstance(escaped, dict)
    return f"---\n{frontmatter.dump(escaped)}---\n"


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return html.escape(" ".join(value.split()), quote=True)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


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
    """`1 article`, `2 articles`, `1 more passage`: the one place a count meets its noun."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def admin_label(admin: Administration) -> str:
    """`Kishida administration`."""
    return f"{admin.surname} administration"


def quotes(passages: Sequence[Passage], total: int, here: str) -> Iterator[str]:
    """Passages quoted verbatim on the page at `here`, each with a short citation linking to its paragraph."""
    for passage in passages:
        article = passage.article
        label = f"{short_citation(article)}, ¶ {passage.block.number}"
        yield f"> {text(passage.block.text)}"
        yield ">"
        yield f"> — [{text(label)}]({sitemap.link(here, sitemap.article(article.id), passage.anchor)})"
        yield ""
    if total > len(passages):
        yield f"*{plural(total - len(passages), 'more passage')}: see the articles below.*"
        yield ""


def native_names(ja: str | None, ko: str | None) -> str:
    """Japanese and Korean names as inert Markdown, each in a span with its `lang`, joined by ` · `.

    The language tag lets screen readers pronounce the name and browsers pick a CJK font.
    """
    spans = [f'<span lang="{lang}">{text(name)}</span>' for lang, name in (("ja", ja), ("ko", ko)) if name]
    return " · ".join(spans)
