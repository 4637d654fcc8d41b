"""What "today" means when checking dates: the latest calendar date anywhere on Earth."""

from __future__ import annotations

import datetime as dt

# The easternmost time zone in use (Line Islands, Kiribati) is UTC+14: an article
# dated today anywhere has a date no later than today there. Using it makes
# `check` give the same answer on every machine, whatever its local time zone.
LATEST_ZONE = dt.timezone(dt.timedelta(hours=14))


def today(now: dt.datetime | None = None) -> dt.date:
    """The date in UTC+14 at `now` (default: the current instant), independent of the local time zone."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(LATEST_ZONE).date()
