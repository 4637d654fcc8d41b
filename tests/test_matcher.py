"""The matcher's shortcuts (word prefilter, lowercase patterns) find exactly what one plain alternation finds."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.context import Reader
from kb.entities import load_entities
from kb.matcher import Matcher, Matchers
from kb.taxonomy import load_taxonomy
from tests.helpers import ROOT, SEED_ENTITIES, SEED_SOURCES

TAXONOMY = load_taxonomy(ROOT / "taxonomy.yml")
ENTITIES = load_entities(SEED_ENTITIES)
# (terms, excluded phrases, case sensitive) of every matcher the generator builds.
SPECS = (
    [(a.aliases, a.exclude, True) for a in TAXONOMY.administrations]
    + [(t.phrases, t.exclude, False) for t in TAXONOMY.themes]
    + [(e.names, e.exclude, True) for e in ENTITIES.entities]
)
# ... and those of the taxonomy's rules: names within roles, gaps, {name} expanded, theme rules, anaphora.
_READER = Reader(TAXONOMY)
_RULES = [
    *_READER.called_pm.values(), *_READER.in_role.values(), _READER.future, _READER.government,
    *(m for _, terms in _READER.rules for m in terms), *(m for _, heads, anaphors in _READER.anaphora for m in (heads, anaphors)),
]  # fmt: skip
SPECS += [(m.terms, m.exclude, m.case_sensitive) for m in _RULES]
# ... and term shapes a contributor may write that the files above do not hold yet.
_SHAPES = ["ab cd *", "Jong-un *", "U.S.*", "x's", "Ab`s", "coordinat* with", "under_score", "pm2 ~2 met", "ab** cd"]
SPECS += [(_SHAPES, [], True), (_SHAPES, ["x's cd"], False)]
MATCHERS = [(Matcher(terms, exclude, case_sensitive=cs), terms, exclude, cs) for terms, exclude, cs in SPECS]
# Pieces of the terms themselves, in any case, with letters that re.IGNORECASE equates with ASCII ones.
PIECES = sorted({word for terms, exclude, _ in SPECS for term in (*terms, *exclude) for word in term.rstrip("*").split()})
TRICKY = st.sampled_from([
    "ſ", "K", "ı", "İ", "ß", "é", "Ö", "’", "‘", "“", "”", "-", "–", "—", "‑", "_", "\n", "  ", "s", "es", "ion", "拉致", "납치", ".", "`", "*",
])  # fmt: skip
WORD = st.sampled_from(PIECES).flatmap(lambda w: st.sampled_from([w, w.lower(), w.upper(), w.title(), w[:-1]]))
# Whole terms as a text might hold them (a gap left empty, a prefix bare), so that terms of many words match too.
PHRASES = sorted({" ".join(w.rstrip("*") for w in t.split() if not re.fullmatch(r"~\d+", w)) for terms, exclude, _ in SPECS for t in (*terms, *exclude)})
PHRASE = st.sampled_from(PHRASES).flatmap(lambda p: st.sampled_from([p, p.lower(), p.replace(" ", "\n"), p.rsplit(" ", 1)[0]]))
TEXTS = st.lists(st.one_of(WORD, PHRASE, TRICKY, st.just(" "), st.text(max_size=3)), max_size=30).map("".join)


def _reference(terms: Iterable[str], exclude: Iterable[str], case_sensitive: bool, text: str) -> list[str]:
    """The plain algorithm: one alternation of every term, longest first, matches inside an excluded phrase dropped."""

    def compile_(words: Iterable[str]) -> re.Pattern[str] | None:
        parts = []
        for term in sorted({_fold(w) for w in words}, key=lambda t: (-len(t), t)):
            body = r"\s+".join(_piece(w) for w in term.rstrip("*").split()).replace(r"\s+[,:", r"[,:")
            if body and body[-1].isascii():
                body += r"\w*" if term.endswith("*") else r"(?!\w)"
            if body and body.lstrip("\\")[:1].isascii():
                body = r"(?<!\w)" + body
            parts.append(body)
        return re.compile("|".join(parts), 0 if case_sensitive else re.IGNORECASE) if parts else None

    find, block = compile_(terms), compile_(exclude)
    if find is None:
        return []
    plain = _fold(text)
    blocked = [m.span() for m in block.finditer(plain)] if block else []
    return [text[m.start() : m.end()] for m in find.finditer(plain) if not any(s <= m.start() and m.end() <= e for s, e in blocked)]


def _piece(word: str) -> str:
    """One word of a term: a gap of up to N words (an abbreviation like "U.N." is one), a prefix, or literal."""
    if re.fullmatch(r"~\d+", word):
        one = r"(?:[^\s.!?;]+(?:\.[^\s.!?;]+)+\.?|[^\s.!?;]+)"
        return rf"[,:\"')]?(?:\s+{one}){{0,{word[1:]}}}"
    if word.endswith("*") and len(word) > 1:
        return re.escape(word[:-1]) + r"\w*"
    return re.escape(word)


def _fold(text: str) -> str:
    """Quote and dash variants to ASCII, one character for one (written out again here, independently)."""
    return "".join('"' if ch in "“”„‟″«»" else "'" if ch in "‘’‚‛′`" else "-" if ch in "‐‑‒–—―−﹣－" else ch for ch in text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_every_matcher_agrees_with_the_plain_alternation(text: str) -> None:
    for matcher, terms, exclude, case_sensitive in MATCHERS:
        assert matcher.find(text) == _reference(terms, exclude, case_sensitive, text), (terms, text)


def test_seed_paragraphs_agree_with_the_plain_alternation() -> None:
    paragraphs = [p for path in sorted(SEED_SOURCES.glob("*.md")) for p in path.read_text(encoding="utf-8").split("\n\n")]
    for text in paragraphs:
        for matcher, terms, exclude, case_sensitive in MATCHERS:
            assert matcher.find(text) == _reference(terms, exclude, case_sensitive, text), (terms, text[:80])


EVERY = Matchers(matcher for matcher, *_ in MATCHERS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_a_set_of_matchers_finds_what_each_finds_alone(text: str) -> None:
    assert EVERY.matches(text) == [matcher.matches(text) for matcher, *_ in MATCHERS]


# Matchers led by letters that begin one another: found at one word, each must still run.
_NESTED = [(["invest*"], False), (["investigat*"], False), (["investigation*", "probe"], False), (["Invest*"], True),
           (["in"], False), (["inv* talks"], True), (["investigations"], False), (["reinvestigat*"], False)]  # fmt: skip
NESTED = Matchers(Matcher(terms, case_sensitive=cs) for terms, cs in _NESTED)
NESTED_TEXTS = st.lists(
    st.sampled_from(["invest", "Invest", "investigat", "investigation", "investigations", "reinvestigation", "inv", "in", "talks", "probe"])
    | TRICKY | st.just(" "), max_size=12,
).map("".join)


@given(text=NESTED_TEXTS)
def test_matchers_led_by_letters_that_begin_one_another_all_run(text: str) -> None:
    assert NESTED.matches(text) == [matcher.matches(text) for matcher in NESTED.matchers]


def test_a_backtick_is_an_apostrophe_in_any_text() -> None:
    # Folding turns it into ', in texts of ASCII alone too.
    assert Matcher(["Abe's"], case_sensitive=True).find("Abe`s visit") == ["Abe`s"]
    assert Matcher(["Abe's"]).find("ABE`S visit") == ["ABE`S"]


def test_a_term_ending_in_a_lone_star_ends_in_a_prefix() -> None:
    assert Matcher(["foo bar *"], case_sensitive=True).find("foo barx") == ["foo barx"]
