"""The taxonomy: administrations and themes, read from a contributor-editable YAML file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from kb import clock
from kb.discover import MAX_DATA_BYTES, Unreadable, read_regular
from kb.problems import Checked, Problem, did_you_mean
from kb.records import FieldReader
from kb.rules import Rules, read_rules
from kb.terms import term_problem
from kb.yamlio import Entry, Value, YamlError, line_of, parse_mapping

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids name files (articles/<id>.md, <id>.bib, site/articles/<id>/index.html) and the
# temporary files written next to them; 100 leaves room within the usual 255-byte
# limit of a file name for any suffix.
MAX_ID_LENGTH = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def id_problem(value: str) -> str | None:
    """Why `value` cannot be an id (of an article, administration, theme or entity), or None."""
    if not ID.match(value):
        return "must be lowercase ascii words joined by hyphens"
    if len(value) > MAX_ID_LENGTH:
        return f"must be at most {MAX_ID_LENGTH} characters long (ids name files; this one has {len(value)})"
    return None


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
    # Sections that lost entries to errors: ids missing from them are not checked elsewhere.
    unchecked: frozenset[str] = frozenset()

    def administration(self, admin_id: str) -> Administration:
        """The administration with this id."""
        return next(a for a in self.administrations if a.id == admin_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id."""
        return next(t for t in self.themes if t.id == theme_id)

    def in_office(self, day: dt.date) -> Administration | None:
        """The administration in office on `day`, if the taxonomy knows it."""
        return next((a for a in self.administrations if any(t.covers(day) for t in a.terms)), None)


def load_taxonomy(path: Path, display: str | None = None, today: dt.date | None = None) -> Taxonomy:
    """Read and validate the taxonomy file; raise InputError listing every problem."""
    return read_taxonomy(path, display, today).get()


def read_taxonomy(path: Path, display: str | None = None, today: dt.date | None = None, data: bytes | None = None) -> Checked[Taxonomy]:
    """As much of the taxonomy as could be read, and every problem of the file (of `data`, its bytes, if given).

    Entries with errors are kept when their id could be read, so that sources can
    still be checked against them; a section that lost entries is marked unchecked.
    """
    where = display or path.name
    problems: list[Problem] = []
    broken = Taxonomy(where, (), (), unchecked=frozenset({"administrations", "themes"}))
    try:
        # Only a regular file is read: a FIFO or a link to a device must not hang or flood the check.
        raw = read_regular(path, MAX_DATA_BYTES) if data is None else data
        entries = {e.key: e for e in parse_mapping(raw.decode("utf-8-sig"))}
    except Unreadable as err:
        return Checked(broken, (Problem(where, None, "file", f"the file {err}"),))
    except (OSError, UnicodeDecodeError) as err:
        return Checked(broken, (Problem(where, None, "file", f"cannot read the taxonomy: {err}"),))
    except YamlError as err:
        return Checked(broken, (Problem(where, err.line, "yaml", err.message),))

    reader = _Reader(where, problems, today or clock.today())
    admins = tuple(reader.administration(v) for v in reader.items(entries, "administrations"))
    themes = tuple(reader.theme(v) for v in reader.items(entries, "themes"))
    # Ids name pages and anchors, and a paragraph's tags mix both kinds: one id, one meaning.
    # (Ids the site itself uses for pages and anchors are refused by kb/pages/clashes.py.)
    seen: set[str] = set()
    for kind, items in (("administrations", admins), ("themes", themes)):
        for item in items:
            line = reader.lines.get((kind, item.id))
            if item.id in seen:
                problems.append(Problem(where, line, f"{kind}.{item.id}", "id is used twice; ids must be unique across administrations and themes"))
            seen.add(item.id)
    theme_ids = {t.id for t in themes}
    for theme in themes:
        for other in theme.related:
            line = reader.found_on.get((f"themes.{theme.id}.", other)) or reader.lines.get(("themes", theme.id))
            if other == theme.id:
                problems.append(Problem(where, line, f"themes.{theme.id}.related", "names the theme itself; list other themes only"))
            elif other not in theme_ids and "themes" not in reader.lost:
                hint = did_you_mean(other, theme_ids)
                problems.append(Problem(where, line, f"themes.{theme.id}.related", f"unknown theme '{other}'{hint}"))
    # A theme lost to an error is not known: rules naming themes are then not checked against them.
    known_themes = theme_ids if "themes" not in reader.lost else None
    rules = read_rules(entries["rules"].value if "rules" in entries else None, where, known_themes, problems)
    problems += _term_problems(where, admins, reader.lines)
    problems += _alias_problems(where, admins, reader.found_on)
    ordered = tuple(sorted(admins, key=lambda a: (a.terms[0].start if a.terms else dt.date.min, a.id)))
    return Checked(Taxonomy(where, ordered, themes, rules, unchecked=frozenset(reader.lost)), tuple(problems))


