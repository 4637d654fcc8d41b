"""Front matter values -> YAML, as PyYAML writes them in block style, without PyYAML for the common values.

Every page has front matter, and PyYAML's representer (Python, even with libyaml's
emitter) was a tenth of a build from nothing. The values pages give are mappings,
lists, booleans and texts: those are written here directly, texts plain or in single
quotes, in the very bytes PyYAML gives (tests/test_frontmatter.py compares the two).
A text whose form this module is not sure of, and any other value, is left to PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

# libyaml's emitter writes the same text as PyYAML's own, several times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Characters PyYAML escapes (controls, C1 controls, the byte order mark, non-characters,
# surrogates; libyaml also every character beyond U+FFFF) or that break or space a line other
# than the space: a text holding one is left to PyYAML.
_SPECIAL = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff\U00010000-\U0010ffff]")
# The rest is written as PyYAML does in block context: in single quotes where its plain form
# would read as something else (a number, a date, a boolean, null) or where ": " or " #"
# would start a mapping value or a comment; plain where it starts with a letter or a digit
# and has no ":" at its end. (A text that is neither, or starts or ends with a space, or holds
# two in a row, is left to PyYAML.)
_NOT_PLAIN = re.compile(r": | #|:$")
_RESOLVER = yaml.resolver.Resolver()
_TEXT = "tag:yaml.org,2002:str"
_LONGEST = 2_000  # longer texts are left to PyYAML, which folds them onto several lines
# A key of letters, digits, "_" and "."; libyaml writes a key over 128 characters as "? key".
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,99}")


class _Unsure(Exception):
    """A value this module does not write itself."""


def dump(data: Mapping[str, object]) -> str:
    """yaml.dump(data) with the options of every page's front matter."""
    try:
        if not data:
            raise _Unsure
        lines: list[str] = []
        _mapping(data, "", lines)
        return "".join(lines)
    except _Unsure:
        return pyyaml(data)


def pyyaml(data: Mapping[str, object]) -> str:
    """What PyYAML writes for the same data (what dump() writes, always)."""
    dumped: str = yaml.dump(dict(data), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return dumped


def _mapping(data: Mapping[Any, object], indent: str, lines: list[str]) -> None:
    for key, value in data.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key) or not _is_text(key):
            raise _Unsure
        if isinstance(value, Mapping):
            if not value:
                raise _Unsure
            lines.append(f"{indent}{key}:\n")
            _mapping(value, indent + "  ", lines)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{indent}{key}: []\n")
                continue
            lines.append(f"{indent}{key}:\n")
            # PyYAML writes a list that is a mapping's value without indenting its dashes.
            lines += [f"{indent}- {_scalar(item)}\n" for item in value]
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}\n")


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if not isinstance(value, str) or not value or len(value) > _LONGEST or _SPECIAL.search(value):
        raise _Unsure
    if value[0] == " " or value[-1] == " " or "  " in value:
        raise _Unsure
    if not _is_text(value) or _NOT_PLAIN.search(value):
        return "'" + value.replace("'", "''") + "'"
    if value[0].isalnum():
        return value
    raise _Unsure


def _is_text(value: str) -> bool:
    """Whether YAML reads the text, written plain, as that text (not as a number, date, boolean or null)."""
    return bool(_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _TEXT)  # type: ignore[no-untyped-call]
