"""Property-based tests: arbitrary input never crashes the parser, and source text never becomes markup."""

from __future__ import annotations

import datetime as dt
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.pages.markup import text
from kb.problems import InputError
from kb.sources import load_articles
from kb.taxonomy import load_taxonomy
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
    visible = "".join(c for c in value if c in "\t\n\r" or not (ord(c) < 32 or ord(c) == 127))
    assert " ".join("".join(parsed.text).split()) == " ".join(visible.split())
