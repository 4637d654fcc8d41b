"""The generator's cache never changes the output: with, without, warm after edits, torn or deleted."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kb import build, cache, keeper, memo, packs, stages, stash
from kb.build import Project, generate
from kb.tagging import TaggedArticle
from tests.helpers import ROOT, TODAY, tree

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import synthesise

# Paragraphs written for these tests: administrations, themes, dates and people the
# project's taxonomy and entities name, so that every stage has work to do.
POOL = [
    "Prime Minister Junichiro Koizumi flew to Pyongyang on September 17, 2002, and Kim Jong Il admitted that agents had abducted Japanese citizens.",
    "The Stockholm agreement of May 2014 led North Korea to reinvestigate the abductions; Japan eased some sanctions in return.",
    "Under Shinzo Abe, Tokyo kept pressure on Pyongyang while missile launches over Hokkaido alarmed the public in 2017.",
    "Fumio Kishida said in May 2023 that he was ready to meet Kim Jong Un without preconditions at a high level.",
    "Kim Yo Jong answered in a statement of February 15, 2024, that a summit was possible only if Tokyo dropped the abduction issue.",
    "Families of the abductees, Megumi Yokota's among them, asked the government to keep the issue at the top of the agenda.",
    "Shigeru Ishiba proposed liaison offices in both capitals during his campaign in September 2024.",
    "Sanctions adopted after the nuclear test of 2006 banned North Korean ships from Japanese ports.",
    "Between March and May 2023, officials met secretly in Southeast Asia, according to several reports.",
    "Analysts in Seoul doubted that a deal was near, pointing to the ballistic missile tests of the previous year.",
    "The normalization talks of the early 1990s stalled over compensation and the abductions.",
    "Yoshihide Suga repeated in October 2020 that he would meet Kim Jong Un without conditions.",
    "A second summit in Pyongyang on May 22, 2004, brought five children of abductees to Japan.",
    "Deterrence, not dialogue, dominated the debate in Tokyo after the launches of 2022 and 2023.",
]


def _project(factory: Callable[..., Path], name: str, n: int = 24) -> Path:
    project = factory(name)
    synthesise(project / "sources", n, seed=7, pool=POOL)
    return project


def _docs(project: Path) -> dict[str, bytes]:
    return tree(project / "docs")


def _fresh(factory: Callable[..., Path], like: Path, name: str) -> dict[str, bytes]:
    """docs/ as a build without any cache makes it from `like`'s inputs (its sources and taxonomy)."""
    other = factory(name)
    shutil.rmtree(other / "sources")
    shutil.copytree(like / "sources", other / "sources")
    shutil.copyfile(like / "taxonomy.yml", other / "taxonomy.yml")
    generate(Project(other), TODAY, cached=False)
    assert not (other / ".cache").exists()
    return _docs(other)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_build_with_cache_equals_build_without(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "with-cache")
    legacy = project / ".cache" / "kb" / f"{'00' * 32}.pickle"  # an entry of the layout of one file per entry
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"old")
    generate(Project(project), TODAY)
    # The 24 entries in one pack (kb/packs.py), not a file each.
    assert [path.suffix for path in (project / ".cache" / "kb").glob("*.pickle")] == []
    assert len(list((project / ".cache" / "kb").glob("*" + packs.SUFFIX))) == 1
    assert _docs(project) == _fresh(project_factory, project, "without-cache")


def test_warm_cache_after_edits_equals_a_build_from_nothing(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "warm")
    generate(Project(project), TODAY)
    sources = sorted((project / "sources").glob("*.md"))
    # One edit of each kind: a paragraph's words (tags, dates, mentions change), a date
    # (the article moves in every list), an article removed, an article added.
    first = sources[3].read_text(encoding="utf-8")
    _edit(sources[3], "\n\n", "\n\nOn June 1, 2019, Shinzo Abe spoke of the abduction issue with Kim Jong Un in mind.\n\n")
    text = sources[5].read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("date:"))
    _edit(sources[5], date_line, 'date: "1999-02-03"')
    sources[7].unlink()
    (project / "sources" / "2020-added-by-hand.md").write_text(
        '---\ntitle: "Added"\nauthors: []\npublisher: null\ndate: "2020-05"\n---\n\n' + POOL[4] + "\n\n" + POOL[1] + "\n",
        encoding="utf-8",
    )
    assert first != sources[3].read_text(encoding="utf-8")
    store = cache.for_project(Project(project).cache)
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.misses) == (24 - 1 - 2, 3)
    assert _docs(project) == _fresh(project_factory, project, "warm-reference")


