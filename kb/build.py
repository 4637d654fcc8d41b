"""The pipeline, stage by stage: load, tag, render, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kb import cache, clock, keeper, memo
from kb.entities import Entities, read_entities
from kb.output import WriteReport, write_pages
from kb.pages import Kept, Page, plan_pages, render_pages
from kb.pages.clashes import find_clashes
from kb.problems import Checked, raise_all
from kb.sources import Article, read_article, read_articles
from kb.taxonomy import Taxonomy, read_taxonomy


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

    @property
    def cache(self) -> Path:
        """Where the generator keeps its cache (safe to delete; `.gitignore`d)."""
        return self.root / ".cache" / "kb"


class Inputs(NamedTuple):
    """Everything the generator reads, validated."""

    taxonomy: Taxonomy
    articles: tuple[Article, ...]
    entities: Entities


def check(project: Project, today: dt.date | None = None, cached: bool = True) -> Inputs:
    """Validate the taxonomy, every source and the entities; raise InputError listing all problems of all of them.

    A broken taxonomy does not hide the sources' problems: they are checked
    against whatever of it could be read (kb.taxonomy.read_taxonomy).
    With `cached`, sources whose bytes were read before come from the cache.
    """
    with memo.collector_paused():
        return _check(project, today, cached)


def _check(project: Project, today: dt.date | None, cached: bool) -> Inputs:
    today = today or clock.today()
    taxonomy_data, entities_data = cache.snapshot(project.taxonomy), cache.snapshot(project.entities)
    taxonomy = read_taxonomy(project.taxonomy, today=today, data=taxonomy_data)
    store = _cache(project, cached)
    store.begin(taxonomy_data, entities_data, today)
    articles = read_articles(project.sources, taxonomy.value, today, read=store.reader(read_article))
    entities = read_entities(project.entities, taxonomy=taxonomy.value, data=entities_data)
    clashes = Checked(None, tuple(find_clashes(project.root, taxonomy.value, articles.value, entities.value)))
    raise_all(taxonomy, articles, entities, clashes)
    return Inputs(taxonomy.value, articles.value, entities.value)


def generate(project: Project, today: dt.date | None = None, cached: bool = True) -> WriteReport:
    """Sources + taxonomy + entities -> the generated pages under docs/."""
    return publish(project, check(project, today, cached), cached)


def publish(project: Project, inputs: Inputs, cached: bool = True, warm: bool = False) -> WriteReport:
    """Validated inputs -> tagged passages, events, mentions -> pages written under docs/.

    The tagging, timeline and mention stages run only on articles the cache
    does not hold, and a page is rendered only when what it is made from
    changed (kb/pages.Draft); the output is the same either way. With `warm`
    (the first build of a preview), the pages made from the whole collection are
    rendered even when kept, so that the pieces they keep in memory (kb/memo.py)
    serve the saves that follow.
    """
    with memo.collector_paused():
        return _publish(project, inputs, cached, warm)


def _publish(project: Project, inputs: Inputs, cached: bool, warm: bool) -> WriteReport:
    taxonomy, articles, entities = inputs
    store = _cache(project, cached)
    stages = store.stages(articles, taxonomy, entities)
    try:
        # A page is rendered again only when what it is made from changed.
        reuse = keeper.open_for(store, project.docs, stages.collection, render_shared=warm)
        if reuse is None:
            pages: tuple[Page | Kept, ...] = render_pages(stages.collection, mentions=stages.mentions, events=stages.events)
        else:
            pages = plan_pages(stages.collection, mentions=stages.mentions, events=stages.events, reuse=reuse, lines=reuse.lines)
        report = write_pages(pages, project.docs)
        if reuse is not None:
            keeper.close(store, reuse)
    finally:
        # The entries go to disk after the pages, whatever became of them. Written before,
        # their 90 MB at 5,000 articles made the 20,000 pages' files wait for the file
        # system to write them out first (benchmarks/RESULTS.md): the pages took twice as long.
        store.save()
    return report


def forget() -> None:
    """Empty what this process keeps for its next build (a one-shot build, once its pages are written)."""
    memo.forget()
    memo.give_back()


def _cache(project: Project, cached: bool) -> cache.Cache:
    # Without the cache, a throwaway one that keeps nothing: the same code path either way.
    return cache.for_project(project.cache) if cached else cache.Cache(None)


def source_date_epoch(articles: tuple[Article, ...]) -> str:
    """The newest article's last possible day as a Unix time: a build date that depends only on the sources."""
    newest = max((a.date.last_day for a in articles), default=dt.date(1970, 1, 1))
    return str(int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp()))
