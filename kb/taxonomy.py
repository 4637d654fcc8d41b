"""The taxonomy: administrations and themes, read from a contributor-editable YAML file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.problems import InputError, Problem, did_you_mean
from kb.records import FieldReader
from kb.rules import Rules, read_rules
from kb.yamlio import Entry, Value, YamlError, parse_mapping

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Term:
    """One term of office; `end` is None while in office."""

    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """Whether the administration was in office on `day` (the handover day counts for the newcomer)."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Administration:
    """A prime minister's administration, with the words that name it in text."""

    id: str
    name: str
    ja: str | None
    ko: str | None
    terms: tuple[Term, ...]
    aliases: tuple[str, ...]
    exclude: tuple[str, ...]

    @property
    def surname(self) -> str:
        """The prime minister's family name (last word of the given-family name)."""
        return self.name.split()[-1]


@dataclass(frozen=True)
class Theme:
    """A subject of the collection, with a neutral description and its signal phrases."""

    id: str
    name: str
    ja: str | None
    ko: str | None
    description: str
    phrases: tuple[str, ...]
    exclude: tuple[str, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """Administrations in chronological order and themes in file order."""

    path: str
    administrations: tuple[Administration, ...]
    themes: tuple[Theme, ...]
    rules: Rules = field(default_factory=Rules)  # article-context rules (kb/rules.py)

    def administration(self, admin_id: str) -> Administration:
        """The administration with this id."""
        return next(a for a in self.administrations if a.id == admin_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id."""
        return next(t for t in self.themes if t.id == theme_id)

    def in_office(self, day: dt.date) -> Administration | None:
        """The administration in office on `day`, if the taxonomy knows it."""
        return next((a for a in self.administrations if any(t.covers(day) for t in a.terms)), None)


def load_taxonomy(path: Path, display: str | None = None) -> Taxonomy:
    """Read and validate the taxonomy file; raise InputError listing every problem."""
    where = display or path.name
    problems: list[Problem] = []
    try:
        entries = {e.key: e for e in parse_mapping(path.read_text(encoding="utf-8-sig"))}
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(where, None, "file", f"cannot read the taxonomy: {err}")]) from None
    except YamlError as err:
        raise InputError([Problem(where, err.line, "yaml", err.message)]) from None

    reader = _Reader(where, problems)
    admins = tuple(reader.administration(v) for v in reader.items(entries, "administrations"))
    themes = tuple(reader.theme(v) for v in reader.items(entries, "themes"))
    # Ids name pages and anchors, and a paragraph's tags mix both kinds: one id, one meaning.
    # (Ids the site itself uses for pages and anchors are refused by kb/pages/clashes.py.)
    seen: set[str] = set()
    for kind, items in (("administrations", admins), ("themes", themes)):
        for item in items:
            if item.id in seen:
                problems.append(Problem(where, None, f"{kind}.{item.id}", "id is used twice; ids must be unique across administrations and themes"))
            seen.add(item.id)
    theme_ids = {t.id for t in themes}
    for theme in themes:
        for other in theme.related:
            if other not in theme_ids:
                hint = did_you_mean(other, theme_ids)
                problems.append(Problem(where, None, f"themes.{theme.id}.related", f"unknown theme '{other}'{hint}"))
    rules = read_rules(entries["rules"].value if "rules" in entries else None, where, theme_ids, problems)
    if problems:
        raise InputError(problems)
    ordered = tuple(sorted(admins, key=lambda a: a.terms[0].start if a.terms else dt.date.min))
    return Taxonomy(where, ordered, themes, rules)


class _Reader(FieldReader):
    """Reads administrations and themes."""

    def items(self, entries: dict[str, Entry], key: str) -> list[dict[str, Value]]:
        entry = entries.get(key)
        if entry is None or not isinstance(entry.value, list):
            self.fail(key, f"must be a list of {key}", entry.line if entry else None)
            return []
        good = [item for item in entry.value if isinstance(item, dict)]
        if len(good) != len(entry.value):
            self.fail(key, "every item must be a mapping with an `id:`", entry.line)
        return good

    def ident(self, item: dict[str, Value]) -> str:
        value = item.get("id")
        self.context = ""
        if not isinstance(value, str) or not ID.match(value):
            self.fail("id", f"must be lowercase ascii words joined by hyphens, got {value!r}")
            return str(value)
        return value

    def administration(self, item: dict[str, Value]) -> Administration:
        admin_id = self.ident(item)
        self.context = f"administrations.{admin_id}."
        admin = Administration(
            id=admin_id,
            name=self.text(item, "name") or admin_id,
            ja=self.text(item, "ja", required=False),
            ko=self.text(item, "ko", required=False),
            terms=self.terms(item.get("terms")),
            aliases=self.words(item, "aliases", required=True),
            exclude=self.words(item, "exclude"),
        )
        self.context = ""
        return admin

    def terms(self, value: Value) -> tuple[Term, ...]:
        if not isinstance(value, list) or not value:
            self.fail("terms", "must be a list of {from: YYYY-MM-DD, to: YYYY-MM-DD or null}")
            return ()
        terms = []
        for term in value:
            if not isinstance(term, dict):
                self.fail("terms", "every term must be a mapping {from: ..., to: ...}")
                continue
            start, end = self.day(term.get("from"), "from"), self.day(term.get("to"), "to", optional=True)
            if start and (end is None or end > start):
                terms.append(Term(start, end))
            elif start and end:
                self.fail("terms", f"term ends ({end}) before it starts ({start})")
        return tuple(terms)

    def day(self, value: Value, key: str, optional: bool = False) -> dt.date | None:
        if value is None and optional:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"terms.{key}", f"must be a date YYYY-MM-DD, got {value!r}")
            return None

    def theme(self, item: dict[str, Value]) -> Theme:
        theme_id = self.ident(item)
        self.context = f"themes.{theme_id}."
        theme = Theme(
            id=theme_id,
            name=self.text(item, "name") or theme_id,
            ja=self.text(item, "ja", required=False),
            ko=self.text(item, "ko", required=False),
            description=self.text(item, "description") or "",
            phrases=self.words(item, "phrases", required=True),
            exclude=self.words(item, "exclude"),
            related=self.words(item, "related"),
        )
        self.context = ""
        return theme
