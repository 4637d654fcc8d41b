"""Tagging: small cases per administration and theme, and what each seed page must (not) list."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.tagging import Collection, tag_articles, tag_text
from kb.taxonomy import Taxonomy, load_taxonomy
from tests.helpers import CASES, ROOT, TODAY, load_yaml, seed_inputs

CASE_FILES = sorted((CASES / "tagging").glob("*.yml"))
LISTINGS = load_yaml(CASES / "seed_listings.yml")
assert isinstance(LISTINGS, dict)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "taxonomy.yml")


@pytest.fixture(scope="module")
def collection() -> Collection:
    taxonomy, articles, _ = seed_inputs()
    return tag_articles(articles, taxonomy)


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_tagging_case(case: Path, taxonomy: Taxonomy) -> None:
    data = load_yaml(case)
    assert isinstance(data, dict)
    admins, themes = tag_text(data["text"], taxonomy)
    assert sorted(admins) == sorted(data.get("administrations") or [])
    assert sorted(themes) == sorted(data.get("themes") or [])


def _listing_cases() -> list[tuple[str, str, str, bool]]:
    cases = []
    for kind in ("administrations", "themes"):
        for tag, lists in LISTINGS[kind].items():
            cases += [(kind, tag, article, True) for article in lists.get("must") or []]
            cases += [(kind, tag, article, False) for article in lists.get("must_not") or []]
    return cases


@pytest.mark.parametrize(
    ("kind", "tag", "article", "listed"),
    _listing_cases(),
    ids=[f"{t}-{'lists' if listed else 'omits'}-{a}" for _, t, a, listed in _listing_cases()],
)
def test_seed_listing(kind: str, tag: str, article: str, listed: bool, collection: Collection) -> None:
    listed_ids = {a.article.id for a in collection.about(tag)}
    assert (article in listed_ids) is listed


def test_every_taxonomy_entry_has_a_listing(taxonomy: Taxonomy) -> None:
    assert set(LISTINGS["administrations"]) == {a.id for a in taxonomy.administrations}
    assert set(LISTINGS["themes"]) == {t.id for t in taxonomy.themes}


def test_front_matter_tags_list_an_article_without_passages(taxonomy: Taxonomy) -> None:
    from kb.sources import load_articles

    fixture = CASES / "collections" / "front-matter-tag"
    articles = load_articles(fixture, taxonomy, TODAY)
    tagged = tag_articles(articles, taxonomy).articles[0]
    assert "liaison-offices" in tagged.themes
    assert tagged.from_front_matter_only("liaison-offices")
    assert not tagged.passages_about("liaison-offices")
