"""Open data: explore/collection.json against its JSON Schema, and the Atom feed read back."""

from __future__ import annotations

import copy
import json
import posixpath
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from kb.mentions import find_mentions
from kb.pages import render_pages
from kb.sources import Article
from kb.tagging import tag_articles
from kb.timeline import extract_events
from tests.helpers import ROOT, seed_inputs

SCHEMA = json.loads((ROOT / "schemas" / "collection.schema.json").read_text(encoding="utf-8"))
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def seed() -> tuple[tuple[Article, ...], dict[str, str]]:
    """The seed articles and the generated files by path."""
    taxonomy, articles, entities = seed_inputs()
    collection = tag_articles(articles, taxonomy)
    mentions = find_mentions(collection, entities)
    return articles, {p.path: p.content for p in render_pages(collection, mentions, extract_events(collection))}


@pytest.fixture(scope="module")
def data(seed: tuple[tuple[Article, ...], dict[str, str]]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(seed[1]["explore/collection.json"])
    return loaded


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


# --- collection.json ---------------------------------------------------------------------


def test_collection_json_is_valid(data: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]
    assert errors == []


BREAKAGES = {
    "article-without-title": lambda d: d["articles"][0].pop("title"),
    "date-with-time": lambda d: d["articles"][0].__setitem__("date", "2014-06-01T00:00"),
    "unknown-precision": lambda d: d["articles"][0].__setitem__("date_precision", "season"),
    "paragraph-without-tags": lambda d: d["articles"][0]["paragraphs"][0].pop("themes"),
    "bad-anchor": lambda d: d["mentions"][0].__setitem__("anchor", "p-xyz"),
    "entity-kind": lambda d: d["entities"][0].__setitem__("kind", "country"),
    "extra-top-level-key": lambda d: d.__setitem__("generated_at", "today"),
    "author-as-text": lambda d: d["articles"][0].__setitem__("authors", ["Sebastian Maslow"]),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_schema_refuses_broken_data(data: dict[str, Any], case: str) -> None:
    broken = copy.deepcopy(data)
    BREAKAGES[case](broken)
    assert list(validator().iter_errors(broken))


def test_paragraphs_are_the_sources_verbatim(seed: tuple[tuple[Article, ...], dict[str, str]], data: dict[str, Any]) -> None:
    articles, _ = seed
    exported = {a["id"]: a for a in data["articles"]}
    assert list(exported) == [a.id for a in articles]
    for article in articles:
        blocks = [(b["anchor"], b["kind"], b["number"], b["text"]) for b in exported[article.id]["paragraphs"]]
        assert blocks == [(b.anchor, b.kind, b.number, b.text) for b in article.blocks]


def test_mentions_point_at_paragraphs_that_list_them(data: dict[str, Any]) -> None:
    paragraphs = {p["id"]: p for a in data["articles"] for p in a["paragraphs"]}
    entity_ids = {e["id"] for e in data["entities"]}
    assert data["mentions"]
    for mention in data["mentions"]:
        paragraph = paragraphs[f"{mention['article']}#{mention['anchor']}"]
        assert mention["entity"] in paragraph["entities"]
        assert mention["entity"] in entity_ids
        assert all(word in paragraph["text"] for word in mention["words"])


def test_authors_with_two_spellings_share_one_entity(data: dict[str, Any]) -> None:
    authors = {a["id"]: a["authors"] for a in data["articles"]}
    assert authors["2024-03-lee-japan-north-korea-dialogue"] == [{"name": "Lee Ki-Tae", "entity": "lee-kitae"}]
    assert authors["2024-11-lee-ishiba-north-korea-policy"] == [{"name": "Lee Kitae", "entity": "lee-kitae"}]
    assert authors["2024-north-korea-statements-to-kishida"] == []


def test_events_are_exported_with_their_paragraph(data: dict[str, Any]) -> None:
    stockholm = next(e for e in data["events"] if e["words"].startswith("between May 26-28") or "May 26-28" in e["words"])
    assert (stockholm["date"], stockholm["end"], stockholm["administration"]) == ("2014-05-26", "2014-05-28", "abe")
    article, anchor = stockholm["passage"].split("#")
    paragraph = next(p for a in data["articles"] if a["id"] == article for p in a["paragraphs"] if p["anchor"] == anchor)
    assert stockholm["sentence"] in paragraph["text"]


# --- feed.xml ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feed(seed: tuple[tuple[Article, ...], dict[str, str]]) -> ET.Element:
    return ET.fromstring(seed[1]["explore/feed.xml"].encode("utf-8"))


def test_feed_lists_articles_newest_first(seed: tuple[tuple[Article, ...], dict[str, str]], feed: ET.Element) -> None:
    articles, _ = seed
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [a.title for a in reversed(articles)]
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)


def test_feed_holds_the_newest_articles_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.pages import export

    taxonomy, articles, entities = seed_inputs()
    collection = tag_articles(articles, taxonomy)
    monkeypatch.setattr(export, "FEED_ENTRIES", 2)
    pages = {p.path: p.content for p in render_pages(collection, find_mentions(collection, entities), extract_events(collection))}
    entries = ET.fromstring(pages["explore/feed.xml"].encode()).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [t.article.title for t in reversed(collection.articles[-2:])]
    # collection.json still has every article.
    assert len(json.loads(pages["explore/collection.json"])["articles"]) == len(articles)


def test_feed_updated_is_the_newest_article_date(seed: tuple[tuple[Article, ...], dict[str, str]], feed: ET.Element) -> None:
    articles, _ = seed
    newest = max(articles, key=lambda a: a.date.key)
    assert feed.findtext(f"{ATOM}updated") == f"{newest.date.first_day.isoformat()}T00:00:00Z"


def test_feed_entries_have_unique_ids_and_required_elements(feed: ET.Element) -> None:
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated")
        # Atom requires an author per entry unless the feed has one.
        assert entry.find(f"{ATOM}author") is not None or feed.find(f"{ATOM}author") is not None


@pytest.mark.slow
def test_feed_links_resolve_to_built_pages(built_site: Path) -> None:
    root = ET.fromstring((built_site / "explore" / "feed.xml").read_bytes())
    links = [link.get("href", "") for entry in root.findall(f"{ATOM}entry") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert len(links) == len(root.findall(f"{ATOM}entry"))
    for href in links:
        target = posixpath.normpath(posixpath.join("explore", href))
        assert (built_site / target / "index.html").is_file(), href


@pytest.mark.slow
def test_built_collection_json_is_valid(built_site: Path) -> None:
    data = json.loads((built_site / "explore" / "collection.json").read_text(encoding="utf-8"))
    assert list(validator().iter_errors(data)) == []
