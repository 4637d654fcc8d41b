"""Field-by-field reading of YAML records (taxonomy and entity entries), collecting problems."""

from __future__ import annotations

from kb.problems import Problem
from kb.text import hidden_problem
from kb.yamlio import Value, line_of


class FieldReader:
    """Checks that record a problem and go on, so that one run reports every mistake."""

    def __init__(self, where: str, problems: list[Problem]) -> None:
        self.where = where
        self.problems = problems
        self.context = ""  # prefix of field names, e.g. "themes.abductions."
        self.record: Value = None  # the entry being read, for the line of its fields
        self.found_on: dict[tuple[str, str], int] = {}  # (context, text read) -> its line, for checks across entries

    def fail(self, field: str, message: str, line: int | None = None) -> None:
        """Record a problem with the current field (at `line`, else the line of the field in the current record)."""
        if line is None:
            line = line_of(self.record, field.split(".")[0]) or line_of(self.record)
        self.problems.append(Problem(self.where, line, f"{self.context}{field}", message))

    def text(self, item: dict[str, Value], key: str, required: bool = True) -> str | None:
        """A non-empty text, whitespace collapsed, without hidden characters; None when absent and optional."""
        value = item.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty text", line_of(item, key))
            return None
        return self._clean(key, value)

    def words(self, item: dict[str, Value], key: str, required: bool = False) -> tuple[str, ...]:
        """A list of non-empty texts, whitespace collapsed, without hidden characters."""
        value = item.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must be a list of non-empty texts", line_of(item, key))
            return ()
        cleaned = (self._clean(key, v) for v in value if isinstance(v, str))
        return tuple(v for v in cleaned if v is not None)

    def _clean(self, key: str, value: str) -> str | None:
        problem = hidden_problem(value, allow_line_breaks=True)
        if problem:
            self.fail(key, problem, line_of(value))
            return None
        cleaned = " ".join(value.split())
        self.found_on.setdefault((self.context, cleaned), line_of(value) or line_of(self.record) or 0)
        return cleaned
