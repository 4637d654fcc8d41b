"""Strict YAML reading: plain strings, lists and mappings, with line numbers.

Contributors' YAML is untrusted. Every scalar stays a string (so `title: no`
is "no", not False, and `date: 2024-03-25` is the text the contributor wrote);
only an empty value or `null`/`~` means null. Tags, aliases and duplicate keys
are refused before anything is built, so an alias bomb costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from kb.text import name

try:  # libyaml's parser is several times faster; fall back where it is missing
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None  # type: ignore[assignment,misc]

NULL = "tag:yaml.org,2002:null"
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"


class _Resolver(BaseResolver):
    """Resolves plain scalars to null or str only, never bool, int, float or date."""


_Resolver.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _CLoader(_CParser or object, _Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _CParser.__init__(self, stream)
        _Resolver.__init__(self)


class _PyLoader(Reader, Scanner, Parser, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Resolver.__init__(self)


_Loader = _CLoader if _CParser is not None else _PyLoader
# Deeper nesting than any record needs is refused while parsing, before it costs
# anything: composing 50,000 nested `[` crashes libyaml and Python alike.
MAX_DEPTH = 20


class YamlError(Exception):
    """A YAML document that cannot be accepted, with the line it happened on."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


Value = str | None | list["Value"] | dict[str, "Value"]


class Text(str):
    """A YAML text that remembers the 1-based line it starts on."""

    line: int

    def __new__(cls, value: str, line: int = 0) -> Text:
        text = super().__new__(cls, value)
        text.line = line
        return text

    def __reduce__(self) -> tuple[type[Text], tuple[str, int]]:
        # A Text may travel inside cached results; it pickles as itself, line and all.
        return (Text, (str(self), self.line))


class Items(list[Value]):
    """A YAML list that remembers the line it starts on."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


class Fields(dict[str, Value]):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


def line_of(value: object, key: str | None = None) -> int | None:
    """The line a value read by this module starts on (or the line of `key` in a mapping), if known."""
    if key is not None and isinstance(value, Fields) and key in value.lines:
        return value.lines[key]
    return getattr(value, "line", None)


@dataclass(frozen=True)
class Entry:
    """A mapping key with its value and the 1-based line the key is on."""

    key: str
    value: Value
    line: int


def parse_mapping(text: str, first_line: int = 1) -> list[Entry]:
    """Parse a YAML mapping document into entries; raise YamlError otherwise."""
    value = _build(text, first_line)
    if value is None:
        return []
    if not isinstance(value, Fields):
        raise YamlError(line_of(value) or first_line, f"expected a mapping of `key: value` lines, got {_kind(value)}")
    return [Entry(key, item, value.lines[key]) for key, item in value.items()]


def parse_document(text: str, first_line: int = 1) -> Value:
    """Parse any YAML document into plain strings, lists and dicts (each knowing its line)."""
    return _build(text, first_line)


def _build(text: str, first_line: int) -> Value:
    """Build the document from parser events, with an explicit stack: no recursion, bounded depth."""
    loader = _Loader(text)
    try:
        return _from_events(loader, first_line)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + first_line if mark else None
        message = f"YAML syntax error: {err.problem or err.context}"
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            message += f" ({err.context} started on line {err.context_mark.line + first_line}; check quotes and brackets there)"
        raise YamlError(line, message) from None
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + first_line
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        raise YamlError(line, f"contains {name(char)}, which YAML does not allow (an invisible or control character); delete it") from None
    except yaml.YAMLError as err:
        raise YamlError(None, f"YAML error: {' '.join(str(err).split())}") from None
    finally:
        loader.dispose()


def _from_events(loader: _CLoader | _PyLoader, first_line: int) -> Value:
    root: list[Value] = []
    stack: list[Items | Fields] = []
    pending: list[Text | None] = []  # per open mapping: the key waiting for its value
    while loader.check_event():
        event = loader.get_event()
        line = int(event.start_mark.line) + first_line
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(line, "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            expected = SEQ if isinstance(event, yaml.SequenceStartEvent) else MAP
            if event.tag not in (None, "!", expected):
                raise YamlError(line, f"YAML tag '{event.tag}' is not allowed; use plain text, lists and mappings")
            if len(stack) >= MAX_DEPTH:
                raise YamlError(line, f"lists and mappings are nested more than {MAX_DEPTH} levels deep; write the value flat")
            container: Items | Fields = Items(line) if expected == SEQ else Fields(line)
            _add(container, stack, pending, root, line)
            stack.append(container)
            if isinstance(container, Fields):
                pending.append(None)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            if isinstance(stack.pop(), Fields):
                pending.pop()
        elif isinstance(event, yaml.ScalarEvent):
            _add(_scalar(loader, event, line), stack, pending, root, line)
    return root[0] if root else None


def _scalar(loader: _CLoader | _PyLoader, event: yaml.ScalarEvent, line: int) -> Text | None:
    tag = event.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    if tag == NULL:
        return None
    if tag == STR:
        return Text(event.value, line)
    raise YamlError(line, f"YAML tag '{event.tag}' is not allowed; use plain text, lists and mappings")


def _add(value: Value, stack: list[Items | Fields], pending: list[Text | None], root: list[Value], line: int) -> None:
    """Put a finished value where it belongs: the document, a list, a mapping key or a mapping value."""
    if not stack:
        root.append(value)
        return
    top = stack[-1]
    if isinstance(top, Items):
        top.append(value)
        return
    key = pending[-1]
    if key is None:
        if not isinstance(value, Text) or not value:
            raise YamlError(line, "keys must be plain words")
        if value in top.lines:
            raise YamlError(line, f"duplicate key '{value}' (first on line {top.lines[value]}); keep one")
        pending[-1] = value
        return
    top[str(key)] = value
    top.lines[str(key)] = key.line
    pending[-1] = None


def _kind(value: Value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return "something else"
