"""Personal names: the name as shown, and its family and given parts where they are known.

Parts are never guessed from word order: "Lee Kitae" (family name first) and
"Sebastian Maslow" (given name first) look alike. They come from an explicit
form in front matter (`Maslow, Sebastian` or `{family: Lee, given: Kitae}`) or
from the author's entry in entities.yml; otherwise the name stays one literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Keys of the mapping form of an author in front matter.
MAPPING_KEYS = ("family", "given", "name")


@dataclass(frozen=True)
class Name:
    """An author's name: `literal` as shown on the site, `family`/`given` when known."""

    literal: str
    family: str | None = None
    given: str | None = None

    @property
    def split(self) -> bool:
        """True when the family name is known (the given name may be absent)."""
        return self.family is not None


def _clean(value: str) -> str:
    return " ".join(value.split())


def from_comma(value: str) -> Name | str:
    """`Family, Given` -> a Name shown given name first; or why the text is not that form."""
    family, _, given = (_clean(part) for part in value.partition(","))
    if not family or not given or "," in given:
        return f"'{value}' has a comma but is not `Family, Given` (one comma, a name on each side)"
    return Name(f"{given} {family}", family, given)


def from_mapping(value: Mapping[str, object]) -> Name | str:
    """`{family: Lee, given: Kitae, name: Lee Kitae}` -> a Name; or what is wrong with the mapping."""
    unknown = [key for key in value if key not in MAPPING_KEYS]
    if unknown:
        return f"unknown key '{unknown[0]}' in an author mapping; use {', '.join(MAPPING_KEYS)}"
    parts = {}
    for key in MAPPING_KEYS:
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, str) or not _clean(item):
            return f"`{key}:` of an author must be a non-empty text"
        parts[key] = _clean(item)
    family, given = parts.get("family"), parts.get("given")
    if family is None:
        return "an author mapping needs `family:` (and `given:` when the person has one)"
    # Without `name:` the site shows the name given name first, as the comma form does.
    literal = parts.get("name") or (f"{given} {family}" if given else family)
    problem = fit_problem(literal, family, given)
    if problem:
        return problem
    return Name(literal, family, given)


def fit_problem(literal: str, family: str, given: str | None) -> str | None:
    """Why `family` and `given` are not the two ends of `literal`, or None when they are."""
    words = literal.split()
    family_words, given_words = family.split(), (given or "").split()
    if not given_words:
        return None if words == family_words else f"family name '{family}' without a given name must be the whole name '{literal}'"
    if words in (family_words + given_words, given_words + family_words):
        return None
    return f"family '{family}' and given '{given}' must make up the name '{literal}' (in either order)"


def with_family(literal: str, family: str, given: str | None) -> Name:
    """The parts of `literal` when its family name is known from elsewhere (an entity).

    The given name is what the literal holds besides the family name, in the
    spelling of this literal ("Lee Ki-Tae" -> given "Ki-Tae" even where the
    entity says "Kitae"); a literal that does not start or end with the family
    name (another script, an initial) takes the entity's parts as they are.
    """
    words, family_words = literal.split(), family.split()
    size = len(family_words)
    if words == family_words:
        return Name(literal, family, None)
    if len(words) > size and words[:size] == family_words:
        return Name(literal, family, " ".join(words[size:]))
    if len(words) > size and words[-size:] == family_words:
        return Name(literal, family, " ".join(words[:-size]))
    return Name(literal, family, given)
