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

from kb.dates import MONTHS, PartialDate


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
    Kind.FURNITURE: "delete it if it is not the article's text",
    Kind.BIOGRAPHY: "put the affiliation in `affiliation:` and delete it",
    Kind.HEADING: "write `## ` before it if it is one; delete it if it is web-page furniture",
    Kind.LOWER_CASE: "if it continues the previous paragraph (a page break in the capture), join the two",
    Kind.HASH: "keep it only if it is one",
}


@dataclass(frozen=True)
class Author:
    """A byline name as printed, with its family name when the byline shows it."""

    name: str
    family: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the capture: its lines, stripped, and the capture line it starts on."""

    lines: tuple[str, ...]
    source_line: int

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.lines).split())


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


# ---- line shapes ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’)\]]*$")
_NAME = r"[^\W\d_][\w.'’-]*"  # a word starting with a letter; _is_name() wants it upper case
_MONTH = "(?P<month>" + "|".join(("Sept\\.?|" if m == "September" else "") + f"{m[:3]}(?:{m[3:]}|\\.)?" for m in MONTHS) + ")"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?<![\d/])(?P<year>\d{4})\s*(?P<sep>[-./])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})(?![\d/])"),
    re.compile(r"(?<![\d/.])(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?![\d/])"),  # US order
    re.compile(rf"\b{_MONTH}\s+(?P<year>\d{{4}})\b"),
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?(?:\s*\(?(?:JST|KST|GMT|UTC|ET|EST|EDT|CET|BST)\)?)?")
_STAMP_WORDS = re.compile(
    r"\b(?:last|first|updated?|published|posted|posting|registration|registered|modified|released|edited|input|created|"
    r"date|dated|on|at|all news|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)\b\.?",
    re.IGNORECASE,
)
# A place in capitals, maybe a day, maybe an agency, then a dash: the start of a wire report.
_DATELINE = re.compile(
    rf"^(?:\[[^\]=]{{2,30}}=(?P<bracket>[^\]]{{2,30}})\]"
    rf"|[A-Z][A-Z.'’-]{{2,}}(?: [A-Z][A-Z.'’-]+)*(?:, [A-Z][A-Za-z.]+)?,?(?:\s+{_MONTH}\s+(?P<day>\d{{1,2}}))?"
    r"(?:\s*\((?P<paren>[A-Z][\w&. -]{1,30})\)|\s+(?P<bare>[A-Z][a-z]+|[A-Z]{2,5}))?\s*(?:--|–|—|-)\s)"
)
_BY_PREFIX = re.compile(
    r"^\(?(?:by|written by|posted by|submitted by|story by|words by|reported by|reporting by|authors?:|reporters?|"
    r"(?:this|the) (?:article|story|report) was (?:written|reported) by)\s+",
    re.IGNORECASE,
)
_INLINE_BYLINE = re.compile(rf"^(?:\[[^\]]+\]\s*)?(?:Reporters?|Correspondents?)\s+(?P<names>{_NAME}(?:[ ,·]+(?:and )?{_NAME}){{1,7}})\s*=")
_FAMILY_FIRST = re.compile(rf"^(?P<family>{_NAME}),\s+(?P<given>{_NAME}(?:[ -]{_NAME})*)\s*\((?P<aff>[^)]+)\)$")
_SPLIT_NAMES = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*·\s*")
HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms"})  # printed before a name, not part of it
_ROLE_WORDS = frozenset((
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents", "editor", "editors", "bureau", "desk",
    "contributor", "contributing", "columnist", "news", "press", "agency", "service", "times", "herald", "post", "journal", "daily",
    "chief", "senior", "special", "associated", "foreign", "political", "diplomatic", "international", "national", "bureau",
))  # fmt: skip
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_NOTICE = re.compile(
    r"©|\bcopyright\b|all rights reserved|official views?\b|necessarily reflect|^※|shutterstock|getty images|"
    r"unauthori[sz]ed (?:reproduction|copying|use)|redistribution (?:is )?prohibited",
    re.IGNORECASE,
)
# Labels a page puts before a block of links to other articles.
# "Related: <headline>" on one line.
_RELATED_LINK = re.compile(r"^(?:related|read (?:more|also|next)|also read|see also|recommended|more)\s*:\s+\S", re.IGNORECASE)
_RELATED_HEAD = re.compile(
    r"^(?:related(?: news| articles?| stories| posts| content| coverage| links| reading)?|read (?:more|next|also)|also read|"
    r"more (?:from|in|on|about) [\w ]{1,30}|more (?:stories|news|articles)|see also|recommended(?: for you)?|"
    r"you (?:may|might) also like|most (?:read|popular|liked|viewed|shared)|top(?: \d+)? (?:stories|news|articles)|"
    r"trending(?: now)?|latest(?: news)?|editor'?s picks?|popular(?: stories| articles)?)\s*:?$",
    re.IGNORECASE,
)
# Web-page furniture matched at the start of a line: labels, credits, notices.
_FURNITURE = re.compile(
    r"^(?:credits?|image|caption|illustration|file photo|recent features|hot news|advertisement|sponsored|subscribe|sign up|"
    r"newsletter|author\(s\)|about the authors?|comments?|follow us|download(?: pdf)?)(?!\w)\s*:?",
    re.IGNORECASE,
)
_TAGS = re.compile(r"^(?:tags|topics|keywords|filed under|categories)(?!\w)\s*:?|^#\S+(?:\s+#\S+)+|(?:#\w[^#]*){3,}$", re.IGNORECASE)
# The words of sharing, printing and reading widgets: a line made of nothing else is furniture.
_WIDGET_WORDS = frozenset((
    "share", "shares", "tweet", "email", "e-mail", "mail", "print", "printer", "printer-friendly", "friendly", "version", "facebook",
    "twitter", "x", "line", "linkedin", "whatsapp", "reddit", "kakaotalk", "copy", "link", "url", "save", "bookmark", "comment",
    "comments", "font", "size", "text", "listen", "to", "this", "article", "story", "download", "pdf", "subscribe", "follow", "us",
    "a", "a+", "a-", "zoom", "in", "out", "audio", "gift", "send", "more", "options", "reprints",
))  # fmt: skip
_CAPTION_START = re.compile(
    r"^(?:\((?:L|R|C|left|right|center|centre|top|bottom|above|from left|from l)\)|l-r\b|\[(?:photo|image|graphic|video)[^\]]*\]|"
    r"(?:photo(?:graph)?s?|picture|image|file photo|illustration)\s*(?:/\s*\w+|:|=|\||–|—|-)|photo(?:graph)? (?:by|courtesy)\b|"
    r"in the (?:photo|picture|image)\b|pictured\b|(?:this|the|a) (?:file )?(?:photo|image|picture|screenshot)\b[^.]{0,120}\bshows?\b)",
    re.IGNORECASE,
)
_CREDIT_END = re.compile(
    r"(?:[\[(](?:[^\])]*\bphoto\b[^\])]*|(?:AP|AFP|EPA|Reuters|Yonhap|Kyodo|Newsis|News1|KCNA|Xinhua|Jiji|Bloomberg|Getty Images|Pool)"
    r"(?: Photo| Images)?)[\])]|(?:^|[.!?]\s+)(?:photo(?:graph)?s?|image)\s*(?:by|courtesy of|credit)\b[^.]*\.?|\|"
    r"|(?-i:\b[A-Z]{2,}(?: [A-Z]{2,})* (?:PHOTOS?|FILE PHOTO)))"
    r"(?:\s*\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?)?$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^\S.{0,60}\s(?:»|>|›|/)\s\S")
_FILE_NAME = re.compile(r"\b\d+(?:[ _-]\d+){3,}\b|\.(?:jpe?g|png|gif|webp)\b", re.IGNORECASE)  # an image's file name as alt text
_END_MARK = re.compile(r"^[\[(](?:[A-Z]{2,}(?:\s[A-Z]{2,}){0,2})[\])]$")
_BIO_VERBS = r"(?:is|was|are|were|currently serves as|serves as|has been|reports|covers|writes|teaches|researches)\b"
_BIO_ROLES = r"fellow|professor|director|researcher|editor|correspondent|analyst|lecturer|scholar|journalist|reporter|writer"


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _words(text: str) -> int:
    return len(text.split())


def _is_prose(text: str) -> bool:
    return _words(text) >= 8 and _ends_sentence(text)


def _is_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    particles = ("van", "von", "de", "der", "da", "di", "du", "la", "le", "bin")
    capitalised = [bool(re.fullmatch(_NAME, t)) and t[0].isupper() for t in tokens]
    return capitalised[0] and capitalised[-1] and all(c or t in particles for c, t in zip(capitalised, tokens, strict=True))


def _date_in(text: str) -> str | None:
    """The first calendar date (or month) written in the text, as ISO."""
    for pattern in _DATES:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else next(i for i, m in enumerate(MONTHS, 1) if m[:3].lower() == month[:3].lower())
            day = match.groupdict().get("day")
            try:
                return PartialDate.parse(f"{match['year']}-{number:02d}" + (f"-{int(day):02d}" if day else "")).iso()
            except ValueError:
                continue
    return None


def _is_timestamp(text: str) -> bool:
    """A line that is a date (and maybe a time), with at most a label word around it."""
    if not any(p.search(text) for p in _DATES):
        return False
    rest = text
    for pattern in (*_DATES, _TIME, _STAMP_WORDS):
        rest = pattern.sub(" ", rest)
    return sum(1 for word in re.findall(r"[^\W\d_]+", rest)) <= 2 and _words(text) <= 16


def _is_widget_row(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s|·•/]+", text.lower().strip("()[]")) if t and not t.strip("()").isdigit()]
    return bool(tokens) and len(tokens) <= 8 and all(t.strip(":()") in _WIDGET_WORDS for t in tokens)


def _is_caption(text: str) -> bool:
    return bool(_CAPTION_START.match(text) or _CREDIT_END.search(text))


def _byline(text: str, in_head: bool) -> tuple[tuple[Author, ...], str | None] | None:
    """The names (and affiliation) of a byline line, or None if the line is not one."""
    prefix = _BY_PREFIX.match(text)
    if prefix:
        rest = text[prefix.end():].rstrip(".)")
        names_part = re.split(r"\s+on\s+|\s*[|/]\s*|\s+[-–—]\s+|\s*[\[(<]", rest, maxsplit=1)[0]
        affiliation = re.search(r"[\[(]([^\])@]+)[\])]\s*$", rest)
        names: list[str] = []
        for part in _SPLIT_NAMES.split(names_part):
            part = part.strip(" .")
            if not part:
                continue
            if not _is_name(part) or any(t.lower() in _ROLE_WORDS for t in part.split()):
                if not names:
                    return None
                break  # "By NAME, Staff Writer": the rest is a role
            names.append(_without_honorific(part))
        if names:
            return tuple(Author(n) for n in names), affiliation[1].strip() if affiliation else None
        return None
    match = _FAMILY_FIRST.match(text) if in_head else None
    if match and _is_name(f"{match['family']} {match['given']}") and _words(match["aff"]) >= 2:
        return (Author(f"{match['family']} {match['given']}", match["family"]),), match["aff"].strip()
    return None


def _without_honorific(name: str) -> str:
    tokens = name.split()
    return " ".join(tokens[1:]) if len(tokens) > 2 and tokens[0].rstrip(".").lower() in HONORIFICS else name


def _inline_byline(text: str) -> tuple[Author, ...]:
    """`[Seoul=Newsis] Reporter Park Min-su = ...`: the names before the `=`."""
    match = _INLINE_BYLINE.match(text)
    if not match:
        return ()
    names = [n.strip() for n in _SPLIT_NAMES.split(match["names"]) if n.strip()]
    return tuple(Author(n) for n in names) if names and all(_is_name(n) for n in names) else ()


def _dateline(text: str) -> re.Match[str] | None:
    match = _DATELINE.match(text)
    return match if match and _words(text) >= 8 else None


def _url_date(url: str | None) -> str | None:
    """A date written in the address: `/2004-05/24/`, `/2014/05/29/`, `20140529`, `10042024`."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.IGNORECASE)
    shapes = (
        r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)",
        r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)",
        r"(?<!\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>(?:19|20)\d{2})(?!\d)",
        r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/](?P<m>[01]?\d)(?:/|$)",
    )
    for shape in shapes:
        for match in re.finditer(shape, path):
            parts = match.groupdict()
            iso = f"{parts['y']}-{int(parts['m']):02d}" + (f"-{int(parts['d']):02d}" if parts.get("d") else "")
            try:
                return PartialDate.parse(iso).iso()
            except ValueError:
                continue
    return None


