"""The date pattern's fast start check: it finds exactly what the plain alternation finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kb import dating
from kb.dates import MONTHS

_PLAIN = re.compile("|".join(dating._DATES))  # the alternation without the start check

# Pieces that make (and nearly make) dates of every form, and the text around them.
_PIECES = (
    list(MONTHS) + [m[:3] + "." for m in MONTHS] + [m.lower() for m in MONTHS] + list(dating._WEEKDAYS)
    + ["early", "mid", "late", "Early", "the", "The", "last", "Last", "next", "Next", "this", "This", "of", "year", "month", "week"]
    + ["1990s", "’90s", "'80s", "2014", "1998", "20", "19", "15", "3", "03", "31st", "2nd", "%", "–", "-", "‑", ",", ".", ";", "(", ")"]
    + ["Kyodo", "Tokyo", "talks", "May", "march", "Sept.", "x", "é", "日本", "2014年"]
)  # fmt: skip
_texts = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", " ", "  ", "\n", "-", " of "])), max_size=40
).map(lambda parts: "".join(piece + gap for piece, gap in parts))


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


@settings(max_examples=600, deadline=None)
@given(_texts)
def test_the_start_check_changes_no_match(text: str) -> None:
    assert _found(dating._DATE, text) == _found(_PLAIN, text)


@given(st.text(max_size=300))
def test_the_start_check_changes_no_match_in_any_text(text: str) -> None:
    assert _found(dating._DATE, text) == _found(_PLAIN, text)


def test_each_alternative_starts_with_a_character_of_the_start_check() -> None:
    # Each alternative, on its own, matches a text only from a position the start check lets through.
    start = re.compile(dating._DATE_START)
    examples = ["in the 1990s", "early 2014", "’90s", "last year", "This March", "on Monday", "15 May 2014",
                "Oct. 3, 2014", "mid-June", "late 2019–20", "January of 2002", "March next year"]  # fmt: skip
    for alternative in dating._DATES:
        pattern = re.compile(alternative)
        hits = [m for text in examples for m in pattern.finditer(text)]
        assert hits, alternative  # each alternative is exercised
        assert all(start.match(m.string, m.start()) for m in hits), alternative
