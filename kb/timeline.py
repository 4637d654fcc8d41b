"""Tagged collection -> the timeline: dated events read from the articles' paragraphs.

The dates themselves are found while tagging (kb/dating.py says how a date in
the text is read). An event is listed under the administrations in office at
some point of its date that its paragraph concerns: a year that saw a change of
government never lists an article on the page of an administration the
paragraph is not about.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass

from kb.dates import PartialDate
from kb.dating import KINDS, DateMention, find_dates
from kb.tagging import Collection, Passage
from kb.taxonomy import Taxonomy

__all__ = ["KINDS", "DateMention", "Event", "administrations_during", "extract_events", "find_dates"]


@dataclass(frozen=True)
class Event:
    """A dated event of the timeline, with the paragraph it comes from.

    `administration` is the one in office over the whole span of the date (a
    year that saw a change of government has none); `administrations` lists
    the administrations in office at some point of the span that the event's
    paragraph concerns, in taxonomy order: the pages that list the event.
    """

    date: PartialDate
    end: PartialDate | None
    kind: str
    qualifier: str | None
    words: str
    sentence: str
    passage: Passage
    administration: str | None
    administrations: tuple[str, ...]
    themes: tuple[str, ...]
    offset: int = 0  # where the date's words are in the paragraph

    @property
    def last(self) -> PartialDate:
        """The end of the range, or the date itself."""
        return self.end or self.date

    @functools.cached_property
    def key(self) -> tuple[object, ...]:
        """Chronological order, then the order of the collection's text (kept: every build sorts every event by it)."""
        article = self.passage.article
        return (self.date.key, self.last.key, article.date.key, article.id, self.passage.block.number, self.offset)


def extract_events(collection: Collection) -> tuple[Event, ...]:
    """Every dated event of every paragraph of the collection, in chronological order."""
    events = []
    for tagged in collection.articles:
        for passage in tagged.passages:
            themes_of: dict[int, tuple[str, ...]] = {}
            spans = {t: sorted(s for e in passage.reasons(t) for s, _ in e.spans) for t in passage.themes}
            for mention in passage.dates:
                whole, spanned = administrations_during(collection.taxonomy, mention.date.first_day, mention.last.last_day)
                concerned = tuple(a for a in spanned if a in passage.administrations)
                if mention.sentence_offset not in themes_of:
                    themes_of[mention.sentence_offset] = _sentence_themes(passage, mention, spans)
                events.append(
                    Event(
                        mention.date, mention.end, mention.kind, mention.qualifier, mention.words,
                        mention.sentence, passage, whole, concerned, themes_of[mention.sentence_offset], mention.offset,
                    )
                )  # fmt: skip
    return tuple(sorted(events, key=lambda e: e.key))


def _sentence_themes(passage: Passage, mention: DateMention, spans: dict[str, list[int]]) -> tuple[str, ...]:
    """The paragraph's themes whose evidence lies in the mention's sentence; all of them if none does."""
    start, stop = mention.sentence_offset, mention.sentence_offset + len(mention.sentence)
    named = [t for t in passage.themes if bisect.bisect_left(spans[t], start) < bisect.bisect_left(spans[t], stop)]
    return tuple(named) or passage.themes


def administrations_during(taxonomy: Taxonomy, first: dt.date, last: dt.date) -> tuple[str | None, tuple[str, ...]]:
    """(the administration in office from `first` to `last` throughout, or None; every one in office at some point)."""
    spanned = tuple(
        a.id for a in taxonomy.administrations if any(t.start <= last and (t.end is None or first < t.end) for t in a.terms)
    )
    whole = next((a.id for a in taxonomy.administrations if any(t.covers(first) and t.covers(last) for t in a.terms)), None)
    return whole, spanned