# ---- paragraphs ----------------------------------------------------------------------------------------------


def _stands_alone(line: str) -> bool:
    """A line that is never the wrapped part of a sentence (a byline, a date, a label, a caption start)."""
    return bool(
        _is_timestamp(line) or _BY_PREFIX.match(line) or _FURNITURE.match(line) or _RELATED_HEAD.match(line) or _TAGS.match(line)
        or _CAPTION_START.match(line) or _is_widget_row(line) or line.startswith("#") or _COPYRIGHT.match(line)
    )  # fmt: skip


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    # A line break in a web capture is a paragraph break, except where a line was
    # wrapped: the next line goes on in lower case, or the run of lines has the even
    # width of wrapped text (and wraps mid-sentence somewhere), whatever the next letter.
    runs: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            runs[-1].append((number, line))
        elif runs[-1]:
            runs.append([])
    out: list[Paragraph] = []
    for run in filter(None, runs):
        width = max(len(line) for _, line in run)
        full = [len(line) >= 0.6 * width and width <= 110 for _, line in run]
        wrapped = any(
            full[i] and not _ends_sentence(run[i][1]) and run[i + 1][1][0].islower() for i in range(len(run) - 1)
        )
        for i, (number, line) in enumerate(run):
            previous = run[i - 1][1] if i else ""
            joins = i > 0 and (
                (line[0].islower() and not _ends_sentence(previous))
                or (wrapped and full[i - 1] and not _stands_alone(previous) and not _stands_alone(line))
            )
            if joins:
                out[-1] = replace(out[-1], lines=(*out[-1].lines, line))
            else:
                out.append(Paragraph((line,), number))
    return tuple(out)


