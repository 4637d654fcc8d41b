"""Field-by-field reading of YAML records (taxonomy and entity entries), collecting problems."""

from __future__ import annotations

from kb.problems import Problem
from kb.yamlio import Value


class FieldReader:
    """Checks that record a problem and go on, so that one run reports every mistake."""

    def __init__(self, where: str, problems: list[Problem]) -> None:
        self.where = where
        self.problems = problems
        self.context = ""  # prefix of field names, e.g. "themes.abductions."

    def fail(self, field: str, message: str, line: int | None = None) -> None:
        """Record a problem with the current field."""
        self.problems.append(Problem(self.where, line, f"{self.context}{field}", message))

    def text(self, item: dict[str, Value], key: str, required: bool = True) -> str | None:
        """A non-empty text, whitespace collapsed; None when absent and optional."""
        value = item.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty text")
            return None
        return " ".join(value.split())

    def words(self, item: dict[str, Value], key: str, required: bool = False) -> tuple[str, ...]:
        """A list of non-empty texts, whitespace collapsed."""
        value = item.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must be a list of non-empty texts")
            return ()
        return tuple(" ".join(v.split()) for v in value if isinstance(v, str))
