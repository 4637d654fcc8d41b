"""Articles -> each article's tagged passages, timeline events and mentions, and the collection made of them again.

Every result of these stages depends on its article alone (and the taxonomy and
entities): so each article's results can be kept apart (kb/cache.py), computed in
worker processes, and merged back in collection order with the same bytes.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import kb
from kb import memo
from kb.entities import Entities
from kb.mentions import Mention, Mentioner, Mentions
from kb.sources import Article
from kb.tagging import Collection, TaggedArticle, tag_articles
from kb.taxonomy import Taxonomy
from kb.timeline import Event, extract_events


@dataclass(frozen=True)
class Entry:
    """One article and everything the generator derives from it alone."""

    article: Article
    tagged: TaggedArticle
    events: tuple[Event, ...]  # in the order extract_events gives them for this article
    mentions: tuple[Mention, ...]  # in collection order
    authors: tuple[str | None, ...]
    publisher: str | None


@dataclass(frozen=True)
class Stages:
    """The whole collection's tagged articles, events and mentions, as the stages compute them."""

    collection: Collection
    events: tuple[Event, ...]
    mentions: Mentions



# Each worker process costs about half a second of start-up (a new interpreter, the
# generator's imports, the taxonomy's matchers) against some 2.5 ms per article tagged
# (the synthetic articles of benchmarks/): below this many articles per worker, fewer
# workers finish sooner.
PER_WORKER = 400
# The batch goes out in runs of at most this many articles, so that this process unpickles
# the results of the first runs while the workers tag the next ones. Sent as one run per
# worker, 5,000 articles came back at the very end and took 2.2 s to unpickle after the
# tagging; runs of 100, 150, 250 and 500 were tried, and 250 finished soonest (0.8 s sooner).
RUN = 250
WORKERS = "KB_WORKERS"  # environment variable: at most this many processes tag at once (1: none besides this one)


def workers(misses: int) -> int:
    """How many processes tag `misses` articles: one per available core, none for a few."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = os.environ.get(WORKERS, "")
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else cores
    return max(1, min(limit, cores, misses // PER_WORKER))


def compute(articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> list[Entry]:
    """Run the tagging, timeline and mention stages on these articles and split the results per article, in their order.

    Each article's results depend on it alone, so a large batch is shared out, in
    contiguous runs of RUN articles at most, among worker processes (a fresh interpreter each: the parent
    may be a server with threads) and put back together in order: the same entries.
    """
    count = workers(len(articles))
    if count == 1:
        return compute_here(articles, taxonomy, entities)
    size = min(RUN, -(-len(articles) // count))
    runs = [articles[start : start + size] for start in range(0, len(articles), size)]
    # A worker starts with this process's sys.path, and must import this very package:
    # `mkdocs build` imports it through the hook, whose folder MkDocs does not keep on the path.
    root = str(Path(kb.__file__).resolve().parent.parent)
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    try:
        with concurrent.futures.ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(compute_here, runs, [taxonomy] * len(runs), [entities] * len(runs)))
    except (concurrent.futures.process.BrokenProcessPool, OSError):
        # No worker could be started or one died (out of memory, killed): the same work here, only slower.
        return compute_here(articles, taxonomy, entities)
    finally:
        if added:
            sys.path.remove(root)
    return [entry for part in parts for entry in part]


def compute_here(articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> list[Entry]:
    """compute() in this process."""
    if not articles:
        return []
    with memo.collector_paused():  # (in a worker, nothing else pauses it)
        return _compute(articles, taxonomy, entities)


def _compute(articles: tuple[Article, ...], taxonomy: Taxonomy, entities: Entities) -> list[Entry]:
    mentioner = Mentioner(entities)
    entries = []
    for article in articles:
        # One article through every stage before the next: the word sets the tagger made of its
        # paragraphs (kb.matcher keeps the last few) are still at hand when its mentions are found.
        collection = tag_articles((article,), taxonomy)
        (tagged,) = collection.articles
        found = mentioner.article(tagged)
        # extract_events sorts by date: an article's own events, in that order, are merged
        # again by the same key.
        entries.append(Entry(article, tagged, extract_events(collection), found.mentions, found.authors, found.publisher))
    return entries


def merge(entries: list[Entry], taxonomy: Taxonomy, entities: Entities) -> Stages:
    """Per-article entries (in collection order) -> the collection, its events and mentions."""
    collection = Collection(taxonomy, tuple(e.tagged for e in entries))
    # sorted() is stable and the entries are in collection order, as extract_events
    # visits them, so ties come out as they would from one call over the collection.
    events = tuple(sorted((event for e in entries for event in e.events), key=lambda event: event.key))
    mentions = Mentions(
        entities,
        tuple(m for e in entries for m in e.mentions),
        {e.article.id: e.authors for e in entries},
        {e.article.id: e.publisher for e in entries if e.publisher is not None},
    )
    return Stages(collection, events, mentions)
