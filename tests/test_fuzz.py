"""Property-based tests: arbitrary input never crashes the parser, and source text never becomes markup."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.build import Project, check, publish
from kb.pages.markup import text
from kb.problems import InputError
from kb.sources import load_articles
from kb.taxonomy import load_taxonomy
from kb.text import is_hidden
from tests.helpers import ROOT

TAXONOMY = load_taxonomy(ROOT / "taxonomy.yml")
TODAY = dt.date(2026, 11, 22)
# Characters that mean something to Markdown, HTML, YAML or attr_list, mixed with prose.
SYNTAX = st.sampled_from([*"<>&\"'`*_[](){}#!|\\:-=+.~^$%@;/\n\t ", "javascript:", "on", "&#x61;", "-->", "---", "{:", "]("])
PROSE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
FRAGMENTS = st.lists(st.one_of(SYNTAX, PROSE), max_size=40).map("".join)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _load(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources"
        sources.mkdir()
        (sources / "2024-fuzz.md").write_bytes(content)
        try:
            load_articles(sources, TAXONOMY, TODAY)
        except InputError as err:
            assert err.problems
            assert all(p.path == "sources/2024-fuzz.md" and p.message for p in err.problems)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_articles_or_clear_errors(content: bytes) -> None:
    _load(content)


@FUZZ
@given(FRAGMENTS, FRAGMENTS)
def test_arbitrary_text_with_front_matter_markers(head: str, body: str) -> None:
    _load(f"---\n{head}\n---\n{body}".encode())


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), FRAGMENTS, st.dates()),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(FRAGMENTS, children, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(["title", "authors", "publisher", "date", "url", "series", "summary", "themes", "administrations", "tittle", "template"])


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=8), FRAGMENTS)
def test_arbitrary_front_matter_gives_articles_or_clear_errors(front: dict[str, object], body: str) -> None:
    _load(("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body).encode())


@FUZZ
@given(FRAGMENTS)
def test_source_text_renders_as_plain_text_only(value: str) -> None:
    rendered = markdown.markdown(text(value), extensions=["attr_list", "tables", "toc"])
    parsed = _Elements()
    parsed.feed(rendered)
    parsed.close()
    assert set(parsed.tags) <= {"p"}, rendered
    visible = "".join(c for c in value if c in "\t\n\r" or not is_hidden(c))
    assert " ".join("".join(parsed.text).split()) == " ".join(visible.split())


# --- the taxonomy and the entities --------------------------------------------------------
# Whatever taxonomy.yml and entities.yml hold, `check` either passes or raises InputError;
# and when it passes, generating the pages does not fail.

FUZZ_ARTICLES = {
    "2002-09-summit.md": '---\ntitle: "Summit"\nauthors: ["Ann Example"]\npublisher: "Example Review"\ndate: "2002-09"\n---\n\n'
    "Prime Minister Koizumi met Kim Jong Il in Pyongyang on 17 September 2002.\n\nAbe later said the abductions came first.\n",
    "2024-talks.md": '---\ntitle: "Talks"\nauthors: []\npublisher: null\ndate: "2024-03-25"\n---\n\n'
    "Kishida wants a summit with Kim Jong Un; talks in Stockholm in May 2014 and again in 2023.\n\n## The sanctions\n\nSanctions stay.\n",
}
EDGE_DATES = ["0001-01-01", "9999-12-31", "2001-04-26", "2006-09-26", "2012-12-26", "2020-09-16", "2024-W05-1", "20240131", "2024-02-30", "0000-01-01"]
BAD_DAYS = st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(dt.date.isoformat), st.none(), FRAGMENTS)
GOOD_WORDS = st.sampled_from(
    ["Abe", "Kishida", "Koizumi", "Shinzo Abe", "Kim Jong Un", "Kim Jong Il", "abduct*", "summit*", "Stockholm", "sanction*", "拉致", "기시다"]
)
BAD_WORDS = st.one_of(st.sampled_from(["Kim", "*", "The", "Japan", "A", "菅", ""]), FRAGMENTS)
# Two vocabularies: plausible values (so that checks pass and publishing is exercised
# with odd but valid taxonomies: very old terms, handovers, open last terms) and
# hostile ones mixed in (so that checks meet everything a contributor may write).
WORDS = {False: GOOD_WORDS, True: st.one_of(GOOD_WORDS, BAD_WORDS)}
GOOD_IDS = st.sampled_from(["koizumi", "abe", "fukuda", "kishida", "abductions", "sanctions", "summits", "nuclear"])
IDS = {False: GOOD_IDS, True: st.one_of(GOOD_IDS, st.sampled_from(["index", "Bad Id", "a" * 120, ""]), FRAGMENTS)}
TEXTS = {False: GOOD_WORDS, True: st.one_of(GOOD_WORDS, FRAGMENTS)}
MAYBE = {False: st.just(False), True: st.booleans()}


@st.composite
def _taxonomies(draw: st.DrawFn, hostile: bool) -> dict[str, object]:
    words, maybe = WORDS[hostile], MAYBE[hostile]
    ids = draw(st.lists(IDS[hostile], max_size=5, unique=not hostile))
    days = sorted(draw(st.lists(st.dates(max_value=TODAY), min_size=len(ids) + 1, max_size=len(ids) + 1, unique=True)))
    admins = []
    for index, admin_id in enumerate(ids):
        start, end = days[index].isoformat(), days[index + 1].isoformat()
        term = {"from": draw(BAD_DAYS) if draw(maybe) else start, "to": draw(BAD_DAYS) if draw(maybe) else None if index == len(ids) - 1 else end}
        admin: dict[str, object] = {"id": admin_id, "name": draw(words), "terms": [term], "aliases": draw(st.lists(words, max_size=3))}
        if draw(st.booleans()):
            admin["exclude"] = draw(st.lists(words, max_size=2))
        admins.append(admin)
    themes = []
    theme_ids = draw(st.lists(IDS[hostile].filter(lambda i: i not in ids), max_size=3, unique=not hostile))
    for theme_id in theme_ids:
        theme: dict[str, object] = {"id": theme_id, "name": draw(words), "description": draw(TEXTS[hostile]), "phrases": draw(st.lists(words, max_size=3))}
        if draw(st.booleans()):
            theme["related"] = draw(st.lists(st.sampled_from([i for i in theme_ids if i != theme_id] or ["x"]) if not hostile else IDS[hostile], max_size=2))
        themes.append(theme)
    return {"administrations": admins, "themes": themes}


def _entities(hostile: bool) -> st.SearchStrategy[dict[str, object]]:
    words = WORDS[hostile]
    entity = st.fixed_dictionaries(
        {"id": IDS[hostile], "name": words, "kind": st.sampled_from(["person", "organisation", "country"] if hostile else ["person", "organisation"]),
         "role": TEXTS[hostile]},
        optional={"aliases": st.lists(words, max_size=3), "exclude": st.lists(words, max_size=2), "ko": words,
                  **({"author": st.sampled_from(["true", "false", "yes"])} if hostile else {})},
    )  # fmt: skip
    return st.fixed_dictionaries({"entities": st.lists(entity, max_size=4, unique_by=None if hostile else lambda e: e["id"])},
                                 optional={"ambiguous": st.lists(words if hostile else st.just("Kim"), max_size=2)})  # fmt: skip


PROJECT = Path(tempfile.mkdtemp(prefix="kb-fuzz-project-"))
atexit.register(shutil.rmtree, PROJECT, ignore_errors=True)


def _fuzz_project() -> Path:
    sources = PROJECT / "sources"
    if not sources.exists():
        sources.mkdir()
        for name, content in FUZZ_ARTICLES.items():
            (sources / name).write_text(content, encoding="utf-8")
    return PROJECT


def _check_then_publish(taxonomy: str, entities: str) -> None:
    project = _fuzz_project()
    (project / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    (project / "entities.yml").write_text(entities, encoding="utf-8")
    try:
        inputs = check(Project(project), TODAY, cached=False)
    except InputError as err:
        assert err.problems
        assert all(p.path in ("taxonomy.yml", "entities.yml") or p.path.startswith("sources/") for p in err.problems)
        assert all(p.message and "\n" not in p.format() for p in err.problems)
        return
    publish(Project(project), inputs, cached=False)
    ET.parse(project / "docs" / "explore" / "feed.xml")


TAXONOMY_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@TAXONOMY_FUZZ
@given(_taxonomies(hostile=False), _entities(hostile=False))
def test_odd_but_plausible_taxonomies_give_a_site_or_clear_errors(taxonomy: dict[str, object], entities: dict[str, object]) -> None:
    _check_then_publish(yaml.safe_dump(taxonomy, allow_unicode=True), yaml.safe_dump(entities, allow_unicode=True))


@TAXONOMY_FUZZ
@given(_taxonomies(hostile=True), _entities(hostile=True))
def test_hostile_taxonomies_and_entities_give_a_site_or_clear_errors(taxonomy: dict[str, object], entities: dict[str, object]) -> None:
    _check_then_publish(yaml.safe_dump(taxonomy, allow_unicode=True), yaml.safe_dump(entities, allow_unicode=True))


@TAXONOMY_FUZZ
@given(FRAGMENTS, FRAGMENTS)
def test_any_taxonomy_text_gives_clear_errors(taxonomy: str, entities: str) -> None:
    _check_then_publish(f"administrations:\n{taxonomy}\nthemes:\n  - id: x\n{taxonomy}", f"entities:\n{entities}")


# --- sources that pass check are published, and their feed is XML --------------------

URL_TAILS = st.lists(st.sampled_from([*"aZ09-._~%!$&'()*+,;=:@/?#[]", "![x](https://evil.example/i.png)", "](javascript:alert(1))"]), max_size=12)
# Values that pass check yet mean something to Markdown, HTML, YAML or XML, mixed with arbitrary text.
SHOWN = st.one_of(
    st.sampled_from(["C# notes #", "A & B <b>bold</b>", "[x](javascript:alert(1))", "![i](https://evil.example/x.png)", "{{ config }}", "]]>", "Kim Jong Un"]),
    FRAGMENTS,
)
PUBLISHED = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PUBLISHED
@given(SHOWN, st.lists(SHOWN, max_size=3), SHOWN, st.one_of(st.none(), URL_TAILS.map(lambda t: "https://example.org/" + "".join(t))), SHOWN)
def test_sources_that_pass_check_are_published_with_a_well_formed_feed(
    title: str, authors: list[str], publisher: str, url: str | None, body: str
) -> None:
    front = {"title": title, "authors": authors, "publisher": publisher or None, "date": "2024-03", "url": url}
    source = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\nKishida spoke of the abductions.\n\n" + body + "\n"
    project = Path(tempfile.mkdtemp(prefix="kb-fuzz-publish-"))
    (project / "sources").mkdir()
    (project / "sources" / "2024-fuzz.md").write_text(source, encoding="utf-8")
    shutil.copy(ROOT / "taxonomy.yml", project / "taxonomy.yml")
    try:
        inputs = check(Project(project), TODAY, cached=False)
    except InputError as err:
        shutil.rmtree(project)
        assert all(p.path == "sources/2024-fuzz.md" and p.message for p in err.problems)
        return
    try:
        publish(Project(project), inputs, cached=False)
        feed = ET.parse(project / "docs" / "explore" / "feed.xml").getroot()
        assert {e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")} >= {inputs.articles[0].title}
    finally:
        shutil.rmtree(project)