def _term_problems(where: str, admins: tuple[Administration, ...], lines: dict[tuple[str, str], int]) -> list[Problem]:
    """Terms of office must follow one another: no overlap, no shared first day, only the latest open."""
    problems = []
    terms = sorted((term.start, term.end or dt.date.max, admin.id) for admin in admins for term in admin.terms)
    for (start, end, admin_id), (next_start, _, next_id) in pairwise(terms):
        name, line = f"administrations.{next_id}.terms", lines.get(("administrations", next_id))
        if next_start == start:
            message = f"a term starts on {start}, the day a term of '{admin_id}' starts; one administration takes office per day"
            problems.append(Problem(where, line, name, message))
        elif end == dt.date.max:
            message = (
                f"the term from {start} has no end (`to: null`), but '{next_id}' took office on {next_start}; "
                "give the day it ended (only the latest term may be open)"
            )
            problems.append(Problem(where, lines.get(("administrations", admin_id)), f"administrations.{admin_id}.terms", message))
        elif next_start < end:
            message = f"a term starting {next_start} overlaps the term of '{admin_id}' ({start} to {end}); a term starts on or after the previous one's end"
            problems.append(Problem(where, line, name, message))
    return problems


def _alias_problems(where: str, admins: tuple[Administration, ...], lines: dict[tuple[str, str], int]) -> list[Problem]:
    """An alias names one administration only."""
    problems = []
    owner: dict[str, str] = {}
    for admin in admins:
        for alias in admin.aliases:
            if owner.setdefault(alias, admin.id) != admin.id:
                problems.append(
                    Problem(where, lines.get((f"administrations.{admin.id}.", alias)), f"administrations.{admin.id}.aliases",
                            f"'{alias}' already names '{owner[alias]}'; an alias belongs to one administration")
                )  # fmt: skip
    return problems


class _Reader(FieldReader):
    """Reads administrations and themes."""

    def __init__(self, where: str, problems: list[Problem], today: dt.date) -> None:
        super().__init__(where, problems)
        self.today = today
        self.lost: set[str] = set()  # sections that lost an entry
        self.lines: dict[tuple[str, str], int] = {}  # (section, id) -> line of the entry
        self.section = ""

    def items(self, entries: dict[str, Entry], key: str) -> list[dict[str, Value]]:
        self.section = key
        entry = entries.get(key)
        if entry is None or not isinstance(entry.value, list):
            self.fail(key, f"must be a list of {key}", entry.line if entry else None)
            self.lost.add(key)
            return []
        good = [item for item in entry.value if isinstance(item, dict)]
        if len(good) != len(entry.value):
            self.fail(key, "every item must be a mapping with an `id:`", entry.line)
            self.lost.add(key)
        return good

    def ident(self, item: dict[str, Value]) -> str:
        value = item.get("id")
        self.context = f"{self.section}."
        self.record = item
        problem = id_problem(value) if isinstance(value, str) else "must be a text"
        if problem or not isinstance(value, str):
            self.fail("id", f"{problem}, got {value!r}")
            self.lost.add(self.section)
            return str(value)
        self.lines.setdefault((self.section, value), line_of(item) or 0)
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
            aliases=self.terms_of(item, "aliases", required=True),
            exclude=self.words(item, "exclude"),
        )
        self.context = ""
        return admin

    def terms_of(self, item: dict[str, Value], key: str, required: bool = False, wildcard: bool = False) -> tuple[str, ...]:
        """Matching terms (aliases, phrases): each must name something specific."""
        good = []
        for term in self.words(item, key, required):
            problem = term_problem(term, wildcard)
            if problem:
                self.fail(key, problem, self.found_on.get((self.context, term)))
            else:
                good.append(term)
        return tuple(good)

    def terms(self, value: Value) -> tuple[Term, ...]:
        if not isinstance(value, list) or not value:
            self.fail("terms", "must be a list of {from: YYYY-MM-DD, to: YYYY-MM-DD or null}")
            return ()
        terms = []
        for term in value:
            if not isinstance(term, dict):
                self.fail("terms", "every term must be a mapping {from: ..., to: ...}", line_of(term))
                continue
            line = line_of(term)
            start, end = self.day(term.get("from"), "from", line), self.day(term.get("to"), "to", line, optional=True)
            if start and (end is None or end > start):
                terms.append(Term(start, end))
            elif start and end == start:
                self.fail("terms", f"term ends on the day it starts ({start}); give the day it ended", line)
            elif start and end:
                self.fail("terms", f"term ends ({end}) before it starts ({start})", line)
        return tuple(terms)

    def day(self, value: Value, key: str, line: int | None, optional: bool = False) -> dt.date | None:
        if value is None and optional:
            return None
        # Only YYYY-MM-DD: fromisoformat alone also takes week dates (2024-W05-1) and 20240131.
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) and _DAY.match(value) else None
        except ValueError:
            day = None
        if day is None:
            self.fail(f"terms.{key}", f"must be a calendar date YYYY-MM-DD, got {value!r}", line)
        elif day > self.today:
            self.fail(f"terms.{key}", f"{day} is in the future (today is {self.today} in UTC+14); a term in office has `to: null`", line)
            return None
        return day

    def theme(self, item: dict[str, Value]) -> Theme:
        theme_id = self.ident(item)
        self.context = f"themes.{theme_id}."
        theme = Theme(
            id=theme_id,
            name=self.text(item, "name") or theme_id,
            ja=self.text(item, "ja", required=False),
            ko=self.text(item, "ko", required=False),
            description=self.text(item, "description") or "",
            phrases=self.terms_of(item, "phrases", required=True, wildcard=True),
            exclude=self.words(item, "exclude"),
            related=self.words(item, "related"),
        )
        self.context = ""
        return theme
