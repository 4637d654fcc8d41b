"""Incremental pages: a page is rendered again only when what it reads changed, and the output is always a build from nothing."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kb import cache, keeper, memo
from kb.build import Project, check, generate
from kb.entities import no_entities
from kb.mentions import find_mentions
from kb.pages import export, indexes, timeline, topics
from kb.pages.plan import Plan
from kb.tagging import tag_articles
from kb.timeline import extract_events
from tests.helpers import TODAY
from tests.test_cache import POOL, _docs, _edit, _fresh, _project

# Small thresholds, so that a small collection has pages by period and a capped feed:
# every kind of page a large collection has is then built and compared.
SMALL = {(indexes, "ARTICLES_PER_PAGE"): 6, (indexes, "NEWEST"): 4, (timeline, "EVENTS_PER_PAGE"): 5, (export, "FEED_ENTRIES"): 5}

EXTRA = [
    "On 3 March 2016 Shinzo Abe said the abduction issue remained the top priority.",
    "Yoshihide Suga met the families of abductees in Tokyo in November 2020.",
    "Kim Yo Jong rejected the idea of a summit with Fumio Kishida in March 2024.",
    "The weather in the capital was mild that week.",
]


def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    for (module, name), value in SMALL.items():
        monkeypatch.setattr(module, name, value)


def _one_edit(project: Path, rng: random.Random, step: int) -> str:
    """Change the collection in one of the ways contributors do; returns what was done."""
    sources = sorted((project / "sources").glob("*.md"))
    source = rng.choice(sources)
    text = source.read_text(encoding="utf-8")
    kind = rng.choice(["paragraph", "date", "title", "delete", "add", "remove-paragraph"])
    if kind == "paragraph":
        _edit(source, "\n\n", f"\n\n{rng.choice(EXTRA)}\n\n")
    elif kind == "date":
        line = next(line for line in text.splitlines() if line.startswith("date:"))
        _edit(source, line, f'date: "{rng.randint(2003, 2024)}-{rng.randint(1, 12):02d}"')
    elif kind == "title":
        line = next(line for line in text.splitlines() if line.startswith("title:"))
        _edit(source, line, f'title: "Retitled in step {step}"')
    elif kind == "delete" and len(sources) > 8:
        source.unlink()
    elif kind == "remove-paragraph" and text.count("\n\n") > 3:
        head, _, rest = text.partition("\n---\n\n")
        paragraphs = rest.split("\n\n")
        del paragraphs[rng.randrange(len(paragraphs))]
        source.write_text(head + "\n---\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    else:
        kind = "add"
        body = "\n\n".join(rng.sample(POOL + EXTRA, 3))
        (project / "sources" / f"2021-added-{step}.md").write_text(
            f'---\ntitle: "Added in step {step}"\nauthors: []\npublisher: null\ndate: "2021-0{1 + step % 9}"\n---\n\n{body}\n', encoding="utf-8"
        )
    return f"{kind} {source.name}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_edit_gives_the_bytes_of_a_build_from_nothing(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    _small(monkeypatch)
    project = _project(project_factory, f"edits-{seed}", n=16)
    generate(Project(project), TODAY)
    assert (project / "docs" / "explore" / "timeline").is_dir() and (project / "docs" / "articles" / "by-period").is_dir()
    rng = random.Random(seed)
    for step in range(6):
        done = _one_edit(project, rng, step)
        if step % 3 == 2:  # now and then a new process: entries, page records and collection.json's lines come from disk
            memo.forget()
            store = cache.for_project(Project(project).cache)
            store.memory.clear()
            store.pages = None
        generate(Project(project), TODAY)
        assert _docs(project) == _fresh(project_factory, project, f"edits-{seed}-{step}"), f"after step {step}: {done}"


def test_a_topic_page_is_rendered_only_when_one_of_its_articles_changed(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "topic-pages", n=16)
    generate(Project(project), TODAY)
    rendered: list[str] = []
    real = topics.administration_page
    monkeypatch.setattr(topics, "administration_page", lambda plan, admin: rendered.append(admin.id) or real(plan, admin))
    generate(Project(project), TODAY)
    assert rendered == []
    inputs = check(Project(project), TODAY)
    collection = tag_articles(inputs.articles, inputs.taxonomy)
    source = sorted((project / "sources").glob("*.md"))[5]
    about = {a for t in collection.articles if t.article.id == source.stem for a in t.administrations}
    assert about, "the edited article concerns at least one administration"
    # Words that change no tag: only the pages reading this article are rendered again.
    _edit(source, "\n\n", "\n\nThe weather in the capital was mild that week.\n\n")
    generate(Project(project), TODAY)
    assert set(rendered) == about
    assert _docs(project) == _fresh(project_factory, project, "topic-pages-reference")


def test_collection_json_from_kept_fragments_reads_back_as_the_data(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "fragments", n=10)
    inputs = check(Project(project), TODAY)
    collection = tag_articles(inputs.articles, inputs.taxonomy)
    mentions = find_mentions(collection, inputs.entities)
    plan = Plan(collection, mentions, extract_events(collection))
    assert json.loads(export.collection_json(plan)) == export.collection_data(plan)
    # The same articles again, with other mentions: the articles' fragments must not be reused as they were.
    other = Plan(collection, find_mentions(collection, no_entities()), extract_events(collection))
    assert json.loads(export.collection_json(other)) == export.collection_data(other)
    assert json.loads(export.collection_json(plan)) == export.collection_data(plan)


def test_newest_passages_chooses_as_key_passages_does(project_factory: Callable[..., Path]) -> None:
    from kb.pages.plan import key_passages, newest_passages

    project = _project(project_factory, "newest", n=16)
    inputs = check(Project(project), TODAY)
    articles = [t for t in tag_articles(inputs.articles, inputs.taxonomy).articles if t.passages]
    rng = random.Random(5)
    for _ in range(300):
        chosen = sorted(rng.sample(range(len(articles)), rng.randint(1, len(articles))))
        # Each passage once, grouped by article in collection order, as a topic page's sections hold them.
        passages = [p for i in chosen for p in articles[i].passages if rng.random() < 0.7]
        limit = rng.randint(1, 9)
        assert newest_passages(passages, limit) == key_passages(passages, limit)


def test_a_warm_first_build_renders_the_collection_pages_and_later_saves_reuse_their_pieces(
    project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.build import forget, publish

    project = _project(project_factory, "warm-first", n=12)
    generate(Project(project), TODAY)
    encoded: list[str] = []
    real = export._fragment
    # Count the articles' fragments (the taxonomy's and entities' few items are encoded every time).
    monkeypatch.setattr(export, "_fragment", lambda value: (isinstance(value, dict) and "paragraphs" in value and encoded.append("x")) or real(value))
    forget()  # as a new process: nothing in memory
    generate(Project(project), TODAY)
    assert encoded == []  # nothing changed: collection.json is kept, not rendered
    forget()
    rendered: list[int] = []
    real_page = export.collection_json
    monkeypatch.setattr(export, "collection_json", lambda plan: rendered.append(1) or real_page(plan))
    publish(Project(project), check(Project(project), TODAY), warm=True)
    # Rendered all the same, its lines found on disk (kb/keeper.py), none encoded: its fragments are in memory now.
    assert rendered == [1] and encoded == []
    before = len(encoded)
    source = sorted((project / "sources").glob("*.md"))[3]
    _edit(source, "\n\n", "\n\nThe weather in the capital was mild that week.\n\n")
    generate(Project(project), TODAY)
    assert len(encoded) - before == 1  # the edited article's alone
    assert _docs(project) == _fresh(project_factory, project, "warm-first-reference")


def test_forgetting_every_memo_changes_no_byte(project_factory: Callable[..., Path]) -> None:
    from kb.build import forget
    from kb.pages import plan

    project = _project(project_factory, "forget", n=12)
    generate(Project(project), TODAY)
    before = _docs(project)
    forget()
    assert not plan._SECTIONS and not cache.for_project(Project(project).cache).memory
    shutil.rmtree(project / "docs" / "explore")
    generate(Project(project), TODAY)
    assert _docs(project) == before


def test_a_new_process_encodes_only_the_lines_of_what_changed(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "lines", n=12)
    generate(Project(project), TODAY)
    stored = project / ".cache" / "kb" / keeper.LINES
    assert stored.is_file()  # a build from nothing writes them
    encoded: list[str] = []
    real = export._article

    def counted(plan: Plan, tagged: object) -> dict[str, object]:
        encoded.append(tagged.article.id)  # type: ignore[attr-defined]
        return real(plan, tagged)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "_article", counted)
    # One article of twelve is many lines of a small collection; of 5,000, it is under the share.
    monkeypatch.setattr(keeper, "REWRITE_SHARE", 0.5)
    source = sorted((project / "sources").glob("*.md"))[5]
    _edit(source, "\n\n", "\n\nYoshihide Suga met the families of abductees in Tokyo in November 2020.\n\n")
    memo.forget()  # as a new process: nothing in memory
    cache.for_project(Project(project).cache).memory.clear()
    before = stored.stat().st_mtime_ns
    generate(Project(project), TODAY)
    assert encoded == [source.stem]
    assert stored.stat().st_mtime_ns == before  # one article's lines: the stored ones stay as they are
    assert _docs(project) == _fresh(project_factory, project, "lines-reference")


def test_torn_or_foreign_stored_lines_are_encoded_again(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "lines-torn", n=8)
    generate(Project(project), TODAY)
    stored = project / ".cache" / "kb" / keeper.LINES
    data = stored.read_bytes()
    source = sorted((project / "sources").glob("*.md"))[2]
    for damage in (data[: len(data) // 2], data[:40] + bytes([data[40] ^ 1]) + data[41:], b""):
        stored.write_bytes(damage)
        _edit(source, "\n\n", "\n\nThe weather in the capital was mild that week.\n\n")
        memo.forget()
        cache.for_project(Project(project).cache).memory.clear()
        generate(Project(project), TODAY)
        assert _docs(project) == _fresh(project_factory, project, f"lines-torn-{len(damage)}")
        assert keeper.load_lines(stored)  # every line was encoded again, and kept anew
