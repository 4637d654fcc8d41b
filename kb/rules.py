"""The `rules:` section of taxonomy.yml -> the article-context rules tagging applies (schema in taxonomy.yml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kb.problems import Problem, did_you_mean
from kb.records import FieldReader
from kb.yamlio import Value

NAME = "{name}"  # stands for each name of an administration's prime minister in a role pattern


@dataclass(frozen=True)
class ThemeRule:
    """A theme given when every term matches in one paragraph (and, if `dated`, the paragraph is dated in the span)."""

    id: str
    theme: str
    all: tuple[tuple[str, ...], ...]  # each item: alternative terms, one of which must match
    dated: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class Anaphora:
    """Definite references ("the summit") resolved to the last thing of their kind the article named."""

    id: str
    theme: str
    heads: tuple[str, ...]  # words that name a thing of this kind ("summit*")
    anaphors: tuple[str, ...]  # phrases that refer back to the last one named ("the summit")
    within: int  # a head names the theme when one of the theme's phrases is this many words away at most


@dataclass(frozen=True)
class Rules:
    """Everything tagging reads in an article's context, beyond each paragraph's own words."""

    prime_minister: tuple[str, ...] = ()  # patterns with {name}: the text calls the person prime minister
    other_roles: tuple[str, ...] = ()  # patterns with {name}: the person introduced in another post
    future: tuple[str, ...] = ()  # phrases that make a sentence about a future premiership
    government: tuple[str, ...] = ()  # who acts for Japan's government ("Tokyo", "the cabinet")
    actions: tuple[str, ...] = ()  # what they do, one word each, in the present or recent past ("will", "decided")
    within: int = 3  # words allowed between the government and its action
    themes: tuple[ThemeRule, ...] = ()
    anaphora: tuple[Anaphora, ...] = field(default=())


def read_rules(value: Value, where: str, theme_ids: set[str] | None, problems: list[Problem]) -> Rules:
    """The rules section (absent: no context rules), problems collected into `problems` (theme ids unchecked if None)."""
    if value is None:
        return Rules()
    reader = _Reader(where, problems)
    reader.context = "rules."
    if not isinstance(value, dict):
        reader.fail("", "must be a mapping of rule kinds (see the schema at the top of taxonomy.yml)")
        return Rules()
    known = {"prime_minister", "other_roles", "future", "in_office", "themes", "anaphora"}
    for key in sorted(set(value) - known):
        reader.fail(key, f"unknown rule kind{did_you_mean(key, known)}; expected one of {', '.join(sorted(known))}")
    roles = {key: reader.patterns(value, key) for key in ("prime_minister", "other_roles")}
    office = value.get("in_office")
    government: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    within = 3
    if office is not None:
        if isinstance(office, dict):
            government, actions = reader.words(office, "subjects"), reader.words(office, "actions")
            for action in actions:
                if len(action.split()) != 1:
                    reader.fail("in_office.actions", f"every action must be one word, got {action!r}")
            within = reader.number(office.get("within"), "in_office.within", 3)
        else:
            reader.fail("in_office", "must be a mapping {subjects: [...], actions: [...], within: N}")
    themes = tuple(r for r in (reader.theme_rule(i, v, theme_ids) for i, v in enumerate(reader.items(value, "themes"))) if r)
    anaphora = tuple(r for r in (reader.anaphora(i, v, theme_ids) for i, v in enumerate(reader.items(value, "anaphora"))) if r)
    return Rules(
        prime_minister=roles["prime_minister"],
        other_roles=roles["other_roles"],
        future=reader.words(value, "future"),
        government=government,
        actions=actions,
        within=within,
        themes=themes,
        anaphora=anaphora,
    )


class _Reader(FieldReader):
    """Reads the rule kinds, reporting each mistake with its field."""

    def patterns(self, value: dict[str, Value], key: str) -> tuple[str, ...]:
        found = self.words(value, key)
        for pattern in found:
            if NAME not in pattern:
                self.fail(key, f"pattern {pattern!r} must contain {NAME} where the prime minister's name goes")
        return tuple(p for p in found if NAME in p)

    def items(self, value: dict[str, Value], key: str) -> list[dict[str, Value]]:
        items = value.get(key)
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.fail(key, "must be a list of mappings, each with an `id:`")
            return []
        return [i for i in items if isinstance(i, dict)]

    def number(self, value: Value, key: str, default: int) -> int:
        if value is None:
            return default
        if not isinstance(value, str) or not value.isdigit() or int(value) > 20:
            self.fail(key, f"must be a whole number of words from 0 to 20, got {value!r}")
            return default
        return int(value)

    def theme_of(self, item: dict[str, Value], where: str, theme_ids: set[str] | None) -> str | None:
        theme = item.get("theme")
        if isinstance(theme, str) and theme_ids is None:
            return theme
        if not isinstance(theme, str) or theme_ids is None or theme not in theme_ids:
            self.fail(f"{where}.theme", f"must be the id of a theme above, got {theme!r}{did_you_mean(str(theme), theme_ids or set())}")
            return None
        return theme

    def theme_rule(self, index: int, item: dict[str, Value], theme_ids: set[str] | None) -> ThemeRule | None:
        rule_id = str(item.get("id") or f"themes[{index}]")
        theme = self.theme_of(item, f"themes.{rule_id}", theme_ids)
        terms = self.alternatives(item.get("all"), f"themes.{rule_id}.all")
        dated = item.get("dated")
        span: tuple[dt.date, dt.date] | None = None
        if dated is not None:
            if isinstance(dated, dict):
                start, end = self.day(dated.get("from"), rule_id, "from"), self.day(dated.get("to"), rule_id, "to")
                if start and end and start <= end:
                    span = (start, end)
                elif start and end:
                    self.fail(f"themes.{rule_id}.dated", f"ends ({end}) before it starts ({start})")
            else:
                self.fail(f"themes.{rule_id}.dated", "must be {from: YYYY-MM-DD, to: YYYY-MM-DD}")
        return ThemeRule(rule_id, theme, terms, span) if theme and terms else None

    def alternatives(self, value: Value, key: str) -> tuple[tuple[str, ...], ...]:
        """A list whose items are a term or a list of alternative terms."""
        items = value if isinstance(value, list) else []
        found = []
        for item in items:
            options = [item] if isinstance(item, str) else item if isinstance(item, list) else []
            if not options or not all(isinstance(o, str) and o.strip() for o in options):
                self.fail(key, f"every item must be a term or a list of terms, got {item!r}")
                continue
            found.append(tuple(" ".join(o.split()) for o in options if isinstance(o, str)))
        if not found:
            self.fail(key, "must list the terms that must all match in one paragraph (an item may be a list of alternatives)")
        return tuple(found)

    def day(self, value: Value, rule_id: str, key: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"themes.{rule_id}.dated.{key}", f"must be a date YYYY-MM-DD, got {value!r}")
            return None

    def anaphora(self, index: int, item: dict[str, Value], theme_ids: set[str] | None) -> Anaphora | None:
        rule_id = str(item.get("id") or f"anaphora[{index}]")
        theme = self.theme_of(item, f"anaphora.{rule_id}", theme_ids)
        heads, anaphors = self.words(item, "heads", required=True), self.words(item, "anaphors", required=True)
        within = self.number(item.get("within"), f"anaphora.{rule_id}.within", 4)
        return Anaphora(rule_id, theme, heads, anaphors, within) if theme and heads and anaphors else None
