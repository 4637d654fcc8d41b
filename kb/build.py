"""The pipeline, stage by stage: load, tag, render, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kb.output import WriteReport, write_pages
from kb.pages import render_pages
from kb.sources import Article, load_articles
from kb.tagging import tag_articles
from kb.taxonomy import Taxonomy, load_taxonomy


@dataclass(frozen=True)
class Project:
    """Where a project's inputs and outputs are."""

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def taxonomy(self) -> Path:
        return self.root / "taxonomy.yml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"


def check(project: Project, today: dt.date | None = None) -> tuple[Taxonomy, tuple[Article, ...]]:
    """Validate the taxonomy and every source; raise InputError listing all problems."""
    taxonomy = load_taxonomy(project.taxonomy)
    return taxonomy, load_articles(project.sources, taxonomy, today)


def generate(project: Project, today: dt.date | None = None) -> WriteReport:
    """Sources + taxonomy -> the generated pages under docs/."""
    taxonomy, articles = check(project, today)
    collection = tag_articles(articles, taxonomy)
    pages = render_pages(collection)
    return write_pages(pages, project.docs)
