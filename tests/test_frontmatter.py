"""Front matter written without PyYAML is the very text PyYAML writes, for the values pages give and for any text."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.pages import frontmatter
from kb.pages.markup import front_matter

# Texts of every kind: letters of many scripts, YAML's indicators, spaces, controls, line breaks
# YAML knows (U+0085, U+2028), the byte order mark, and words YAML reads as booleans or null.
_CHARACTERS = st.characters(codec="utf-8") | st.sampled_from(list("-?:,[]{}#&*!|>'\"%@`~= \t\n\x85\u2028\ufeff\xa0.0"))
_PIECES = st.one_of(_CHARACTERS, st.sampled_from([": ", " #", "''", "  "]))
_WORDS = st.sampled_from(["yes", "No", "TRUE", "off", "null", "Null", "y", "n", "~", "2014", "1995/06", "0x1f", "1:20", ".inf", "<<", "="])
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=40).map("".join),
    _WORDS,
    st.lists(st.one_of(_WORDS, st.text(_CHARACTERS, min_size=1, max_size=8)), max_size=6).map(" ".join),
    st.text(st.sampled_from("ab "), min_size=1990, max_size=2100),  # around the longest text written directly
)
_KEYS = st.one_of(st.sampled_from(["title", "description", "tags", "citation", "DC.title", "prism.publicationName", "kb_filters", "search"]),
                  _WORDS, st.text(_CHARACTERS, min_size=1, max_size=6), st.text(st.sampled_from("k_."), min_size=95, max_size=140))  # fmt: skip
_SCALARS = st.one_of(_TEXTS, st.booleans(), st.integers(), st.none())
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=4),
    st.dictionaries(_KEYS, st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)), max_size=4),
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_dump_writes_what_pyyaml_writes(data: dict[str, Any]) -> None:
    assert frontmatter.dump(data) == frontmatter.pyyaml(data)


@given(_TEXTS)
def test_a_text_reads_back_as_itself(text: str) -> None:
    assert yaml.safe_load(frontmatter.dump({"title": text})) == {"title": text}


def test_the_values_pages_give_are_written_without_pyyaml(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("PyYAML was asked")

    monkeypatch.setattr(frontmatter, "pyyaml", refuse)
    page = {
        "title": "Kishida and the Abductions: Note 12",
        "description": "Seo-yeon Ito, Sejong Institute, 21 September 2024.",
        "tags": ["Abductions of Japanese citizens", "Japan–US–South Korea cooperation"],
        "citation": {"citation_title": "North Korea’s “offer”", "citation_author": ["Ito, Seo-yeon"], "DC.title": "日朝首脳会談"},
        "kb_filters": {"kind": "article", "theme": [], "publisher": "unknown"},
        "search": {"exclude": True},
    }
    assert front_matter(page).startswith("---\ntitle: 'Kishida and the Abductions: Note 12'\n")


def test_texts_are_written_directly_or_left_to_pyyaml(monkeypatch: Any) -> None:
    direct = ["2014", "yes", "Note: the plan", "日本", "https://example.org/a:b", "1995/06"]
    left = ["#1 issue", "&amp; more", " padded", "two  spaces", "emoji 😀", "tab\there"]
    expected = {text: frontmatter.pyyaml({"title": text}) for text in direct + left}
    asked: list[str] = []
    real = frontmatter.pyyaml
    monkeypatch.setattr(frontmatter, "pyyaml", lambda data: (asked.append(next(iter(data.values()))), real(data))[1])
    assert {text: frontmatter.dump({"title": text}) for text in direct + left} == expected
    assert asked == left  # PyYAML was asked for these texts, and only for these
    asked.clear()
    assert frontmatter.dump({"k" * 101: "x"}) == real({"k" * 101: "x"}) and asked == ["x"]  # a key too long for the direct writer
