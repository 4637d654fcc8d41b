"""The pipeline, stage by stage: load, tag, render, write."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kb.entities import load_entities
from kb.mentions import find_mentions
from kb.output import WriteReport, write_pages
from kb.pages import render_pages
from kb.sources import Article, load_articles
from kb.tagging import tag_articles
from kb.taxonomy import Taxonomy, load_taxonomy
from kb.timeline import extract_events


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

    @property
    def entities(self) -> Path:
        return self.root / "entities.yml"


def check(project: Project, today: dt.date | None = None) -> tuple[Taxonomy, tuple[Article, ...]]:
    """Validate the taxonomy, every source and the entities; raise InputError listing all problems."""
    taxonomy = load_taxonomy(project.taxonomy)
    articles = load_articles(project.sources, taxonomy, today)
    load_entities(project.entities)
    return taxonomy, articles


def generate(project: Project, today: dt.date | None = None) -> WriteReport:
    """Sources + taxonomy -> the generated pages under docs/."""
    taxonomy, articles = check(project, today)
    _pin_build_date(articles)
    collection = tag_articles(articles, taxonomy)
    events = extract_events(collection)
    mentions = find_mentions(collection, load_entities(project.entities))
    pages = render_pages(collection, mentions=mentions, events=events)
    return write_pages(pages, project.docs)


def _pin_build_date(articles: tuple[Article, ...]) -> None:
    # MkDocs stamps the sitemap with the build date unless SOURCE_DATE_EPOCH is
    # set; the newest article's date makes that stamp a function of the sources.
    if articles and "SOURCE_DATE_EPOCH" not in os.environ:
        newest = max(a.date.last_day for a in articles)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp()))


def build_site(project: Project) -> int:
    """Generate, then `mkdocs build --strict` into a fresh folder that replaces site/ only on success."""
    generate(project)
    site = project.root / "site"
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=project.root))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
            cwd=project.root,
            check=False,
        )
        if result.returncode != 0:
            print("mkdocs build failed; site/ was left as it was.", file=sys.stderr)
            return result.returncode
        old = project.root / ".site-old"
        shutil.rmtree(old, ignore_errors=True)
        if site.exists():
            site.rename(old)
        staging.rename(site)
        shutil.rmtree(old, ignore_errors=True)
        print(f"Built the site into {site}.")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
