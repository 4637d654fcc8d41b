"""Strict YAML reading: plain strings, lists and mappings, with line numbers.

Contributors' YAML is untrusted. Every scalar stays a string (so `title: no`
is "no", not False, and `date: 2024-03-25` is the text the contributor wrote);
only an empty value or `null`/`~` means null. Tags, aliases and duplicate keys
are refused before anything is built, so an alias bomb costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

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


class _PyLoader(Reader, Scanner, Parser, Composer, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


_Loader = _CLoader if _CParser is not None else _PyLoader


class YamlError(Exception):
    """A YAML document that cannot be accepted, with the line it happened on."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


Value = str | None | list["Value"] | dict[str, "Value"]


@dataclass(frozen=True)
class Entry:
    """A mapping key with its value and the 1-based line the key is on."""

    key: str
    value: Value
    line: int


def parse_mapping(text: str, first_line: int = 1) -> list[Entry]:
    """Parse a YAML mapping document into entries; raise YamlError otherwise."""
    node = _compose(text, first_line)
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise YamlError(_line(node, first_line), f"expected a mapping of `key: value` lines, got {_kind(node)}")
    return list(_entries(node, first_line))


def parse_document(text: str, first_line: int = 1) -> Value:
    """Parse any YAML document into plain strings, lists and dicts."""
    node = _compose(text, first_line)
    return None if node is None else _plain(node, first_line)




def _compose(text: str, first_line: int) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + first_line if mark else None
        message = f"YAML syntax error: {err.problem or err.context}"
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            message += f" ({err.context} started on line {err.context_mark.line + first_line}; check quotes and brackets there)"
        raise YamlError(line, message) from None
    except yaml.YAMLError as err:
        raise YamlError(None, f"YAML error: {err}") from None
    finally:
        loader.dispose()
    if node is not None:
        _refuse_aliases(node, first_line)
    return node


def _refuse_aliases(root: yaml.Node, first_line: int) -> None:
    # An alias is the same node object reached twice; a bounded walk finds it
    # without ever expanding the graph.
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise YamlError(_line(node, first_line), "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _entries(node: yaml.MappingNode, first_line: int) -> Iterator[Entry]:
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = _line(key_node, first_line)
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (STR, NULL) or not key_node.value:
            raise YamlError(line, "keys must be plain words")
        key = str(key_node.value)
        if key in seen:
            raise YamlError(line, f"duplicate key '{key}' (first on line {seen[key]}); keep one")
        seen[key] = line
        yield Entry(key, _plain(value_node, first_line), line)


def _plain(node: yaml.Node, first_line: int) -> Value:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL:
            return None
        if node.tag == STR:
            return str(node.value)
    elif isinstance(node, yaml.SequenceNode) and node.tag == SEQ:
        return [_plain(item, first_line) for item in node.value]
    elif isinstance(node, yaml.MappingNode) and node.tag == MAP:
        return {entry.key: entry.value for entry in _entries(node, first_line)}
    raise YamlError(_line(node, first_line), f"YAML tag '{node.tag}' is not allowed; use plain text, lists and mappings")


def _line(node: yaml.Node, first_line: int) -> int:
    return int(node.start_mark.line) + first_line


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode):
        return f"the text {node.value!r}"
    return "something else"
