"""What a change does to the site: two generated docs/ trees compared page by page, said in Markdown."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.pages.markup import plural
from kb.pages.plan import KEY_PASSAGES

# Page kinds by the docs/ folder they are in, in the order a reviewer cares about.
KINDS = {"administrations": "administration", "themes": "theme", "articles": "article", "people": "person", "explore": "explore"}
ORDER = ("administration", "theme", "article", "person", "index", "explore", "other")
MENTIONED = 4  # changed pages named in the sentence when there are more
COLLECTION = "explore/collection.json"  # the open-data export: which topic pages quote each paragraph
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~!#])")


@dataclass(frozen=True)
class PageChange:
    """A Markdown page that was added, changed or removed."""

    path: str  # relative to docs/
    title: str
    kind: str


@dataclass(frozen=True)
class Unquoted:
    """A paragraph a topic page quoted in base and no longer quotes in head, though it still concerns that page."""

    article: str  # the article's title
    number: int  # the paragraph's number
    page: str  # the topic page's title


@dataclass(frozen=True)
class SiteDiff:
    """The pages of head compared with those of base, and how many other files differ."""

    added: tuple[PageChange, ...]
    changed: tuple[PageChange, ...]
    removed: tuple[PageChange, ...]
    other_files: int
    # Passages the quote limit dropped from a topic page to make room (for a new article's).
    unquoted: tuple[Unquoted, ...] = ()


def compare(base: Path, head: Path) -> SiteDiff:
    """Compare two docs/ trees; a missing tree counts as empty (the base may predate the generator)."""
    before, after = _files(base), _files(head)
    pages = sorted(p for p in before.keys() | after.keys() if p.endswith(".md"))
    added = [_page(head, p, after[p]) for p in pages if p not in before]
    removed = [_page(base, p, before[p]) for p in pages if p not in after]
    changed = [_page(head, p, after[p]) for p in pages if p in before and p in after and before[p] != after[p]]
    others = sum(1 for p in before.keys() | after.keys() if not p.endswith(".md") and before.get(p) != after.get(p))
    return SiteDiff(_sorted(added), _sorted(changed), _sorted(removed), others, _unquoted(before, after))


def sentence(diff: SiteDiff) -> str:
    """`adds 1 article page; changes the Kishida administration and … pages; removes nothing`."""
    changed = list(diff.changed)
    if not changed:
        changes = "changes no other page" if diff.added or diff.removed else "changes no page"
    elif len(changed) <= MENTIONED:
        changes = f"changes the {_and([_escape(p.title) for p in changed])} page{'s' if len(changed) > 1 else ''}"
    else:
        named = [_escape(p.title) for p in changed[:MENTIONED]]
        changes = f"changes {len(changed)} pages, among them the {_and(named)} pages"
    return f"{_counted('adds', diff.added)}; {changes}; {_counted('removes', diff.removed)}"


def markdown(diff: SiteDiff) -> str:
    """The summary for `$GITHUB_STEP_SUMMARY`: one sentence, then every page by change."""
    lines = ["## Changes to the site", "", f"This change {sentence(diff)}.", ""]
    for heading, pages in (("Added", diff.added), ("Changed", diff.changed), ("Removed", diff.removed)):
        if pages:
            lines += [f"### {heading} ({len(pages)})", ""]
            lines += [f"- {p.kind.capitalize()}: {_escape(p.title)} ({_escape(p.path)})" for p in pages]
            lines.append("")
    if diff.unquoted:
        lines += [
            f"### No longer quoted ({len(diff.unquoted)})",
            "",
            f"A topic page quotes at most {KEY_PASSAGES} passages per section, those of the newest articles first. "
            f"{plural(len(diff.unquoted), 'passage')} that still concern their page lost their place to newer ones, "
            "and their article pages no longer link to that page under “Quoted on”:",
            "",
        ]
        lines += [f"- ¶ {u.number} of “{_escape(u.article)}”: no longer quoted on the {_escape(u.page)} page" for u in diff.unquoted]
        lines.append("")
    if diff.other_files:
        lines += [f"Other generated files (data, citations, feeds) that differ: {diff.other_files}.", ""]
    return "\n".join(lines)


def _files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _paragraphs(data: bytes | None) -> dict[str, tuple[str, int, set[str], set[str]]]:
    """Paragraph id -> (article title, number, pages quoting it, ids it is tagged with), from collection.json."""
    try:
        loaded = json.loads(data or b"{}")
    except ValueError:
        return {}
    out = {}
    for article in loaded.get("articles", []) if isinstance(loaded, dict) else []:
        for block in article.get("paragraphs", []):
            if "quoted_on" in block:
                tags = {*block.get("administrations", []), *block.get("themes", [])}
                out[block["id"]] = (str(article.get("title", "")), int(block.get("number", 0)), set(block["quoted_on"]), tags)
    return out


def _unquoted(before: dict[str, bytes], after: dict[str, bytes]) -> tuple[Unquoted, ...]:
    """Paragraphs in both trees that a page quoted before and no longer does, while they still concern it."""
    old, new = _paragraphs(before.get(COLLECTION)), _paragraphs(after.get(COLLECTION))
    found = []
    for key, (_, _, quoted, _) in old.items():
        if key not in new:
            continue
        title, number, now_quoted, tags = new[key]
        for page in sorted(quoted - now_quoted):
            folder, _, page_id = page.strip("/").partition("/")
            if page_id in tags:  # still about it: dropped by the limit, not by a change of tags
                source = f"{folder}/{page_id}.md"
                name = _title(after[source].decode("utf-8", "replace")) if source in after else None
                found.append(Unquoted(title, number, name or page_id))
    return tuple(sorted(found, key=lambda u: (u.article, u.number, u.page)))


def _page(root: Path, path: str, content: bytes) -> PageChange:
    folder, _, name = path.rpartition("/")
    kind = "index" if name == "index.md" else KINDS.get(folder, "other")
    return PageChange(path, _title(content.decode("utf-8", "replace")) or path, kind)


def _title(text: str) -> str | None:
    # Generated pages carry their title in the front matter, HTML-escaped once.
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if match:
        try:
            data = yaml.safe_load(match[1])
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("title"), str) and data["title"].strip():
            return " ".join(html.unescape(data["title"]).split())
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    return " ".join(heading[1].split()) if heading else None


def _sorted(pages: list[PageChange]) -> tuple[PageChange, ...]:
    return tuple(sorted(pages, key=lambda p: (ORDER.index(p.kind), p.path)))


def _counted(verb: str, pages: tuple[PageChange, ...]) -> str:
    if not pages:
        return f"{verb} nothing"
    kinds = [k for k in ORDER if any(p.kind == k for p in pages)]
    return f"{verb} " + _and([_count(sum(1 for p in pages if p.kind == k), f"{k} page") for k in kinds])


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _escape(value: str) -> str:
    # Titles come from contributors: shown as text, never as links, images, HTML or tables.
    return _MARKDOWN.sub(r"\\\1", value.replace("&", "&amp;"))
