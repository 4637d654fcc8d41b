"""The pipeline, stage by stage: load, tag, render, write."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kb.entities import Entities, load_entities
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


class Inputs(NamedTuple):
    """Everything the generator reads, validated."""

    taxonomy: Taxonomy
    articles: tuple[Article, ...]
    entities: Entities


def check(project: Project, today: dt.date | None = None) -> Inputs:
    """Validate the taxonomy, every source and the entities; raise InputError listing all problems."""
    taxonomy = load_taxonomy(project.taxonomy)
    articles = load_articles(project.sources, taxonomy, today)
    return Inputs(taxonomy, articles, load_entities(project.entities))


def generate(project: Project, today: dt.date | None = None) -> WriteReport:
    """Sources + taxonomy + entities -> the generated pages under docs/."""
    return publish(project, check(project, today))


def publish(project: Project, inputs: Inputs) -> WriteReport:
    """Validated inputs -> tagged passages, events, mentions -> pages written under docs/."""
    taxonomy, articles, entities = inputs
    collection = tag_articles(articles, taxonomy)
    events = extract_events(collection)
    mentions = find_mentions(collection, entities)
    pages = render_pages(collection, mentions=mentions, events=events)
    return write_pages(pages, project.docs)


def source_date_epoch(articles: tuple[Article, ...]) -> str:
    """The newest article's last possible day as a Unix time: a build date that depends only on the sources."""
    newest = max((a.date.last_day for a in articles), default=dt.date(1970, 1, 1))
    return str(int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp()))


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
