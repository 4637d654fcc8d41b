"""The word index's chunk bounds raised to close Pagefind's gaps: every query word still finds the chunks its extensions are in."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kb.search import SearchIndexError, just_below, tile

# Words over a small alphabet share prefixes often, the case where chunk bounds matter.
_words = st.lists(st.text(alphabet="abc", min_size=1, max_size=5), min_size=2, max_size=40, unique=True).map(sorted)
_WHERE = Path("pagefind.en_x.pf_meta")
_Chunked = tuple[list[list[str]], list[list[str]]]  # each chunk's words, and its [from, to, file] bounds


def _bounds(chunks: list[list[str]], pick: Callable[[list[str]], str]) -> list[list[str]]:
    """Bounds of the kind Pagefind 1.5 writes: prefixes of a chunk's first and last words that tell them from its neighbours'.

    Pagefind takes the shortest such prefixes; `pick` may take longer ones too, so that the
    bounds are not only those of one version's rule.
    """
    bounds = []
    for number, words in enumerate(chunks):
        first, last = words[0], words[-1]
        previous = chunks[number - 1][-1] if number else ""
        lows = [first[:n] for n in range(1, len(first) + 1) if first[:n] > previous]
        following = chunks[number + 1][0] if number + 1 < len(chunks) else None
        highs = [last[:n] for n in range(1, len(last) + 1) if following is None or not following.startswith(last[:n])] or [last]
        bounds.append([pick(lows), pick(highs), f"en_{number}"])
    return bounds


def _strict(bounds: list[list[str]], query: str) -> int | None:
    """The chunk a query word falls inside, as Pagefind's browser code first looks it up (the first whose bounds hold it)."""
    return next((number for number, (low, high, _) in enumerate(bounds) if low <= query <= high), None)


@st.composite
def _chunked(draw: st.DrawFn, shortest: bool = False) -> _Chunked:
    """Random words cut into chunks, with bounds as Pagefind 1.5 writes them (`shortest`) or of any such prefixes."""
    words = draw(_words)
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(words) - 1), max_size=len(words) - 1)))
    chunks = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    bounds = _bounds(chunks, (lambda options: options[0]) if shortest else (lambda options: draw(st.sampled_from(options))))
    assume(all(low <= high for low, high, _ in bounds))
    assume(all(low <= high < next_low for (low, high, _), (next_low, _, _) in itertools.pairwise(bounds)))
    return chunks, bounds


@settings(max_examples=2000)  # the rare layouts where a longer lower bound matters
@given(_chunked(), st.data())
def test_a_word_inside_a_chunk_stays_there_and_one_in_a_gap_finds_all_its_extensions(chunked: _Chunked, data: st.DataObject) -> None:
    chunks, bounds = chunked
    # What readers type: words of the index, their beginnings (as they type), other words.
    beginnings = sorted({word[:n] for words in chunks for word in words for n in range(1, len(word) + 1)})
    query = data.draw(st.sampled_from(beginnings) | st.text(alphabet="abcd", min_size=1, max_size=6))
    raised = tile(bounds, _WHERE)
    before, after = _strict(bounds, query), _strict(raised, query)  # type: ignore[arg-type]
    if before is not None:
        assert after == before
    elif after is not None:
        # Before, the word was in a gap and fetched every chunk that might hold its extensions;
        # now it fetches one, and that one holds them all.
        holding = {number for number, words in enumerate(chunks) for word in words if word.startswith(query)}
        assert holding <= {after}


@given(_chunked())
def test_raised_bounds_keep_their_chunks_words_and_order(chunked: _Chunked) -> None:
    chunks, bounds = chunked
    raised = tile(bounds, _WHERE)
    assert [chunk[0] for chunk in raised] == [chunk[0] for chunk in bounds]
    assert [chunk[2] for chunk in raised] == [chunk[2] for chunk in bounds]
    for number, words in enumerate(chunks):
        # Every word of a chunk now falls inside its bounds ("agreement" was above "ag").
        assert all(_strict(raised, word) == number for word in words)  # type: ignore[arg-type]
        assert raised[number][1] >= bounds[number][1]
    assert tile(raised, _WHERE) == raised  # raising twice changes nothing


@given(_chunked(shortest=True), st.text(alphabet="abcd", min_size=1, max_size=6))
def test_no_gap_is_left_between_chunks(chunked: _Chunked, query: str) -> None:
    _, bounds = chunked
    raised = tile(bounds, _WHERE)
    if query >= bounds[0][0]:
        assert _strict(raised, query) is not None  # type: ignore[arg-type]


@given(st.text(min_size=1, max_size=8).filter(lambda text: "\U0010ffff" not in text), st.text(max_size=8))
def test_just_below_is_under_the_bound_and_over_every_word_below_it(bound: str, word: str) -> None:
    below = just_below(bound)
    assert below < bound
    below.encode("utf-8")  # a string Rust can hold: no surrogate
    if word < bound and "\U0010ffff" not in word:
        assert word <= below


@pytest.mark.parametrize(
    "chunks",
    [[["b", "c", "en_1"], ["a", "d", "en_2"]], [["a", "c", "en_1"], ["b", "d", "en_2"]], [["a", "b"]], "chunks", [["a", "", "en_1"]]],
)
def test_bounds_not_as_pagefind_writes_them_are_an_error(chunks: object) -> None:
    with pytest.raises(SearchIndexError, match=re.escape("Pagefind version of constraints.txt")):
        tile(chunks, _WHERE)  # type: ignore[arg-type]
