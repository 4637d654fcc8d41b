"""Problems found in contributors' input, collected and reported together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from kb.text import visible

Severity = Literal["error", "note"]
T = TypeVar("T", covariant=True)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file, with where and what to do.

    A "note" is not an error: it says which checks a run had to skip (say, the
    sources' administrations while the taxonomy's list of them is broken).
    """

    path: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def format(self, style: str = "text") -> str:
        """Render as `path:line: field: message` (terminal-safe) or as a GitHub Actions workflow command."""
        if style == "github":
            command = "error" if self.severity == "error" else "notice"
            return workflow_command(command, self.path, self.line, f"{self.field}: {self.message}")
        where = f"{self.path}:{self.line}" if self.line else self.path
        note = "note: " if self.severity == "note" else ""
        return visible(f"{where}: {self.field}: {note}{self.message}")


def workflow_command(command: str, path: str, line: int | None, text: str, lines: bool = False) -> str:
    """`::command file=…,line=…::text` with GitHub's escaping, so no value can end the command early or forge another.

    With `lines`, line breaks in `text` become line breaks of the annotation; otherwise they are shown as `\\n`.
    """
    # Line breaks in a file name are escaped the workflow way (GitHub decodes them); other hidden characters are shown.
    where = f"file={_property(visible(path, keep=chr(13) + chr(10)))}" + (f",line={line}" if line else "")
    return f"::{command} {where}::{_data(visible(text, keep=chr(10) if lines else ''))}"


def _data(value: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped, so it can never end the command early."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """A workflow command's property value: also `:` and `,`, which end a property."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")


class InputError(Exception):
    """Raised once, after a stage collected every problem of its input."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.field, p.message, p.severity))
        super().__init__(summary(self.problems))


@dataclass(frozen=True)
class Checked(Generic[T]):
    """What a stage read (as much as it could) and every problem it found on the way."""

    value: T
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether no error was found (notes alone do not count)."""
        return not any(p.severity == "error" for p in self.problems)

    def get(self) -> T:
        """The value, or InputError listing every problem."""
        if not self.ok:
            raise InputError(self.problems)
        return self.value


def raise_all(*stages: Checked[object]) -> None:
    """Raise one InputError with the problems of every stage, if any stage found an error."""
    if not all(stage.ok for stage in stages):
        raise InputError(p for stage in stages for p in stage.problems)


def summary(problems: list[Problem]) -> str:
    """The closing line of a failed run: how many errors in how many files."""
    problems = [p for p in problems if p.severity == "error"]
    files = len({p.path for p in problems})
    errors = "error" if len(problems) == 1 else "errors"
    sources = "file" if files == 1 else "files"
    return f"Aborted with {len(problems)} {errors} in {files} {sources}."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `; did you mean 'x'?` suffix when a close match exists, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
