"""Read a raw web capture: propose its metadata and point out the lines that look like page furniture.

Every rule here looks at the shape of a line (a date and a time with a label, a
name after "By", a credit in brackets at the end, a row of sharing buttons), never
at the words of one known page. Nothing is deleted: the capture's lines all stay,
and each suspicious one gets a `Note` saying what it looks like.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from enum import Enum

from kb.capture_lines import (
    CONTROL,
    COPYRIGHT,
    NOTICE,
    Author,
    Paragraph,
    Shape,
    VocabularyError,
    bare_names,
    date_in,
    ends_sentence,
    is_biography,
    is_prose,
    line_shape,
    paragraphs_of,
    url_date,
    vocabulary,
    word_count,
)  # fmt: skip


class CaptureError(Exception):
    """Why the capture cannot start a source file."""


class Kind(Enum):
    """What a paragraph of the capture looks like; the value is the message shown to the contributor."""

    TITLE = "is the title (already in `title:`)"
    BYLINE = "is the byline (already in `authors:`)"
    DATE = "is the date line (already in `date:`)"
    TIMESTAMP = "is a posting or update time of the page"
    COPYRIGHT = "is a copyright notice (already in `rights:`)"
    STANDFIRST = "is the standfirst (already in `summary:`)"
    LABEL = "looks like a label of the page"
    REPEATS_TITLE = "repeats the title"
    CAPTION = "looks like a photo caption or credit"
    PULL_QUOTE = "repeats a sentence of the text (a pull quote)"
    RELATED = "looks like a link to another article (a 'Related' or 'Read more' block)"
    FURNITURE = "looks like web-page furniture"
    BIOGRAPHY = "looks like the author's biography"
    HEADING = "looks like a section heading"
    LOWER_CASE = "starts in lower case"
    HASH = "starts with `#`, so it will show as a section heading"

    @property
    def advice(self) -> str:
        """What the contributor should do with such a line."""
        return _ADVICE.get(self, "delete it here")

    @property
    def is_furniture(self) -> bool:
        """True if the line should go; False if it is text to mark up or join."""
        return self not in (Kind.HEADING, Kind.LOWER_CASE, Kind.HASH)


_ADVICE = {
    Kind.TIMESTAMP: "delete it if it is not the article's text",
    Kind.LABEL: "put it in `series:` if it names the series or column; delete it if it is not the article's text",
    Kind.REPEATS_TITLE: "delete it if it is web-page furniture",
    Kind.CAPTION: "delete it if it is not the article's text",
    Kind.RELATED: "delete it if it is not the article's text",
    Kind.PULL_QUOTE: "delete it if the page showed it as a pull quote",
    Kind.FURNITURE: "delete it if it is not the article's text",
    Kind.BIOGRAPHY: "put the affiliation in `affiliation:` and delete it",
    Kind.HEADING: "write `## ` before it if it is one; delete it if it is web-page furniture",
    Kind.LOWER_CASE: "if it continues the previous paragraph (a page break in the capture), join the two",
    Kind.HASH: "keep it only if it is one",
}


@dataclass(frozen=True)
class Note:
    """A paragraph the contributor should look at, and what it looks like."""

    index: int
    kind: Kind


@dataclass(frozen=True)
class Given:
    """What the contributor said on the command line; it wins over what the capture suggests."""

    title: str | None = None
    date: str | None = None
    authors: tuple[Author, ...] = ()
    publisher: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Capture:
    """Proposed front-matter values, the capture's paragraphs, and the notes on them."""

    title: str | None = None
    authors: tuple[Author, ...] = ()
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    affiliation: str | None = None
    summary: str | None = None
    rights: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    notes: tuple[Note, ...] = ()
    removed_control: int = 0

    def note(self, index: int) -> Kind | None:
        """The note on paragraph `index`, if any."""
        return next((n.kind for n in self.notes if n.index == index), None)


def from_options(given: Given) -> Capture:
    """A capture of nothing: only what the options say."""
    return Capture(title=given.title, authors=given.authors, publisher=given.publisher, date=given.date, url=given.url)




