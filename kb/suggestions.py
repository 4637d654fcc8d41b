"""Suggestions for entities.yml: the articles' authors and publishers that have no entry yet, with the lines to add.

These are not errors: an author or publisher without an entry is shown as plain
text. An entry gives the author or organisation a page under people/ and links
the articles to it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kb.discover import Unreadable, read_regular
from kb.entities import Entities
from kb.mentions import resolve_publishers
from kb.problems import Problem, workflow_command
from kb.sources import MAX_BYTES, Article


@dataclass(frozen=True)
class Suggestion:
    """One name to add to entities.yml: where it first appears, what to do, and the YAML lines to paste."""

    where: Problem  # the first article that gives the name (path, line of the field, field, advice)
    lines: tuple[str, ...]

    def format(self, style: str = "text") -> str:
        """`path:line: field: advice` and the indented lines, or one GitHub notice."""
        if style == "github":
            text = "\n".join([f"{self.where.field}: {self.where.message}", *self.lines])
            return workflow_command("notice", self.where.path, self.where.line, text, lines=True)
        return "\n".join([f"suggestion: {self.where.format()}", *self.lines, ""])


def suggest_entities(root: Path, articles: tuple[Article, ...], entities: Entities, reserved: frozenset[str]) -> tuple[Suggestion, ...]:
    """One suggestion per author or publisher name of the articles that no entity stands for; ids avoid `reserved`."""
    publishers = resolve_publishers(articles, entities)
    taken = {e.id for e in entities.entities} | reserved
    seen: set[tuple[str, str]] = set()
    found: list[Suggestion] = []
    for article in articles:
        for name in article.authors:
            key = ("authors", " ".join(name.split()))
            if entities.author(name) is None and key not in seen:
                seen.add(key)
                found.append(_author(root, article, key[1], entities, taken))
        if article.publisher and article.id not in publishers:
            key = ("publisher", " ".join(article.publisher.split()))
            if key not in seen:
                seen.add(key)
                found.append(_publisher(root, article, key[1], entities, taken))
    return tuple(found)


def _author(root: Path, article: Article, name: str, entities: Entities, taken: set[str]) -> Suggestion:
    named = next((e for e in entities.entities if e.kind == "person" and name in e.names), None)
    line = _field_line(root / article.path, "authors")
    if named is not None:  # a person of the text who turns out to be an author too
        advice = f"'{name}' is the entity '{named.id}' of {entities.path}, which is not marked as an author; add under its entry:"
        return Suggestion(Problem(article.path, line, "authors", advice), ("    author: true",))
    role = article.affiliation or "[who the author is, as the article gives it]"
    advice = f"'{name}' has no entry in {entities.path}, so the name links to no author page; to give it one, add to {entities.path}:"
    entry = _entry(_new_id(name, taken), name, "person", role, author=True)
    return Suggestion(Problem(article.path, line, "authors", advice), entry)


def _publisher(root: Path, article: Article, name: str, entities: Entities, taken: set[str]) -> Suggestion:
    line = _field_line(root / article.path, "publisher")
    advice = f"'{name}' names no organisation of {entities.path}, so the publisher links to no page; to give it one, add to {entities.path}:"
    entry = _entry(_new_id(name, taken), name, "organisation", "[what the organisation is, in one neutral line]", author=False)
    return Suggestion(Problem(article.path, line, "publisher", advice), entry)


def _entry(entity_id: str, name: str, kind: str, role: str, author: bool) -> tuple[str, ...]:
    # JSON strings are valid YAML double-quoted scalars: no name can break the entry.
    lines = [f"  - id: {entity_id}", f"    name: {json.dumps(name, ensure_ascii=False)}", f"    kind: {kind}"]
    if author:
        lines.append("    author: true")
    lines.append(f"    role: {json.dumps(role, ensure_ascii=False)}")
    return tuple(lines)


def _new_id(name: str, taken: set[str]) -> str:
    """A free entity id from the name's ASCII letters and digits (a placeholder when it has none)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_name)) or "[an-id-in-lowercase-ascii]"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _field_line(path: Path, field: str) -> int | None:
    """The line of `field:` in the file's front matter, if it is there."""
    try:
        lines = read_regular(path, MAX_BYTES).decode("utf-8-sig").splitlines()
    except (Unreadable, OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return None
        if re.match(rf"^{field}\s*:", line):
            return number
    return None
