"""Dates with the precision a source allows: a year, a month or a day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A year, year-month or full date; unknown parts are None."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError saying what is wrong."""
        match = _ISO.match(text)
        if not match:
            raise ValueError(f"must be YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        if year < dt.MINYEAR:  # the calendar has no year 0: dt.date() would raise later, far from the input
            raise ValueError(f"year {year} does not exist, got {text!r}")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist, got {text!r}")
        if month is not None and day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"{text!r} is not a date in the calendar") from None
        return cls(year, month, day)

    @property
    def key(self) -> tuple[int, int, int]:
        """Sort key: a year sorts before its months, a month before its days."""
        return (self.year, self.month or 0, self.day or 0)

    @property
    def precision(self) -> str:
        """'day', 'month' or 'year'."""
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first_day(self) -> dt.date:
        """The earliest calendar day this date may mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The latest calendar day this date may mean."""
        if self.day:
            return self.first_day
        if self.month:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def iso(self) -> str:
        """`2024`, `2024-03` or `2024-03-25`."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def human(self) -> str:
        """`2024`, `March 2024` or `25 March 2024`."""
        if not self.month:
            return str(self.year)
        month = MONTHS[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def __str__(self) -> str:
        return self.iso()
