"""The shape a matching term (alias, name, theme phrase) must have to name one thing, not everything."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

COMMON_WORDS = Path(__file__).with_name("common_words.txt")
# Shorter terms match inside too many other words and abbreviations ("UN", "Ri").
MIN_LETTERS = 3
# Japanese and Korean terms match anywhere; one character is never enough (菅 is Kan and Suga).
MIN_CJK = 2
_ARTICLES = ("the", "a", "an")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@cache
def common_words() -> frozenset[str]:
    """The stop-list of kb/common_words.txt, case-folded."""
    lines = COMMON_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(" ".join(line.split()).casefold() for line in lines if line.strip() and not line.startswith("#"))


def term_problem(term: str, wildcard: bool = False) -> str | None:
    """Why `term` cannot be a matching term (a trailing * allowed if `wildcard`), or None."""
    stem = term[:-1] if wildcard and term.endswith("*") else term
    if not stem or not (stem[0].isalnum() and stem[-1].isalnum()):
        ending = " (or a * after the stem)" if wildcard else ""
        return f"{term!r} must begin and end with a letter or digit{ending}, or it would match where no word is"
    if _CJK.search(stem):
        if len(stem) < MIN_CJK:
            return f"{term!r} is a single character, which stands for several names and words; give the full name"
    elif sum(c.isalnum() for c in stem) < MIN_LETTERS:
        return f"{term!r} is shorter than {MIN_LETTERS} letters and would match unrelated words and abbreviations; give a longer form"
    folded = " ".join(stem.split()).casefold()
    # "The government" is as common as "government".
    first, _, rest = folded.partition(" ")
    if folded in common_words() or (first in _ARTICLES and rest in common_words()):
        return f"{term!r} is a common word or phrase that occurs in almost every article (see {COMMON_WORDS.name}); give a more specific form"
    return None
