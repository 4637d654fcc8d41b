"""People and organisations (authors among them), read from a contributor-editable YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.discover import MAX_DATA_BYTES, Unreadable, read_regular
from kb.itemtypes import ITEM_TYPES
from kb.names import fit_problem
from kb.problems import Checked, Problem, did_you_mean
from kb.records import FieldReader
from kb.taxonomy import Taxonomy, id_problem
from kb.terms import term_problem
from kb.yamlio import Value, YamlError, line_of, parse_mapping

KINDS = ("person", "organisation")
FIELDS = ("id", "name", "kind", "author", "role", "ja", "ko", "aliases", "exclude", "family", "given", "publishes")


@dataclass(frozen=True)
class Entity:
    """A person or organisation, with the words that name it in text."""

    id: str
    name: str
    kind: str  # "person" or "organisation"
    author: bool
    role: str
    ja: str | None
    ko: str | None
    aliases: tuple[str, ...]
    exclude: tuple[str, ...]
    family: str | None = None  # a person's family and given names, for citations
    given: str | None = None
    publishes: str | None = None  # an organisation's item type (kb/itemtypes.py)

    @property
    def names(self) -> tuple[str, ...]:
        """Every string that names the entity: name, aliases, then ja and ko names."""
        return tuple(dict.fromkeys((self.name, *self.aliases, *(n for n in (self.ja, self.ko) if n))))

    @property
    def other_names(self) -> tuple[str, ...]:
        """The names other than the display name (what 'Also known as' shows)."""
        return self.names[1:]


@dataclass(frozen=True)
class Entities:
    """Every entity, sorted by id, and the words that may never be an alias alone."""

    path: str
    entities: tuple[Entity, ...]
    ambiguous: tuple[str, ...] = ()

    def get(self, entity_id: str) -> Entity:
        """The entity with this id."""
        return next(e for e in self.entities if e.id == entity_id)

    def author(self, name: str) -> Entity | None:
        """The author entity a front-matter author name denotes (name or alias, exactly)."""
        folded = " ".join(name.split())
        return next((e for e in self.entities if e.author and folded in e.names), None)


def no_entities() -> Entities:
    """An empty set of entities, for projects without an entities file."""
    return Entities("entities.yml", ())


def load_entities(path: Path, display: str | None = None) -> Entities:
    """Read and validate the entities file; raise InputError listing every problem.

    A project without the file has no entities (and no people pages).
    """
    return read_entities(path, display).get()


def read_entities(path: Path, display: str | None = None, taxonomy: Taxonomy | None = None, data: bytes | None = None) -> Checked[Entities]:
    """The entities of the file (of `data`, its bytes, if given), and every problem of it (also names shared with `taxonomy`'s administrations)."""
    where = display or path.name
    if data is None and not path.exists():
        return Checked(Entities(where, ()))
    try:
        # Only a regular file is read: a FIFO or a link to a device must not hang or flood the check.
        raw = read_regular(path, MAX_DATA_BYTES) if data is None else data
        entries = {e.key: e for e in parse_mapping(raw.decode("utf-8-sig"))}
    except Unreadable as err:
        return Checked(Entities(where, ()), (Problem(where, None, "file", f"the file {err}"),))
    except (OSError, UnicodeDecodeError) as err:
        return Checked(Entities(where, ()), (Problem(where, None, "file", f"cannot read the entities: {err}"),))
    except YamlError as err:
        return Checked(Entities(where, ()), (Problem(where, err.line, "yaml", err.message),))
    problems: list[Problem] = []
    for key, entry in entries.items():
        if key not in ("ambiguous", "entities"):
            problems.append(Problem(where, entry.line, key, "unknown section; the file has `ambiguous:` and `entities:`"))
    reader = _Reader(where, problems)
    ambiguous = reader.words({key: entry.value for key, entry in entries.items()}, "ambiguous")
    listed = entries.get("entities")
    if listed is None or not isinstance(listed.value, list):
        problems.append(Problem(where, listed.line if listed else None, "entities", "must be a list of entities"))
        return Checked(Entities(where, (), ambiguous), tuple(problems))
    items = [item for item in listed.value if isinstance(item, dict)]
    if len(items) != len(listed.value):
        problems.append(Problem(where, listed.line, "entities", "every item must be a mapping with an `id:`"))
    entities = [reader.entity(item) for item in items]
    problems += _cross_problems(where, entities, ambiguous, reader.found_on)
    if taxonomy is not None:
        problems += _taxonomy_problems(where, entities, taxonomy, reader.found_on)
    return Checked(Entities(where, tuple(sorted(entities, key=lambda e: e.id)), ambiguous), tuple(problems))


def _taxonomy_problems(where: str, entities: list[Entity], taxonomy: Taxonomy, lines: dict[tuple[str, str], int]) -> list[Problem]:
    """An entity may not be named by a word that names an administration (prime ministers live in the taxonomy)."""
    owner = {alias: admin.id for admin in taxonomy.administrations for alias in (*admin.aliases, admin.name)}
    return [
        Problem(where, lines.get((f"entities.{entity.id}.", name)), f"entities.{entity.id}.aliases",
                f"'{name}' already names the administration '{owner[name]}' in {taxonomy.path}; prime ministers are administrations, not entities")
        for entity in entities
        for name in entity.names
        if name in owner
    ]  # fmt: skip


def _cross_problems(where: str, entities: list[Entity], ambiguous: tuple[str, ...], lines: dict[tuple[str, str], int]) -> list[Problem]:
    """Problems between entries: shared ids, shared names, ambiguous aliases."""
    problems = []
    seen: set[str] = set()
    owner: dict[str, str] = {}
    for entity in entities:
        if entity.id in seen:
            problems.append(Problem(where, lines.get(("entities.", entity.id)), "entities", f"id '{entity.id}' is used twice; ids must be unique"))
        seen.add(entity.id)
        for name in entity.names:
            line = lines.get((f"entities.{entity.id}.", name))
            if name in ambiguous:
                problems.append(Problem(where, line, f"entities.{entity.id}.aliases", f"'{name}' names several people; give the full name"))
            elif (problem := term_problem(name)) is not None:
                problems.append(Problem(where, line, f"entities.{entity.id}.aliases", problem))
            if owner.setdefault(name, entity.id) != entity.id:
                problems.append(
                    Problem(where, line, f"entities.{entity.id}.aliases", f"'{name}' already names '{owner[name]}'; an alias belongs to one entity")
                )
    return problems


class _Reader(FieldReader):
    """Reads entity entries."""

    def entity(self, item: dict[str, Value]) -> Entity:
        raw_id = item.get("id")
        self.context = "entities."
        self.record = item
        entity_id = raw_id if isinstance(raw_id, str) else str(raw_id)
        self.found_on.setdefault(("entities.", entity_id), line_of(item) or 0)
        problem = id_problem(raw_id) if isinstance(raw_id, str) else "must be lowercase ascii words joined by hyphens"
        if problem:
            self.fail("id", f"{problem}, got {raw_id!r}")
        self.context = f"entities.{entity_id}."
        for key in item:
            if key not in FIELDS:
                self.fail(key, f"unknown field{did_you_mean(key, FIELDS)}; known fields: {', '.join(FIELDS)}")
        kind = self.text(item, "kind") or "person"
        if kind not in KINDS:
            self.fail("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
        author = item.get("author", "false")
        if author not in ("true", "false"):
            self.fail("author", f"must be true or false, got {author!r}")
        if author == "true" and kind != "person":
            self.fail("author", "only a person can be an author")
        entity = Entity(
            id=entity_id,
            name=self.text(item, "name") or entity_id,
            kind=kind,
            author=author == "true",
            role=self.text(item, "role") or "",
            ja=self.text(item, "ja", required=False),
            ko=self.text(item, "ko", required=False),
            aliases=self.words(item, "aliases"),
            exclude=self.words(item, "exclude"),
            family=self.text(item, "family", required=False),
            given=self.text(item, "given", required=False),
            publishes=self.text(item, "publishes", required=False),
        )
        self._citation_fields(entity)
        self.context = ""
        return entity

    def _citation_fields(self, entity: Entity) -> None:
        """`family`/`given` for people only, making up the name; `publishes` for organisations, a known type."""
        if entity.kind != "person" and (entity.family or entity.given):
            self.fail("family", "only a person has family and given names")
        elif entity.given and not entity.family:
            self.fail("given", "give `family:` too (a given name alone says nothing about the order)")
        elif entity.family and (problem := fit_problem(entity.name, entity.family, entity.given)):
            self.fail("family", problem)
        if entity.publishes is not None:
            if entity.kind != "organisation":
                self.fail("publishes", "only an organisation publishes")
            elif entity.publishes not in ITEM_TYPES:
                self.fail("publishes", f"unknown type '{entity.publishes}'{did_you_mean(entity.publishes, ITEM_TYPES)}; known types: {', '.join(ITEM_TYPES)}")
