"""Entities: the file's rules, what the text names, author pages, and finding names through search."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.build import Project, check
from kb.entities import load_entities
from kb.mentions import Mentions, find_mentions
from kb.pages import render_pages
from kb.pages.plan import KEY_PASSAGES
from kb.problems import InputError
from kb.sources import load_articles
from kb.tagging import tag_articles
from kb.taxonomy import load_taxonomy
from kb.timeline import extract_events
from tests.helpers import ROOT, SEED_ENTITIES, TODAY, seed_inputs

SEED_AUTHORS = {
    "2014-06-maslow-pragmatism-returns": ("sebastian-maslow",),
    "2023-07-kishida-north-korea-summit-challenging": (),
    "2024-03-lee-japan-north-korea-dialogue": ("lee-kitae",),
    "2024-11-lee-ishiba-north-korea-policy": ("lee-kitae",),
    "2024-north-korea-statements-to-kishida": (),
}


@pytest.fixture(scope="module")
def seed() -> tuple[Mentions, dict[str, str]]:
    """The seed collection's mentions and its generated pages by path."""
    taxonomy, articles, entities = seed_inputs()
    collection = tag_articles(articles, taxonomy)
    mentions = find_mentions(collection, entities)
    return mentions, {p.path: p.content for p in render_pages(collection, mentions, extract_events(collection))}


