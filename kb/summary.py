"""What a change does to the site: two generated docs/ trees compared page by page, said in Markdown."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# Page kinds by the docs/ folder they are in, in the order a reviewer cares about.
KINDS = {"administrations": "administration", "themes": "theme", "articles": "article", "people": "person", "explore": "explore"}
ORDER = ("administration", "theme", "article", "person", "index", "explore", "other")
MENTIONED = 4  # changed pages named in the sentence when there are more
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~!#])")


@dataclass(frozen=True)
class PageChange:
    """A Markdown page that was added, changed or removed."""

    path: str  # relative to docs/
    title: str
    kind: str


@dataclass(frozen=True)
class SiteDiff:
    """The pages of head compared with those of base, and how many other files differ."""

    added: tuple[PageChange, ...]
    changed: tuple[PageChange, ...]
    removed: tuple[PageChange, ...]
    other_files: int


def compare(base: Path, head: Path) -> SiteDiff:
    """Compare two docs/ trees; a missing tree counts as empty (the base may predate the generator)."""
    before, after = _files(base), _files(head)
    pages = sorted(p for p in before.keys() | after.keys() if p.endswith(".md"))
    added = [_page(head, p, after[p]) for p in pages if p not in before]
    removed = [_page(base, p, before[p]) for p in pages if p not in after]
    changed = [_page(head, p, after[p]) for p in pages if p in before and p in after and before[p] != after[p]]
    others = sum(1 for p in before.keys() | after.keys() if not p.endswith(".md") and before.get(p) != after.get(p))
    return SiteDiff(_sorted(added), _sorted(changed), _sorted(removed), others)


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
    if diff.other_files:
        lines += [f"Other generated files (data, citations, feeds) that differ: {diff.other_files}.", ""]
    return "\n".join(lines)


def _files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


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