def _bare_byline(paragraphs: tuple[Paragraph, ...], shapes: list[Shape], head: int) -> list[Shape]:
    # Names alone on a line after the headline, where the page has no "By" line, are the byline.
    # A single name must follow the headline directly; a page label repeated on the page is no byline.
    if any(s.byline for s in shapes[:head]):
        return shapes
    counts = Counter(_norm(p.text) for p in paragraphs)
    headlines = [j for j in range(head) if word_count(paragraphs[j].text) >= 5 and not shapes[j].any]
    for i in range(1, head):
        names = bare_names(paragraphs[i].text) if headlines and headlines[0] < i and not shapes[i].any else ()
        if names and counts[_norm(paragraphs[i].text)] == 1 and (len(names) > 1 or i - 1 in headlines):
            return [replace(s, byline=(names, None)) if j == i else s for j, s in enumerate(shapes)]
    return shapes


def _body_start(paragraphs: tuple[Paragraph, ...], shapes: list[Shape]) -> int:
    """The first paragraph of the article's text; what comes before is headline, byline and labels."""
    for i, para in enumerate(paragraphs):
        if shapes[i].dateline or shapes[i].inline_authors:
            return i
        if not is_prose(para.text) or shapes[i].any:
            continue
        # A headline or standfirst that ends with a period is followed by the byline or date before the text begins.
        following = []
        for j in range(i + 1, min(i + 5, len(paragraphs))):
            if is_prose(paragraphs[j].text) and not shapes[j].any:
                break
            following.append(shapes[j])
        if word_count(para.text) <= 40 and any(s.meta for s in following):
            continue
        return i
    return len(paragraphs)


def read_capture(text: str, given: Given | None = None) -> Capture:
    """Recognise the metadata of a raw capture and note the lines that may not be the article's text."""
    given = given or Given()
    try:
        vocabulary()
    except VocabularyError as err:
        raise CaptureError(str(err)) from None
    cleaned = CONTROL.sub("", text)
    paragraphs = paragraphs_of(cleaned)
    if not paragraphs:
        raise CaptureError("the capture has no text")
    shapes = [line_shape(p.text, True) for p in paragraphs]
    head = _body_start(paragraphs, shapes)
    shapes = [s if i < head else line_shape(paragraphs[i].text, False) for i, s in enumerate(shapes)]
    shapes = _bare_byline(paragraphs, shapes, head)
    notes: dict[int, Kind] = {}

    authors: tuple[Author, ...] = ()
    affiliation = None
    for i, shape in enumerate(shapes):
        if shape.byline:
            if not authors:
                authors, affiliation = shape.byline
            notes[i] = Kind.BYLINE
        elif shape.inline_authors and not authors:
            authors = shape.inline_authors
    date = _publication_date(paragraphs, shapes, head, notes, given.url)
    rights = next((p.text for p in paragraphs if COPYRIGHT.match(p.text) and len(p.text) <= 80), None)
    for i, para in enumerate(paragraphs):
        if i not in notes and COPYRIGHT.match(para.text) and para.text == rights:
            notes[i] = Kind.COPYRIGHT
    publisher = next((s.dateline.agency for s in shapes if s.dateline and s.dateline.agency), None) or _outlet_of_date_line(paragraphs, notes)

    title_index = _title_index(paragraphs, shapes, head, notes, given.title)
    title = given.title or (paragraphs[title_index].text if title_index is not None else None)
    if title_index is not None:
        notes[title_index] = Kind.TITLE
    summary = _standfirst(paragraphs, shapes, head, title_index, title, notes)
    _related_blocks(paragraphs, shapes, notes)
    # The last paragraph of running text: short lines after it are the page's footer.
    last_text = max(
        (i for i, p in enumerate(paragraphs) if i not in notes and not shapes[i].any and (is_prose(p.text) or word_count(p.text) >= 16)), default=-1
    )
    for i, para in enumerate(paragraphs):
        if i not in notes:
            kind = _note(para, i, paragraphs, shapes, (head, last_text, title_index), title, authors)
            if kind:
                notes[i] = kind
    return Capture(
        title=title, authors=given.authors or authors, publisher=given.publisher or publisher, date=given.date or date,
        url=given.url, affiliation=affiliation, summary=summary, rights=rights, paragraphs=paragraphs,
        notes=tuple(Note(i, k) for i, k in sorted(notes.items())), removed_control=len(text) - len(cleaned),
    )  # fmt: skip