# ---- the reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What a paragraph looks like on its own, before the title is known."""

    byline: tuple[tuple[Author, ...], str | None] | None
    timestamp: bool
    caption: bool
    furniture: bool
    dateline: re.Match[str] | None
    inline_authors: tuple[Author, ...]

    @property
    def meta(self) -> bool:
        return self.byline is not None or self.timestamp

    @property
    def any(self) -> bool:
        return self.meta or self.caption or self.furniture


def _shape(text: str, in_head: bool) -> _Shape:
    byline = _byline(text, in_head) if _words(text) <= 16 else None
    furniture = bool(
        _is_widget_row(text) or _RELATED_HEAD.match(text) or (_RELATED_LINK.match(text) and _words(text) <= 20) or _TAGS.match(text)
        or _BREADCRUMB.match(text) or _END_MARK.match(text)
        or (_FURNITURE.match(text) and _words(text) <= 8) or (_NOTICE.search(text) and _words(text) <= 40)
        or (_EMAIL.search(text) and _words(text) <= 8) or (_FILE_NAME.search(text) and _words(text) <= 16 and not _ends_sentence(text))
    )  # fmt: skip
    return _Shape(
        byline=byline, timestamp=byline is None and _is_timestamp(text), caption=_is_caption(text), furniture=furniture,
        dateline=_dateline(text), inline_authors=_inline_byline(text),
    )  # fmt: skip


