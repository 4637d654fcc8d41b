"""People and organisations (authors among them), read from a contributor-editable YAML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.itemtypes import ITEM_TYPES
from kb.names import fit_problem
from kb.problems import InputError, Problem, did_you_mean
from kb.records import FieldReader
from kb.taxonomy import ID
from kb.yamlio import Value, YamlError, parse_mapping

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
    where = display or path.name
    if not path.exists():
        return Entities(where, ())
    try:
        entries = {e.key: e for e in parse_mapping(path.read_text(encoding="utf-8-sig"))}
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(where, None, "file", f"cannot read the entities: {err}")]) from None
    except YamlError as err:
        raise InputError([Problem(where, err.line, "yaml", err.message)]) from None
    problems: list[Problem] = []
    for key, entry in entries.items():
        if key not in ("ambiguous", "entities"):
            problems.append(Problem(where, entry.line, key, "unknown section; the file has `ambiguous:` and `entities:`"))
    reader = _Reader(where, problems)
    ambiguous = reader.words({key: entry.value for key, entry in entries.items()}, "ambiguous")
    listed = entries.get("entities")
    if listed is None or not isinstance(listed.value, list):
        problems.append(Problem(where, listed.line if listed else None, "entities", "must be a list of entities"))
        raise InputError(problems)
    items = [item for item in listed.value if isinstance(item, dict)]
    if len(items) != len(listed.value):
        problems.append(Problem(where, listed.line, "entities", "every item must be a mapping with an `id:`"))
    entities = [reader.entity(item) for item in items]
    problems += _cross_problems(where, entities, ambiguous)
    if problems:
        raise InputError(problems)
    return Entities(where, tuple(sorted(entities, key=lambda e: e.id)), ambiguous)


def _cross_problems(where: str, entities: list[Entity], ambiguous: tuple[str, ...]) -> list[Problem]:
    """Problems between entries: shared ids, shared names, ambiguous aliases."""
    problems = []
    seen: set[str] = set()
    owner: dict[str, str] = {}
    for entity in entities:
        if entity.id in seen:
            problems.append(Problem(where, None, "entities", f"id '{entity.id}' is used twice; ids must be unique"))
        seen.add(entity.id)
        for name in entity.names:
            if name in ambiguous:
                problems.append(Problem(where, None, f"entities.{entity.id}.aliases", f"'{name}' names several people; give the full name"))
            if owner.setdefault(name, entity.id) != entity.id:
                problems.append(
                    Problem(where, None, f"entities.{entity.id}.aliases", f"'{name}' already names '{owner[name]}'; an alias belongs to one entity")
                )
    return problems


class _Reader(FieldReader):
    """Reads entity entries."""

    def entity(self, item: dict[str, Value]) -> Entity:
        raw_id = item.get("id")
        self.context = "entities."
        entity_id = raw_id if isinstance(raw_id, str) else str(raw_id)
        if not isinstance(raw_id, str) or not ID.match(raw_id):
            self.fail("id", f"must be lowercase ascii words joined by hyphens, got {raw_id!r}")
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