def mentions_in(tmp_path: Path, paragraph: str) -> set[str]:
    """The entity ids the frozen seed entities find in a one-paragraph article."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "2024-case.md").write_text(f'---\ntitle: "Case"\nauthors: []\npublisher: null\ndate: "2024"\n---\n\n{paragraph}\n', encoding="utf-8")
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    collection = tag_articles(load_articles(sources, taxonomy, TODAY), taxonomy)
    return {m.entity for m in find_mentions(collection, load_entities(SEED_ENTITIES)).mentions}


# --- the entities file -------------------------------------------------------------

GOOD_ENTITY = "  - id: {id}\n    name: {name}\n    kind: person\n    role: Someone.\n"

INVALID = {
    "bare-kim-alias": (
        "ambiguous: [Kim]\nentities:\n  - id: kim-jong-un\n    name: Kim Jong Un\n    kind: person\n    role: Leader.\n    aliases: [Kim]\n",
        "entities.kim-jong-un.aliases",
        "names several people",
    ),
    "duplicate-id": ("entities:\n" + GOOD_ENTITY.format(id="a-b", name="A B") + GOOD_ENTITY.format(id="a-b", name="C D"), "entities", "used twice"),
    "alias-of-two-entities": (
        "entities:\n" + GOOD_ENTITY.format(id="a-b", name="A B") + GOOD_ENTITY.format(id="c-d", name="C D") + "    aliases: [A B]\n",
        "entities.c-d.aliases",
        "already names 'a-b'",
    ),
    "unknown-kind": ("entities:\n  - id: x\n    name: X\n    kind: country\n    role: A country.\n", "entities.x.kind", "must be one of"),
    "organisation-as-author": (
        "entities:\n  - id: x\n    name: X\n    kind: organisation\n    author: true\n    role: R.\n",
        "entities.x.author",
        "only a person",
    ),
    "author-yes": ("entities:\n" + GOOD_ENTITY.format(id="x", name="X") + "    author: yes\n", "entities.x.author", "true or false"),
    "unknown-field": ("entities:\n" + GOOD_ENTITY.format(id="x", name="X") + "    born: 1984\n", "entities.x.born", "unknown field"),
    "missing-role": ("entities:\n  - id: x\n    name: X\n    kind: person\n", "entities.x.role", "non-empty text"),
    "not-a-list": ("entities: Kim Jong Un\n", "entities", "must be a list"),
    "yaml-alias": ("entities:\n  - &a {id: x, name: X, kind: person, role: R.}\n  - *a\n", "yaml", "aliases"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_entities_file_is_refused(tmp_path: Path, case: str) -> None:
    content, field, message = INVALID[case]
    path = tmp_path / "entities.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_entities(path)
    assert any(p.field == field and message in p.message for p in err.value.problems), err.value.problems


def test_missing_entities_file_means_no_entities(tmp_path: Path) -> None:
    assert load_entities(tmp_path / "entities.yml").entities == ()


def test_check_reports_a_broken_entities_file(project_factory: Callable[..., Path]) -> None:
    project = project_factory("bad-entities")
    (project / "entities.yml").write_text("entities:\n  - id: Bad Id\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        check(Project(project), TODAY)
    assert {p.path for p in err.value.problems} == {"entities.yml"}


@pytest.mark.parametrize("path", [SEED_ENTITIES, ROOT / "entities.yml"], ids=["frozen-seed", "live"])
def test_entities_file_is_valid_and_never_uses_an_ambiguous_word(path: Path) -> None:
    entities = load_entities(path)
    names = [name for e in entities.entities for name in e.names]
    assert not set(names) & set(entities.ambiguous)
    assert len(names) == len(set(names))


# --- what the text names -------------------------------------------------------------

MENTION_CASES = {
    "full-name": ("Kim Jong Un has intensified the programme.", {"kim-jong-un"}),
    "possessive-curly": ("Kim Jong Un’s letter of condolence arrived.", {"kim-jong-un"}),
    "father-not-son": ("It was his father, Kim Jong Il, who apologised.", {"kim-jong-il"}),
    "bare-kim-is-nobody": ("Whether this Kim is foreclosing on a summit is unclear; Kim’s regime shifts.", set()),
    "parents-are-not-megumi": ("Abe's team incorporated the Yokotas into the approach.", set()),
    "first-name-megumi": ("All eight victims, including Megumi, are alive.", {"megumi-yokota"}),
    "lowercase-trump-is-a-verb": ("Security concerns trump economic ones.", set()),
    "abbreviation": ("A series of short-lived LDP governments followed.", {"liberal-democratic-party"}),
    "abbreviation-inside-word": ("The LDPJ is no party.", set()),
    "curly-apostrophe-spelling": ("The Central Committee of the Workers’ Party of Korea met.", {"workers-party-of-korea"}),
    "alias-chongryon": ("Chongryon's headquarters faces a forced sale.", {"chongryon"}),
    "japanese-name": ("朝鮮総連の本部", {"chongryon"}),
    "korean-name-without-spaces": ("김여정 부부장의 담화", {"kim-yo-jong"}),
    "hyphenated-romanisation": ("President Kim Dae-jung's Sunshine Policy", {"kim-dae-jung"}),
    "two-people": ("Stephen Nagy and Jeff Kingston disagree.", {"stephen-nagy", "jeff-kingston"}),
}


@pytest.mark.parametrize("case", sorted(MENTION_CASES))
def test_mentions(tmp_path: Path, case: str) -> None:
    paragraph, expected = MENTION_CASES[case]
    assert mentions_in(tmp_path, paragraph) == expected


def test_seed_authors_resolve_to_entities(seed: tuple[Mentions, dict[str, str]]) -> None:
    mentions, _ = seed
    assert dict(mentions.authors) == SEED_AUTHORS


@pytest.mark.parametrize(("publisher_of", "entity"), [
    ("2014-06-maslow-pragmatism-returns", "the-diplomat"),
    ("2024-03-lee-japan-north-korea-dialogue", "korea-institute-for-national-unification"),
    ("2024-11-lee-ishiba-north-korea-policy", "sejong-institute"),
])  # fmt: skip
def test_seed_publishers_resolve_to_entities(seed: tuple[Mentions, dict[str, str]], publisher_of: str, entity: str) -> None:
    mentions, _ = seed
    assert mentions.publishers[publisher_of] == entity


# --- pages -----------------------------------------------------------------------------


def test_one_author_page_lists_both_spellings_articles(seed: tuple[Mentions, dict[str, str]]) -> None:
    _, pages = seed
    page = pages["people/lee-kitae.md"]
    section = page.split("## Articles by this author", 1)[1].split("\n## ", 1)[0]
    linked = re.findall(r"\]\(\.\./articles/([a-z0-9-]+)\.md\)", section)
    assert linked == ["2024-03-lee-japan-north-korea-dialogue", "2024-11-lee-ishiba-north-korea-policy"]
    assert "Lee Ki-Tae" in page.split("## ", 1)[0]  # the other spelling is shown, for search


@pytest.mark.parametrize(("article", "author"), [
    ("2024-03-lee-japan-north-korea-dialogue", "[Lee Ki-Tae](../people/lee-kitae.md)"),
    ("2024-11-lee-ishiba-north-korea-policy", "[Lee Kitae](../people/lee-kitae.md)"),
    ("2014-06-maslow-pragmatism-returns", "[Sebastian Maslow](../people/sebastian-maslow.md)"),
])  # fmt: skip
def test_article_page_links_its_author(seed: tuple[Mentions, dict[str, str]], article: str, author: str) -> None:
    _, pages = seed
    line = next(line for line in pages[f"articles/{article}.md"].splitlines() if line.startswith("- **Authors:**"))
    assert author in line


def test_every_quote_on_an_entity_page_carries_a_short_citation(seed: tuple[Mentions, dict[str, str]]) -> None:
    mentions, pages = seed
    for entity in mentions.entities.entities:
        lines = pages[f"people/{entity.id}.md"].splitlines()
        quotes = [i for i, line in enumerate(lines) if line.startswith("> ") and not line.startswith("> —")]
        for index in quotes:
            assert re.fullmatch(r"> — \[.+, (?:\d{1,2} )?(?:[A-Z][a-z]+ )?\d{4}, ¶ \d+\]\(\.\./articles/[a-z0-9-]+\.md#p-[0-9a-f]{7}\)", lines[index + 2]), (
                entity.id,
                lines[index + 2],
            )
        assert len(quotes) == min(len(mentions.of(entity.id)), KEY_PASSAGES)


def test_entity_page_shows_what_it_appears_with(seed: tuple[Mentions, dict[str, str]]) -> None:
    _, pages = seed
    page = pages["people/kim-yo-jong.md"]
    assert "[Kishida administration](../administrations/kishida.md)" in page
    assert "[Abductions of Japanese citizens](../themes/abductions.md)" in page
    assert "[Kim Jong Un](kim-jong-un.md)" in page


@pytest.mark.parametrize(("section", "member"), [
    ("People", "kim-jong-un"),
    ("Organisations", "chongryon"),
    ("Authors", "lee-kitae"),
])  # fmt: skip
def test_index_lists_entities_by_section(seed: tuple[Mentions, dict[str, str]], section: str, member: str) -> None:
    _, pages = seed
    sections = {part.split(" {", 1)[0]: part for part in pages["people/index.md"].split("\n## ")[1:]}
    assert f"]({member}.md)" in sections[section]
    assert all(f"]({member}.md)" not in text for name, text in sections.items() if name != section)


# Finding these names (other spellings, Japanese and Korean) through the real search:
# tests/browser/test_search.py.