def _publication_date(paragraphs: tuple[Paragraph, ...], shapes: list[Shape], head: int, notes: dict[int, Kind], url: str | None) -> str | None:
    # The page's own date line wins (a "published" line before an "updated" one), then the address, then a
    # wire dateline's day with the year shown elsewhere. Every other date line is a timestamp of the page.
    stamps = [i for i, s in enumerate(shapes) if (s.timestamp or (s.byline and date_in(paragraphs[i].text))) and date_in(paragraphs[i].text)]
    for i, s in enumerate(shapes):
        if s.timestamp and i not in stamps:
            notes[i] = Kind.TIMESTAMP  # a date line whose date is not in the calendar
    first_update = re.compile(r"^\W*(?:last )?(?:updated?|modified|edited)\b", re.IGNORECASE)
    in_head = [i for i in stamps if i < head] or [i for i in stamps if word_count(paragraphs[i].text) <= 6]
    ranked = sorted(in_head, key=lambda i: (bool(first_update.match(paragraphs[i].text)), i))
    chosen = ranked[0] if ranked else None
    for i in stamps:
        if i not in notes:
            notes[i] = Kind.DATE if i == chosen else Kind.TIMESTAMP
    date = date_in(paragraphs[chosen].text) if chosen is not None else None
    from_url = url_date(url)
    if from_url and (date is None or (from_url.startswith(date) and len(from_url) > len(date))):
        return from_url
    if date:
        return date
    for s in shapes:
        if s.dateline and s.dateline.day:
            years = re.findall(r"\b(?:19|20)\d{2}\b", " ".join(p.text for p in paragraphs if COPYRIGHT.match(p.text) or NOTICE.search(p.text)))
            if years:
                return date_in(f"{s.dateline.month} {s.dateline.day}, {years[0]}")
            # else the year of a full date elsewhere in the capture on the same month and day (a caption, say)
            day = date_in(f"{s.dateline.month} {s.dateline.day}, 2000")
            same = [d for d in (date_in(p.text) for p in paragraphs) if d and day and len(d) == 10 and d[4:] == day[4:]]
            if same:
                return same[0]
    return None


def _outlet_of_date_line(paragraphs: tuple[Paragraph, ...], notes: dict[int, Kind]) -> str | None:
    # "October 5, 2021 (Example Japan)": the outlet named in brackets after the date.
    line = next((paragraphs[i].text for i, kind in notes.items() if kind is Kind.DATE), "")
    match = re.search(r"\(([A-Z][\w&.' -]{1,40})\)$", line)
    return match[1].strip() if match and not any(c.isdigit() for c in match[1]) else None


def _title_index(
    paragraphs: tuple[Paragraph, ...], shapes: list[Shape], head: int, notes: dict[int, Kind], given: str | None
) -> int | None:
    counts = Counter(_norm(p.text) for p in paragraphs)
    if given:
        copies = [i for i, p in enumerate(paragraphs) if _norm(p.text) == _norm(given) and i not in notes]
        return copies[0] if copies else None
    # A headline is usually repeated by the page (heading, breadcrumb, image caption); else it is the
    # last line that is not a sentence before the byline or date; else the first line of the head.
    candidates = [i for i in range(head) if i not in notes and not shapes[i].any and _could_be_title(paragraphs[i].text)]
    repeated = [i for i in candidates if counts[_norm(paragraphs[i].text)] > 1]
    if repeated:
        return max(repeated, key=lambda i: (counts[_norm(paragraphs[i].text)], -i))
    pool = [i for i in candidates if word_count(paragraphs[i].text) >= 5] or candidates
    # The byline is the surest anchor (a date line may come before the headline); else the first date line.
    meta = next((i for i in range(head) if shapes[i].byline), None)
    meta = meta if meta is not None else next((i for i in range(head) if shapes[i].timestamp), None)
    before = [i for i in pool if meta is not None and i < meta]
    pool = before or pool
    headlines = [i for i in pool if not is_prose(paragraphs[i].text)]
    if headlines:
        return headlines[-1]
    return pool[0] if pool else None


def _could_be_title(text: str) -> bool:
    return word_count(text) >= 3 and len(text) <= 250 and not vocabulary().page_label.match(text) and not NOTICE.search(text)