def _body_start(paragraphs: tuple[Paragraph, ...], shapes: list[_Shape]) -> int:
    """The first paragraph of the article's text; what comes before is headline, byline and labels."""
    for i, para in enumerate(paragraphs):
        if shapes[i].dateline or shapes[i].inline_authors:
            return i
        if not _is_prose(para.text) or shapes[i].any:
            continue
        # A headline or standfirst that ends with a period is followed by the byline or date before the text begins.
        following = []
        for j in range(i + 1, min(i + 5, len(paragraphs))):
            if _is_prose(paragraphs[j].text) and not shapes[j].any:
                break
            following.append(shapes[j])
        if _words(para.text) <= 40 and any(s.meta for s in following):
            continue
        return i
    return len(paragraphs)


def read_capture(text: str, given: Given | None = None) -> Capture:
    """Recognise the metadata of a raw capture and note the lines that may not be the article's text."""
    given = given or Given()
    cleaned = _CONTROL.sub("", text)
    paragraphs = _paragraphs(cleaned)
    if not paragraphs:
        raise CaptureError("the capture has no text")
    shapes = [_shape(p.text, True) for p in paragraphs]
    head = _body_start(paragraphs, shapes)
    shapes = [s if i < head else _shape(paragraphs[i].text, False) for i, s in enumerate(shapes)]
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
    rights = next((p.text for p in paragraphs if _COPYRIGHT.match(p.text) and len(p.text) <= 80), None)
    for i, para in enumerate(paragraphs):
        if i not in notes and _COPYRIGHT.match(para.text) and para.text == rights:
            notes[i] = Kind.COPYRIGHT
    publisher = next((_agency(s.dateline) for s in shapes if s.dateline and _agency(s.dateline)), None)

    title_index = _title_index(paragraphs, shapes, head, notes, given.title)
    title = given.title or (paragraphs[title_index].text if title_index is not None else None)
    if title_index is not None:
        notes[title_index] = Kind.TITLE
    summary = _standfirst(paragraphs, shapes, head, title_index, title, notes)
    _related_blocks(paragraphs, shapes, notes)
    for i, para in enumerate(paragraphs):
        if i not in notes:
            kind = _note(para, i, paragraphs, shapes, head, title, authors)
            if kind:
                notes[i] = kind
    return Capture(
        title=title, authors=given.authors or authors, publisher=given.publisher or publisher, date=given.date or date,
        url=given.url, affiliation=affiliation, summary=summary, rights=rights, paragraphs=paragraphs,
        notes=tuple(Note(i, k) for i, k in sorted(notes.items())), removed_control=len(text) - len(cleaned),
    )  # fmt: skip


