"""The date pattern's fast start check: it finds exactly what the plain alternation finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kb import dating
from kb.dates import MONTHS, PartialDate

_PLAIN = re.compile("|".join(dating._DATES))  # the alternation without the start check

# Pieces that make (and nearly make) dates of every form, and the text around them.
_PIECES = (
    list(MONTHS) + [m[:3] + "." for m in MONTHS] + [m.lower() for m in MONTHS] + list(dating._WEEKDAYS)
    + ["early", "mid", "late", "Early", "the", "The", "last", "Last", "next", "Next", "this", "This", "of", "year", "month", "week"]
    + ["1990s", "’90s", "'80s", "2014", "1998", "20", "19", "15", "3", "03", "31st", "2nd", "%", "–", "-", "‑", ",", ".", ";", "(", ")"]
    + ["Kyodo", "Tokyo", "talks", "May", "march", "Sept.", "x", "é", "日本", "2014年"]
    + ["３", "１５", "١٥", "٣", "𝟑", "२०१४"]  # digits of other scripts, which \d reads too
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


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_each_alternative_starts_with_a_character_of_the_start_check(data: st.DataObject) -> None:
    # Texts each alternative matches whole, made from its own pattern: their first character
    # is where a match starts.
    alternative = data.draw(st.sampled_from(dating._DATES))
    text = data.draw(st.from_regex(re.compile(alternative), fullmatch=True))
    if re.fullmatch(alternative, text):  # (the generator does not honour every lookaround)
        assert re.match(dating._DATE_START, text), (alternative, text)


def test_a_day_in_digits_of_another_script_is_read_to_the_day() -> None:
    for text in ("on ３ May 2014", "on ٣ May 2014", "on 𝟑 May 2014"):
        assert _found(dating._DATE, text) == _found(_PLAIN, text)
        (mention,) = dating.find_dates(text, PartialDate(2014, 6, 1))
        assert (mention.date.year, mention.date.month, mention.date.day) == (2014, 5, 3), text