def _standfirst(
    paragraphs: tuple[Paragraph, ...], shapes: list[Shape], head: int, title_index: int | None, title: str | None, notes: dict[int, Kind]
) -> str | None:
    # A sentence the page shows between two copies of the headline, or after the headline and before the
    # text begins, is its standfirst.
    repeats = [i for i, p in enumerate(paragraphs[:12]) if title and _norm(p.text) == _norm(title)]
    span = range(repeats[0] + 1, repeats[-1]) if len(repeats) > 1 else range(title_index + 1 if title_index is not None else head, head)
    for index in span:
        text = paragraphs[index].text
        if index not in notes and not shapes[index].any and is_prose(text) and word_count(text) <= 60:
            notes[index] = Kind.STANDFIRST
            return text
    return None


def _related_blocks(paragraphs: tuple[Paragraph, ...], shapes: list[Shape], notes: dict[int, Kind]) -> None:
    # After a "Related" or "Read more" label come headlines of other articles, until the text or a notice resumes.
    for start, para in enumerate(paragraphs):
        if not vocabulary().related_head.match(para.text):
            continue
        notes.setdefault(start, Kind.RELATED)
        for index in range(start + 1, min(start + 13, len(paragraphs))):
            text = paragraphs[index].text
            if index in notes or shapes[index].any or word_count(text) > 25 or len(re.findall(r"(?<=[a-z0-9]{2})[.!?](?:\s|$)", text)) > 1:
                break
            notes[index] = Kind.RELATED


def _note(
    para: Paragraph, index: int, paragraphs: tuple[Paragraph, ...], shapes: list[Shape], marks: tuple[int, int, int | None],
    title: str | None, authors: tuple[Author, ...],
) -> Kind | None:  # fmt: skip
    text = para.text
    words = word_count(text)
    shape = shapes[index]
    if re.match(r"#{1,6}[ \t]", para.lines[0]):
        return Kind.HASH
    if title and _norm(text) == _norm(title):
        return Kind.REPEATS_TITLE
    if shape.caption:
        return Kind.CAPTION
    if shape.furniture:
        return Kind.FURNITURE
    if words >= 5 and _is_pull_quote(text, index, paragraphs):
        return Kind.PULL_QUOTE
    if index >= len(paragraphs) - 5 and is_biography(text, authors):
        return Kind.BIOGRAPHY
    head, last_text, title_index = marks  # where the text begins and ends, and the headline
    if index < head:
        if index == head - 1 and title_index is not None and title_index < index and words <= 8 and not ends_sentence(text):
            return Kind.HEADING  # a short line between the headline's block and the text: the first section heading
        return Kind.LABEL if words <= 8 and not ends_sentence(text) else Kind.FURNITURE
    if text[0].islower() and index > 0 and not ends_sentence(paragraphs[index - 1].text):
        return Kind.LOWER_CASE
    if words <= 12 and index > last_text and (not ends_sentence(text) or re.match(r"[\w' ]{1,25}:\s", text)):
        return Kind.FURNITURE  # a short line after the last paragraph of text: the page's footer
    follows = paragraphs[index + 1].text if index + 1 < len(paragraphs) else ""
    if words <= 16 and not ends_sentence(text) and not follows[:1].islower():
        # A heading introduces text; a line with nothing after it is a cut-off paragraph, not a heading.
        if follows and word_count(follows) >= 8:
            return Kind.HEADING
        return Kind.FURNITURE if words <= 3 and follows else None
    return None


_PULL_QUOTE_REACH = 8


def _is_pull_quote(text: str, index: int, paragraphs: tuple[Paragraph, ...]) -> bool:
    # A page repeats a sentence of the text in large type; the copy is the shorter paragraph.
    # It sits near the paragraph it quotes, so only the neighbours are searched (linear in the capture's length).
    core = _norm(text).strip("\"“”'‘’ ")
    near = paragraphs[max(0, index - _PULL_QUOTE_REACH) : index] + paragraphs[index + 1 : index + 1 + _PULL_QUOTE_REACH]
    return any(len(_norm(p.text)) > len(core) + 10 and core in _norm(p.text) for p in near)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").casefold().split())