def _agency(match: re.Match[str]) -> str | None:
    agency = match["bracket"] or match["paren"] or match["bare"]
    return agency.strip() if agency else None


def _publication_date(paragraphs: tuple[Paragraph, ...], shapes: list[_Shape], head: int, notes: dict[int, Kind], url: str | None) -> str | None:
    # The page's own date line wins (a "published" line before an "updated" one), then the address, then a
    # wire dateline's day with the year shown elsewhere. Every other date line is a timestamp of the page.
    stamps = [i for i, s in enumerate(shapes) if (s.timestamp or (s.byline and _date_in(paragraphs[i].text))) and _date_in(paragraphs[i].text)]
    for i, s in enumerate(shapes):
        if s.timestamp and i not in stamps:
            notes[i] = Kind.TIMESTAMP  # a date line whose date is not in the calendar
    first_update = re.compile(r"^\W*(?:last )?(?:updated?|modified|edited)\b", re.IGNORECASE)
    in_head = [i for i in stamps if i < head] or [i for i in stamps if _words(paragraphs[i].text) <= 6]
    ranked = sorted(in_head, key=lambda i: (bool(first_update.match(paragraphs[i].text)), i))
    chosen = ranked[0] if ranked else None
    for i in stamps:
        if i not in notes:
            notes[i] = Kind.DATE if i == chosen else Kind.TIMESTAMP
    date = _date_in(paragraphs[chosen].text) if chosen is not None else None
    from_url = _url_date(url)
    if from_url and (date is None or (from_url.startswith(date) and len(from_url) > len(date))):
        return from_url
    if date:
        return date
    for s in shapes:
        if s.dateline and s.dateline["day"]:
            years = re.findall(r"\b(?:19|20)\d{2}\b", " ".join(p.text for p in paragraphs if _COPYRIGHT.match(p.text) or _NOTICE.search(p.text)))
            if years:
                return _date_in(f"{s.dateline['month']} {s.dateline['day']}, {years[0]}")
    return None