def test_fresh_process_reads_entries_from_disk(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "disk")
    generate(Project(project), TODAY)
    before = _docs(project)
    # A new process has an empty memory: drop it and build again from the entries on disk.
    store = cache.for_project(Project(project).cache)
    store.memory.clear()
    shutil.rmtree(project / "docs" / "articles")
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.misses, store.stats.torn) == (24, 0, 0)
    assert _docs(project) == before


def _rewrite_pack(path: Path, change: Callable[[list[tuple[bytes, bytes]]], list[tuple[bytes, bytes]]]) -> None:
    """Write a pack again, whole and with a valid digest, with its entries changed."""
    found = packs._read(path)
    assert found is not None
    stash.write(path, pickle.dumps((packs._FORMAT, change(sorted(found.items())))))


def test_torn_or_garbled_packs_and_entries_are_ignored_and_recomputed(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "PACK_ENTRIES", 4)
    project = _project(project_factory, "torn")
    generate(Project(project), TODAY)
    before = _docs(project)
    found = sorted((project / ".cache" / "kb").glob("*" + packs.SUFFIX))
    assert len(found) == 6
    data = found[0].read_bytes()
    found[0].write_bytes(data[: len(data) // 2])  # torn: a crash in the middle of a write
    flipped = bytearray(found[1].read_bytes())
    flipped[len(flipped) // 2] ^= 0x55
    found[1].write_bytes(bytes(flipped))  # one bit pattern changed
    found[2].write_bytes(b"")  # empty
    # A whole, valid pack whose first two entries were filed under each other's keys.
    _rewrite_pack(found[3], lambda entries: [(entries[1][0], entries[0][1]), (entries[0][0], entries[1][1]), *entries[2:]])
    store = cache.for_project(Project(project).cache)
    store.memory.clear()
    shutil.rmtree(project / "docs" / "articles")
    generate(Project(project), TODAY)
    assert store.stats.torn == 3 + 2
    assert (store.stats.hits, store.stats.misses) == (24 - 14, 3 * 4 + 2)
    assert _docs(project) == before
    # The recomputed entries replaced the damaged packs, and the pack of mis-filed entries
    # is gone: every pack left reads whole and holds each entry under its own key.
    left = sorted((project / ".cache" / "kb").glob("*" + packs.SUFFIX))
    held = [packs._read(path) for path in left]
    assert left and all(found is not None for found in held)
    assert all(pickle.loads(payload)[0] == key for found in held for key, payload in (found or {}).items())
    store = cache.Cache(Project(project).cache)  # a new process
    monkeypatch.setitem(cache._OPEN, Project(project).cache, store)
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.torn) == (24, 0)


def test_packs_of_unused_entries_are_deleted_and_mostly_dead_ones_merged(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "PACK_ENTRIES", 4)
    project = _project(project_factory, "pruned")
    generate(Project(project), TODAY)
    folder = project / ".cache" / "kb"
    sources = sorted((project / "sources").glob("*.md"))
    store = cache.for_project(Project(project).cache)
    # Three of the four articles of one pack removed: that pack is merged away, its last
    # entry carried into a new pack with nothing else lost.
    first = sorted(folder.glob("*" + packs.SUFFIX))[0]
    keys = set(packs._read(first) or {})
    by_key = {store.key_of(article): article for article in build.check(Project(project), TODAY).articles}
    doomed = [by_key[key] for key in sorted(keys)][:3]
    for article in doomed:
        next(path for path in sources if path.stem == article.id).unlink()
    generate(Project(project), TODAY)
    assert not first.exists()
    held = {key for path in folder.glob("*" + packs.SUFFIX) for key in packs._read(path) or {}}
    assert held == store._used and len(held) == 24 - 3
    # Every article of another pack removed: the pack is deleted, and no pack is written for it.
    before = sorted(folder.glob("*" + packs.SUFFIX))
    emptied = next(path for path in before if len(packs._read(path) or {}) == 4)
    for key in packs._read(emptied) or {}:
        next(path for path in sources if path.stem == by_key[key].id).unlink()
    generate(Project(project), TODAY)
    assert sorted(folder.glob("*" + packs.SUFFIX)) == [path for path in before if path != emptied]
    # A new process finds every remaining entry on disk.
    fresh = cache.Cache(Project(project).cache)
    monkeypatch.setitem(cache._OPEN, Project(project).cache, fresh)
    generate(Project(project), TODAY)
    assert (fresh.stats.hits, fresh.stats.misses) == (24 - 3 - 4, 0)
    assert _docs(project) == _fresh(project_factory, project, "pruned-reference")


def test_small_packs_left_by_edits_are_merged(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "SMALL", 2)
    monkeypatch.setattr(packs, "SMALL_PACKS", 3)
    project = _project(project_factory, "small")
    generate(Project(project), TODAY)
    folder = project / ".cache" / "kb"
    sources = sorted((project / "sources").glob("*.md"))
    counts = []
    for number, path in enumerate(sources[:8]):
        _edit(path, "\n\n", f"\n\nEdit number {number}.\n\n")
        generate(Project(project), TODAY)
        counts.append(len(list(folder.glob("*" + packs.SUFFIX))))
    # Each edit leaves a pack of one entry; once more than three are there, the next build
    # merges them with its own new entry into one pack.
    assert counts == [2, 3, 4, 5, 2, 3, 4, 5]
    store = cache.Cache(Project(project).cache)
    monkeypatch.setitem(cache._OPEN, Project(project).cache, store)
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.misses) == (24, 0)


def test_a_pack_another_process_merged_away_is_no_miss(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "merged-elsewhere", n=6)
    serving = cache.for_project(Project(project).cache)
    generate(Project(project), TODAY)
    # Another process wrote the same entries under another pack's name and deleted this one.
    (known,) = (project / ".cache" / "kb").glob("*" + packs.SUFFIX)
    known.rename(known.with_name(known.name[:-len(packs.SUFFIX)] + "0" + packs.SUFFIX))
    serving.memory.clear()
    generate(Project(project), TODAY)
    assert (serving.stats.hits, serving.stats.misses, serving.stats.torn) == (6, 0, 0)


def test_a_pack_that_cannot_be_written_loses_no_entry(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "PACK_ENTRIES", 4)
    project = _project(project_factory, "full-disk")
    generate(Project(project), TODAY)
    folder = project / ".cache" / "kb"
    before = {path.name: path.read_bytes() for path in folder.glob("*" + packs.SUFFIX)}
    # Three of one pack's four articles removed (the pack is to be merged), the disk full.
    first = sorted(folder.glob("*" + packs.SUFFIX))[0]
    store = cache.for_project(Project(project).cache)
    by_key = {store.key_of(article): article for article in build.check(Project(project), TODAY).articles}
    for key in sorted(packs._read(first) or {})[:3]:
        (project / "sources" / f"{by_key[key].id}.md").unlink()
    monkeypatch.setattr(stash, "write", lambda path, payload: False)
    generate(Project(project), TODAY)
    assert {path.name: path.read_bytes() for path in folder.glob("*" + packs.SUFFIX)} == before
    monkeypatch.undo()
    fresh = cache.Cache(Project(project).cache)
    monkeypatch.setitem(cache._OPEN, Project(project).cache, fresh)
    generate(Project(project), TODAY)
    assert (fresh.stats.hits, fresh.stats.misses) == (21, 0)


def test_only_abandoned_temporary_files_are_deleted(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "temporaries", n=6)
    folder = project / ".cache" / "kb"
    folder.mkdir(parents=True)
    writing = folder / ".next.pack.999999.tmp"  # another process's write in progress
    writing.write_bytes(b"half")
    left = folder / ".old.pack.999998.tmp"  # a write cut short long ago
    left.write_bytes(b"half")
    os.utime(left, (1_000_000_000, 1_000_000_000))
    generate(Project(project), TODAY)
    assert writing.exists() and not left.exists()


def test_packs_another_process_wrote_are_found(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "two-processes", n=6)
    serving = cache.for_project(Project(project).cache)
    generate(Project(project), TODAY)
    path = sorted((project / "sources").glob("*.md"))[2]
    _edit(path, "\n\n", "\n\nAn edit built by another process.\n\n")
    other = cache.Cache(Project(project).cache)
    monkeypatch.setitem(cache._OPEN, Project(project).cache, other)
    generate(Project(project), TODAY)
    assert other.stats.misses == 1
    # The long-lived process, its memory emptied, finds the other's new pack and its own.
    monkeypatch.setitem(cache._OPEN, Project(project).cache, serving)
    serving.memory.clear()
    generate(Project(project), TODAY)
    assert (serving.stats.hits, serving.stats.misses, serving.stats.torn) == (6, 0, 0)


def test_deleting_the_cache_changes_nothing(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "deleted")
    generate(Project(project), TODAY)
    before = _docs(project)
    shutil.rmtree(project / ".cache")
    cache.for_project(Project(project).cache).memory.clear()
    report = generate(Project(project), TODAY)
    assert report.written == ()
    assert _docs(project) == before


@pytest.mark.parametrize("changed", ["taxonomy.yml", "entities.yml", "code"])
def test_taxonomy_entities_and_code_are_part_of_every_key(
    project_factory: Callable[..., Path], changed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(project_factory, "keys", n=6)
    generate(Project(project), TODAY)
    if changed == "code":
        monkeypatch.setattr(cache, "LOADED_CODE", b"another version of the generator")
    else:
        with (project / changed).open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
    store = cache.for_project(Project(project).cache)
    store.memory.clear()
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.misses) == (0, 6)


def test_an_unwritable_cache_only_costs_time(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "unwritable", n=6)
    (project / ".cache").write_text("a file where the cache folder would be", encoding="utf-8")
    generate(Project(project), TODAY)
    assert _docs(project) == _fresh(project_factory, project, "unwritable-reference")


def test_code_hash_covers_every_module_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_hash(package)
    with (package / "pages" / "article.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert cache.code_hash(package) != before
    assert cache.code_hash(ROOT / "kb") == cache.LOADED_CODE


def _count_article_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from kb.pages import article

    calls: list[str] = []
    real = article.article_page

    def counted(plan: object, tagged: TaggedArticle) -> str:
        calls.append(tagged.article.id)
        return real(plan, tagged)  # type: ignore[arg-type]

    monkeypatch.setattr(article, "article_page", counted)
    return calls


def test_only_the_edited_articles_pages_are_rendered_again(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "pages")
    generate(Project(project), TODAY)
    calls = _count_article_renders(monkeypatch)
    generate(Project(project), TODAY)
    assert calls == []
    source = sorted((project / "sources").glob("*.md"))[4]
    # A sentence that names no administration, theme, date or person: no other page changes.
    _edit(source, "\n\n", "\n\nThe weather in the capital was mild that week.\n\n")
    generate(Project(project), TODAY)
    assert calls == [source.stem]
    assert _docs(project) == _fresh(project_factory, project, "pages-reference")


def test_a_changed_or_missing_page_file_is_rendered_again(project_factory: Callable[..., Path]) -> None:
    project = _project(project_factory, "page-files")
    generate(Project(project), TODAY)
    before = _docs(project)
    pages = sorted((project / "docs" / "articles").glob("*.md"))
    pages[0].write_text(pages[0].read_text(encoding="utf-8") + "\nchanged by hand\n", encoding="utf-8")
    pages[1].unlink()
    bib = pages[2].with_suffix(".bib")
    bib.write_bytes(bib.read_bytes())  # same bytes, a new write: its times differ from the record
    generate(Project(project), TODAY)
    assert _docs(project) == before


def test_a_torn_page_index_renders_every_page(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "page-index")
    generate(Project(project), TODAY)
    before = _docs(project)
    index = project / ".cache" / "kb" / keeper.INDEX
    index.write_bytes(index.read_bytes()[:-10])
    cache.for_project(Project(project).cache).pages = None  # a new process: the index is read from disk
    calls = _count_article_renders(monkeypatch)
    generate(Project(project), TODAY)
    assert len(calls) == 24
    assert _docs(project) == before


def test_tagging_shared_among_worker_processes_gives_the_same_bytes(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    project = _project(project_factory, "workers")
    monkeypatch.setattr(stages, "PER_WORKER", 5)
    monkeypatch.setenv(stages.WORKERS, "2")
    started: list[int] = []
    runs: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counted(real):  # type: ignore[valid-type,misc]
        def map(self, fn: Any, *iterables: Any, **options: Any) -> Any:
            first = list(iterables[0])
            runs.extend(len(run) for run in first)
            return super().map(fn, first, *iterables[1:], **options)

    def counted(count: int, **options: object) -> concurrent.futures.ProcessPoolExecutor:
        started.append(count)
        return Counted(count, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    monkeypatch.setattr(stages, "workers", lambda misses: 2 if misses >= 10 else 1)  # as on a machine of two cores or more
    monkeypatch.setattr(stages, "RUN", 3)  # several runs per worker, their results put back in order
    generate(Project(project), TODAY)
    assert started == [2]
    assert len(runs) == 8 and set(runs) == {3}  # 24 articles
    assert _docs(project) == _fresh(project_factory, project, "workers-reference")
    # The next build keeps every page: the entries made by the workers are the cache's own.
    store = cache.for_project(Project(project).cache)
    report = generate(Project(project), TODAY)
    assert report.written == () and store.stats.misses == 0


def test_workers_that_cannot_start_only_cost_time(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refuse(*_: object, **__: object) -> None:
        raise OSError("no process for you")

    project = _project(project_factory, "no-workers", n=12)
    monkeypatch.setattr(stages, "PER_WORKER", 2)
    monkeypatch.setenv(stages.WORKERS, "2")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    generate(Project(project), TODAY)
    assert _docs(project) == _fresh(project_factory, project, "no-workers-reference")


def test_one_worker_when_asked_or_for_a_few_articles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(stages.WORKERS, "1")
    assert stages.workers(10**6) == 1
    monkeypatch.delenv(stages.WORKERS)
    assert stages.workers(stages.PER_WORKER - 1) == 1


def test_workers_import_the_package_when_its_folder_is_not_on_the_path(
    project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As under `mkdocs build`: the hook imported kb, and its folder is no longer on sys.path.
    import concurrent.futures

    project = _project(project_factory, "workers-path", n=12)
    monkeypatch.setattr(stages, "workers", lambda misses: 2 if misses >= 10 else 1)
    finished: list[int] = []

    class Counted(concurrent.futures.ProcessPoolExecutor):
        def map(self, *args: Any, **options: Any) -> Iterator[Any]:
            results = super().map(*args, **options)

            def each() -> Iterator[Any]:
                yield from results
                finished.append(1)  # every worker's results arrived: no fallback

            return each()

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p or ".").resolve() != ROOT])
    generate(Project(project), TODAY)
    assert finished == [1]
    assert _docs(project) == _fresh(project_factory, project, "workers-path-reference")


def _count_source_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = cache.read_regular_as_found

    def counting(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
        if path.parent.name == "sources":
            read.append(path.name)
        return real(path, max_bytes)

    monkeypatch.setattr(cache, "read_regular_as_found", counting)
    return read


def test_a_preview_reads_again_only_the_sources_whose_files_changed(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # As if every file had been saved long before it was read (the racy window closed).
    monkeypatch.setattr(cache, "RACY_NS", 0)
    project = _project(project_factory, "preview-reads")
    generate(Project(project), TODAY)
    read = _count_source_reads(monkeypatch)
    for _ in range(3):  # (each build remembers what it found for the next)
        generate(Project(project), TODAY)
    assert read == []
    sources = sorted((project / "sources").glob("*.md"))
    # The same size, and the old modification time put back: the change time still tells.
    before = sources[2].stat()
    text = sources[2].read_text(encoding="utf-8")
    sources[2].write_text(text.replace("Prime Minister", "Prime minister", 1) if "Prime Minister" in text else text.replace("the", "The", 1), encoding="utf-8")
    os.utime(sources[2], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert sources[2].stat().st_size == before.st_size
    # A file replaced by another (an editor's save by rename): a new inode.
    replacement = sources[4].with_name(".saving")
    replacement.write_text(sources[4].read_text(encoding="utf-8").replace("\n\n", "\n\nShinzo Abe spoke.\n\n", 1), encoding="utf-8")
    os.replace(replacement, sources[4])
    generate(Project(project), TODAY)
    assert sorted(read) == sorted([sources[2].name, sources[4].name])
    assert _docs(project) == _fresh(project_factory, project, "preview-reads-reference")


def test_a_source_saved_just_before_it_was_read_is_read_again(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 3600 * 10**9)  # every file here was saved within the window
    project = _project(project_factory, "racy")
    # An old modification time (as `cp -p` or `rsync -t` leave) does not hide a recent change time.
    for path in (project / "sources").glob("*.md"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    generate(Project(project), TODAY)
    read = _count_source_reads(monkeypatch)
    generate(Project(project), TODAY)
    assert len(read) == 24


def test_what_every_source_depends_on_still_counts_for_unread_sources(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    project = _project(project_factory, "preview-base")
    generate(Project(project), TODAY)
    read = _count_source_reads(monkeypatch)
    # The taxonomy changed: every source is read again under the new key, and tagged again.
    taxonomy = project / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("Koizumi", "Koizumi Junichiro", 1), encoding="utf-8")
    generate(Project(project), TODAY)
    assert len(read) == 24
    assert _docs(project) == _fresh(project_factory, project, "preview-base-reference")
    # The process forgot its entries: they come from disk, after reading every source.
    read.clear()
    memo.forget()
    generate(Project(project), TODAY)
    assert len(read) == 24


def test_a_source_saved_while_it_is_read_is_kept_under_the_key_of_what_was_read(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "save-during-read")
    target = sorted((project / "sources").glob("*.md"))[3]
    original = target.read_bytes()
    real = cache.read_regular_as_found

    def then_saved(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
        found = real(path, max_bytes)
        if path == target:  # the author saves again just after the cache read the file
            target.write_bytes(original.replace(b"\n\n", b"\n\nShinzo Abe, in a paragraph saved a moment later.\n\n", 1))
        return found

    monkeypatch.setattr(cache, "read_regular_as_found", then_saved)
    generate(Project(project), TODAY)
    monkeypatch.setattr(cache, "read_regular_as_found", real)
    # Undo in the editor: the first bytes again, whose key must hold what those bytes say.
    target.write_bytes(original)
    generate(Project(project), TODAY)
    assert _docs(project) == _fresh(project_factory, project, "save-during-read-reference")


def test_a_taxonomy_saved_while_it_is_read_files_no_entry_under_its_new_key(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "taxonomy-save-during-read")
    taxonomy = project / "taxonomy.yml"
    # A phrase that some of the collection's paragraphs hold: their tags change with it.
    edited = taxonomy.read_text(encoding="utf-8").replace("      - liaison office*\n", "      - liaison office*\n      - Hokkaido\n", 1)
    assert "Hokkaido" in edited
    real = build.read_taxonomy

    def then_saved(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        taxonomy.write_text(edited, encoding="utf-8")  # saved just after it was parsed
        return found

    monkeypatch.setattr(build, "read_taxonomy", then_saved)
    generate(Project(project), TODAY)
    monkeypatch.setattr(build, "read_taxonomy", real)
    generate(Project(project), TODAY)
    assert _docs(project) == _fresh(project_factory, project, "taxonomy-save-during-read-reference")


def test_entries_go_to_disk_after_the_pages_and_even_when_writing_them_fails(project_factory: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(project_factory, "saved-last", n=6)
    order: list[str] = []
    real_write, real_save = build.write_pages, cache.Cache.save

    def failing_write(*args: Any, **kwargs: Any) -> Any:
        order.append("pages")
        raise RuntimeError("the disk is full")

    def save(self: cache.Cache) -> None:
        order.append("entries")
        real_save(self)

    monkeypatch.setattr(build, "write_pages", failing_write)
    monkeypatch.setattr(cache.Cache, "save", save)
    with pytest.raises(RuntimeError):
        generate(Project(project), TODAY)
    assert order == ["pages", "entries"]
    monkeypatch.setattr(build, "write_pages", real_write)
    store = cache.Cache(Project(project).cache)  # a new process finds what the failed build computed
    monkeypatch.setitem(cache._OPEN, Project(project).cache, store)
    generate(Project(project), TODAY)
    assert (store.stats.hits, store.stats.misses) == (6, 0)
    assert _docs(project) == _fresh(project_factory, project, "saved-last-reference")
