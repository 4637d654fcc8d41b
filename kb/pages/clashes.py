"""Ids that would take a path or an anchor the site's own pages use, found before anything is written.

An article, administration, theme or entity id names a page (kb/pages/sitemap.py);
administration and theme ids are also anchors on each other's pages and on the
timeline. An id equal to one of the site's own names would overwrite or hide a
page, so `check` reports it as a problem of the file that chose the id.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from kb.discover import MAX_DATA_BYTES, Unreadable, read_regular
from kb.entities import Entities
from kb.pages import sitemap
from kb.problems import Problem
from kb.sources import Article
from kb.taxonomy import Taxonomy


def find_clashes(root: Path, taxonomy: Taxonomy, articles: tuple[Article, ...], entities: Entities) -> list[Problem]:
    """Every id of the inputs that clashes with a page, folder or anchor of the site itself."""
    taken = sitemap.reserved("articles")
    problems = [_article_clash(article) for article in articles if article.id in taken]
    lines = _IdLines(root / taxonomy.path)
    for kind, page, items in (
        ("administrations", sitemap.administration, taxonomy.administrations),
        ("themes", sitemap.theme, taxonomy.themes),
    ):
        for item in items:
            message = _taken(page(item.id)) or _anchor(item.id)
            if message:
                problems.append(Problem(taxonomy.path, lines.of(kind, item.id), f"{kind}.{item.id}", f"{message}; choose another id"))
    people = _IdLines(root / entities.path)
    for entity in entities.entities:
        message = _taken(sitemap.person(entity.id))
        if message:
            problems.append(Problem(entities.path, people.of("entities", entity.id), f"entities.{entity.id}", f"{message}; choose another id"))
    return problems


def _taken(path: str) -> str | None:
    """Which of the site's own pages or folders already has the name of `path`, as a sentence; None when free."""
    folder, name = path.rsplit("/", 1)
    stem = posixpath.splitext(name)[0]
    if stem not in sitemap.reserved(folder):
        return None
    if path in sitemap.LISTINGS:
        return f"the id '{stem}' would give this entry the page {path}, which is one of the site's own pages"
    return f"the id '{stem}' would give this entry the page {path}, named like the site's own folder {folder}/{stem}/"


def _anchor(item_id: str) -> str | None:
    if item_id not in sitemap.ANCHORS:
        return None
    return f"the id '{item_id}' is an anchor the site itself puts on administration, theme and timeline pages (#{item_id})"


def _article_clash(article: Article) -> Problem:
    message = _taken(sitemap.article(article.id)) or ""
    example = f"{article.date.iso()[:7]}-{article.id}"
    return Problem(article.path, None, "file name", f"{message}; rename the file, e.g. '{example}.md'")


class _IdLines:
    """Line numbers of `- id: x` entries in a YAML file, by top-level section; None when not found."""

    def __init__(self, path: Path) -> None:
        try:
            self.lines = read_regular(path, MAX_DATA_BYTES).decode("utf-8-sig").splitlines()
        except (Unreadable, OSError, UnicodeDecodeError):
            self.lines = []

    def of(self, section: str, item_id: str) -> int | None:
        entry = re.compile(rf"""^\s*-\s*(?:\{{\s*)?id:\s*["']?{re.escape(item_id)}["']?\s*(?:[,}}#].*)?$""")
        inside = False
        for number, line in enumerate(self.lines, start=1):
            if re.match(r"^[A-Za-z_]", line):
                inside = line.split(":", 1)[0] == section
            elif inside and entry.match(line):
                return number
        return None