def _title_index(
    paragraphs: tuple[Paragraph, ...], shapes: list[_Shape], head: int, notes: dict[int, Kind], given: str | None
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
    pool = [i for i in candidates if _words(paragraphs[i].text) >= 5] or candidates
    # The byline is the surest anchor (a date line may come before the headline); else the first date line.
    meta = next((i for i in range(head) if shapes[i].byline), None)
    meta = meta if meta is not None else next((i for i in range(head) if shapes[i].timestamp), None)
    before = [i for i in pool if meta is not None and i < meta]
    pool = before or pool
    headlines = [i for i in pool if not _is_prose(paragraphs[i].text)]
    if headlines:
        return headlines[-1]
    return pool[0] if pool else None


def _could_be_title(text: str) -> bool:
    return _words(text) >= 3 and len(text) <= 250 and not _FURNITURE.match(text) and not _NOTICE.search(text)


def _standfirst(
    paragraphs: tuple[Paragraph, ...], shapes: list[_Shape], head: int, title_index: int | None, title: str | None, notes: dict[int, Kind]
) -> str | None:
    # A sentence the page shows between two copies of the headline, or after the headline and before the
    # text begins, is its standfirst.
    repeats = [i for i, p in enumerate(paragraphs[:12]) if title and _norm(p.text) == _norm(title)]
    span = range(repeats[0] + 1, repeats[-1]) if len(repeats) > 1 else range(title_index + 1 if title_index is not None else head, head)
    for index in span:
        text = paragraphs[index].text
        if index not in notes and not shapes[index].any and _is_prose(text) and _words(text) <= 60:
            notes[index] = Kind.STANDFIRST
            return text
    return None


def _related_blocks(paragraphs: tuple[Paragraph, ...], shapes: list[_Shape], notes: dict[int, Kind]) -> None:
    # After a "Related" or "Read more" label come headlines of other articles, until the text or a notice resumes.
    for start, para in enumerate(paragraphs):
        if not _RELATED_HEAD.match(para.text):
            continue
        notes.setdefault(start, Kind.RELATED)
        for index in range(start + 1, min(start + 13, len(paragraphs))):
            text = paragraphs[index].text
            if index in notes or shapes[index].any or _words(text) > 25 or len(re.findall(r"(?<=[a-z0-9]{2})[.!?](?:\s|$)", text)) > 1:
                break
            notes[index] = Kind.RELATED


def _note(
    para: Paragraph, index: int, paragraphs: tuple[Paragraph, ...], shapes: list[_Shape], head: int, title: str | None,
    authors: tuple[Author, ...],
) -> Kind | None:
    text = para.text
    words = _words(text)
    shape = shapes[index]
    if re.match(r"#{1,6}[ \t]", para.lines[0]):
        return Kind.HASH
    if title and _norm(text) == _norm(title):
        return Kind.REPEATS_TITLE
    if shape.caption:
        return Kind.CAPTION
    if shape.furniture:
        return Kind.FURNITURE
    if index >= len(paragraphs) - 5 and _is_biography(text, authors):
        return Kind.BIOGRAPHY
    if index < head:
        return Kind.LABEL if words <= 8 and not _ends_sentence(text) else Kind.FURNITURE
    if text[0].islower() and index > 0 and not _ends_sentence(paragraphs[index - 1].text):
        return Kind.LOWER_CASE
    if words <= 12 and not _ends_sentence(text) and not any(_is_prose(p.text) or _words(p.text) >= 16 for p in paragraphs[index + 1:]):
        return Kind.FURNITURE  # a short line after the last paragraph of text: the page's footer
    follows = paragraphs[index + 1].text if index + 1 < len(paragraphs) else ""
    if words <= 16 and not _ends_sentence(text) and not follows[:1].islower():
        # A heading introduces text; a line with nothing after it is a cut-off paragraph, not a heading.
        if follows and _words(follows) >= 8:
            return Kind.HEADING
        return Kind.FURNITURE if words <= 3 and follows else None
    return None


def _is_biography(text: str, authors: tuple[Author, ...]) -> bool:
    known = [a.name for a in authors] + [a.family or a.name.split()[-1] for a in authors]
    who = r"The (?:authors?|writers?)"
    if known and re.match(rf"^(?:(?:Dr|Prof)\.?\s+)?(?:{'|'.join(map(re.escape, known))}|{who})\s+{_BIO_VERBS}", text):
        return True
    pattern = rf"^(?:(?:Dr|Prof)\.?\s+)?(?:{_NAME}(?: {_NAME}){{1,3}}|{who})\s+{_BIO_VERBS}.*\b(?i:{_BIO_ROLES})\b"
    return bool(re.match(pattern, text))


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").casefold().split())
