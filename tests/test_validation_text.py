"""kb/text.py, the owner of "control character": what is hidden, how it is named, removed and shown."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.text import BIDI_CONTROLS, SPACES, clean_body, first_hidden, hidden_problem, is_hidden, name, strip_hidden, visible

CHARS = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)
MIXED = st.text(alphabet=st.one_of(CHARS, st.sampled_from([*SPACES, "\t", "\n", "\u200b", "\u202e", "\ufffe", "a", "日"])), max_size=40)


def test_the_space_list_is_the_running_pythons() -> None:
    assert "".join(chr(c) for c in range(0x110000) if c != 0x20 and unicodedata.category(chr(c)) == "Zs") == SPACES


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u2060", "U+2060 WORD JOINER"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\x00", "U+0000 NULL"),
        ("\x1b", "U+001B ESCAPE"),
        ("\x7f", "U+007F DELETE"),
        ("\ufffe", "U+FFFE NONCHARACTER"),
        ("\U0010ffff", "U+10FFFF NONCHARACTER"),
        ("\ue000", "U+E000 PRIVATE USE CHARACTER"),
    ],
)
def test_hidden_characters_are_named(char: str, expected: str) -> None:
    assert is_hidden(char)
    assert name(char) == expected
    assert expected in (hidden_problem(f"ab{char}c") or "")


@pytest.mark.parametrize("char", ["a", " ", "\u00a0", "\u3000", "日", "한", "’", "—"])
def test_visible_text_is_not_hidden(char: str) -> None:
    assert not is_hidden(char)
    assert hidden_problem(f"x{char}y") is None


@settings(max_examples=500, deadline=None)
@given(MIXED)
def test_first_hidden_finds_exactly_the_hidden_characters(value: str) -> None:
    expected = next(((i, c) for i, c in enumerate(value) if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}), None)
    assert first_hidden(value) == expected
    assert first_hidden(visible(value)) is None
    assert first_hidden(strip_hidden(value), allow_line_breaks=True) is None


@settings(max_examples=500, deadline=None)
@given(MIXED)
def test_a_body_line_loses_invisible_format_characters_and_keeps_the_rest(value: str) -> None:
    cleaned, problem = clean_body(value)
    assert not any(unicodedata.category(c) == "Cf" and c not in BIDI_CONTROLS for c in cleaned)
    assert [c for c in cleaned] == [c for c in value if unicodedata.category(c) != "Cf" or c in BIDI_CONTROLS]
    refused = first_hidden(cleaned, allow_line_breaks=True)
    assert (problem is None) == (refused is None)


def test_bidi_controls_are_refused_in_bodies_and_zero_width_characters_removed() -> None:
    assert clean_body("Ab\u200be met Ki\u2060shida\u00ad.") == ("Abe met Kishida.", None)
    _cleaned, problem = clean_body("file \u202eexe.gnp")
    assert problem is not None and "U+202E RIGHT-TO-LEFT OVERRIDE" in problem and "reorders" in problem


def test_visible_shows_escapes() -> None:
    assert visible("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\\nd"
    assert visible("a\nb", keep="\n") == "a\nb"
