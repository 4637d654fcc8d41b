"""A large site's search index as several Pagefind bundles merged in the browser, and pages that opt out of search."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb import cbor
from kb.search import BUNDLE, EXCLUDED, MANIFEST, MORE, index_site, pages, partition
from tests.conftest import mkdocs_build
from tests.helpers import CASES

_SIGNATURE = b"pagefind_dcd"


def bundles(site: Path) -> list[Path]:
    """The first bundle and those its manifest names, in order."""
    first = site / BUNDLE
    manifest = json.loads((first / MANIFEST).read_text(encoding="utf-8"))
    return [first] + [first / folder for folder in manifest["merge"]]


def urls(bundle: Path) -> list[str]:
    """The page addresses a bundle's fragments hold."""
    found = []
    for fragment in sorted((bundle / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(_SIGNATURE)
        found.append(json.loads(data[len(_SIGNATURE) :])["url"])
    return found


def filter_counts(bundle: Path) -> Counter[tuple[str, str]]:
    """How many pages each (filter, value) of a bundle holds."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in (bundle / "filter").iterdir():
        name, values = cbor.loads(gzip.decompress(path.read_bytes())[len(_SIGNATURE) :])  # type: ignore[misc]
        for value, page_numbers in values:  # type: ignore[union-attr]
            counts[(name, value)] += len(page_numbers)
    return counts


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# --- grouping pages into bundles -------------------------------------------------------

_paths = st.lists(st.from_regex(r"[a-z0-9/-]{1,30}\.html", fullmatch=True), unique=True, max_size=200)


@given(_paths, st.integers(min_value=1, max_value=50))
def test_every_page_lands_in_exactly_one_group(paths: list[str], per_group: int) -> None:
    groups = partition(paths, per_group)
    assert sorted(p for group in groups for p in group) == sorted(paths)
    assert len(groups) <= max(1, -(-len(paths) // per_group))
    assert all(groups) or groups == [[]]


@given(_paths, st.from_regex(r"[a-z]{1,10}/index\.html", fullmatch=True))
def test_an_added_page_moves_no_other_page(paths: list[str], added: str) -> None:
    if added in paths:
        return
    before = {p: i for i, group in enumerate(partition(paths, 10**6)) for p in group}
    after = {p: i for i, group in enumerate(partition([*paths, added], 10**6)) for p in group}
    assert all(after[p] == before[p] for p in paths)


def test_groups_share_the_pages_evenly() -> None:
    paths = [f"articles/{n:05d}/index.html" for n in range(5000)]
    sizes = [len(group) for group in partition(paths, 1000)]
    assert len(sizes) == 5 and all(800 <= size <= 1200 for size in sizes), sizes


# --- a site indexed as several bundles -------------------------------------------------


@pytest.fixture(scope="module")
def bundled_sites(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed site indexed as one bundle (as built) and, in a copy, as bundles of at most 8 pages."""
    copy = tmp_path_factory.mktemp("bundled") / "site"
    shutil.copytree(built_site, copy)
    index_site(copy, pages_per_bundle=8)
    return built_site, copy


def test_one_bundle_for_a_small_site(built_site: Path) -> None:
    assert json.loads((built_site / BUNDLE / MANIFEST).read_text(encoding="utf-8")) == {"merge": []}
    assert not (built_site / BUNDLE / MORE).exists()


def test_bundles_together_index_each_page_once(bundled_sites: tuple[Path, Path]) -> None:
    whole, split = bundled_sites
    parts = bundles(split)
    assert len(parts) >= 3
    addresses = [url for bundle in parts for url in urls(bundle)]
    assert len(addresses) == len(set(addresses))  # no page in two bundles
    assert sorted(addresses) == sorted(urls(whole / BUNDLE))
    pages_counted = sum(
        language["page_count"]
        for bundle in parts
        for language in json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].values()
    )
    assert pages_counted == len(addresses)


def test_bundles_together_hold_every_filter_value(bundled_sites: tuple[Path, Path]) -> None:
    whole, split = bundled_sites
    merged: Counter[tuple[str, str]] = Counter()
    for bundle in bundles(split):
        merged += filter_counts(bundle)
    assert merged == filter_counts(whole / BUNDLE)
    assert {name for name, _ in merged} >= {"kind", "administration", "theme", "year", "publisher"}


def test_merged_bundles_hold_only_their_index(bundled_sites: tuple[Path, Path]) -> None:
    _, split = bundled_sites
    first, *others = bundles(split)
    assert (first / "pagefind.js").is_file() and list(first.glob("wasm.*.pagefind"))
    for bundle in others:
        names = {p.name for p in bundle.iterdir()}
        assert {"pagefind-entry.json", "index", "fragment"} <= names
        assert not [n for n in names if n.endswith(".js") or n.startswith("wasm.")], names
    assert not [p for p in split.iterdir() if p.name.startswith(".")]  # the folder of links is gone


def test_bundles_are_byte_reproducible(bundled_sites: tuple[Path, Path], tmp_path: Path) -> None:
    _, split = bundled_sites
    again = tmp_path / "site"
    shutil.copytree(split, again)
    index_site(again, pages_per_bundle=8)
    assert tree_digest(again / BUNDLE) == tree_digest(split / BUNDLE)


# --- pages that opt out ----------------------------------------------------------------


def _article_page(title: str, words: str, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title>{head}</head><body>'
        f'<article class="md-content__inner md-typeset"><h1>{title}</h1><p>{words}</p></article></body></html>'
    )


def test_a_page_that_opts_out_is_not_indexed(tmp_path: Path) -> None:
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "index.html").write_text(_article_page("Kept", "plutonium reprocessing"), encoding="utf-8")
    (tmp_path / "listing").mkdir()
    listing = _article_page("Listing", "plutonium reprocessing again", EXCLUDED.decode())
    (tmp_path / "listing" / "index.html").write_text(listing, encoding="utf-8")
    # The tag counts only in the head: an article quoting it in its text is indexed.
    (tmp_path / "quoting").mkdir()
    quoting = _article_page("Quoting", "plutonium " + EXCLUDED.decode().replace("<", "&lt;"))
    (tmp_path / "quoting" / "index.html").write_text(quoting, encoding="utf-8")
    bundle = index_site(tmp_path)
    assert pages(tmp_path, bundle) == ["kept/index.html", "quoting/index.html"]
    assert sorted(urls(bundle)) == ["/kept/", "/quoting/"]


def test_front_matter_search_exclude_keeps_a_page_out(project_factory: Callable[..., Path]) -> None:
    project = project_factory("search-exclude", sources=CASES / "collections" / "tiny")
    home = project / "docs" / "index.md"
    head, sep, body = home.read_text(encoding="utf-8").partition("\n---\n")
    home.write_text(head + "\nsearch:\n  exclude: true" + sep + body, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    site = project / "site"
    assert EXCLUDED in (site / "index.html").read_bytes()
    indexed = urls(site / BUNDLE)
    assert "/" not in indexed
    assert [u for u in indexed if u.startswith("/articles/") and u != "/articles/"]  # articles are still found
