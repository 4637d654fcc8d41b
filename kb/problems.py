"""Problems found in contributors' input, collected and reported together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file, with where and what to do."""

    path: str
    line: int | None
    field: str
    message: str

    def format(self, style: str = "text") -> str:
        """Render as `path:line: field: message` or as a GitHub Actions annotation."""
        if style == "github":
            where = f"file={self.path}" + (f",line={self.line}" if self.line else "")
            text = f"{self.field}: {self.message}".replace("%", "%25").replace("\n", "%0A")
            return f"::error {where}::{text}"
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}"


class InputError(Exception):
    """Raised once, after a stage collected every problem of its input."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.field, p.message))
        super().__init__(summary(self.problems))


def summary(problems: list[Problem]) -> str:
    """The closing line of a failed run: how many errors in how many files."""
    files = len({p.path for p in problems})
    errors = "error" if len(problems) == 1 else "errors"
    sources = "file" if files == 1 else "files"
    return f"Aborted with {len(problems)} {errors} in {files} {sources}."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `; did you mean 'x'?` suffix when a close match exists, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
