"""What one line of a web capture looks like: a date line, a byline, a caption, a row of buttons, a wire dateline.

Shapes, not words of known pages: each test looks at how a line is built (a date
with a label and a time, names after "By", a credit in brackets at the end).
Also how the capture's lines become paragraphs (wrapped lines are joined).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from kb.dates import MONTHS, PartialDate

WORDS_FILE = Path(__file__).with_name("capture_words.yml")
_WORD_LISTS = ("honorifics", "byline_roles", "widget_words", "photo_credits", "biography_roles", "related_labels", "page_labels")


class VocabularyError(Exception):
    """kb/capture_words.yml cannot be used."""


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of kb/capture_words.yml, and the patterns made of them."""

    honorifics: frozenset[str]
    byline_roles: frozenset[str]
    widget_words: frozenset[str]
    related_head: re.Pattern[str]
    page_label: re.Pattern[str]
    credit_end: re.Pattern[str]
    biography_roles: str


def _alternatives(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@functools.cache
def vocabulary() -> Vocabulary:
    """Read kb/capture_words.yml once; VocabularyError says what is wrong with it."""
    try:
        data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise VocabularyError(f"{WORDS_FILE.name}: cannot be read ({err.__class__.__name__}); restore it from git") from None
    lists: dict[str, list[str]] = {}
    for key in _WORD_LISTS:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise VocabularyError(f"{WORDS_FILE.name}: {key}: must be a non-empty list of texts; see the comments in the file")
        lists[key] = [" ".join(v.split()) for v in value]
    lower = {key: [v.lower() for v in values] for key, values in lists.items()}
    return Vocabulary(
        honorifics=frozenset(lower["honorifics"]),
        byline_roles=frozenset(lower["byline_roles"]),
        widget_words=frozenset(lower["widget_words"]),
        related_head=re.compile(
            rf"^(?:{_alternatives(lists['related_labels'])}|more (?:from|in|on|about) [\w ]{{1,30}}|top \d+ (?:stories|news|articles))\s*:?$",
            re.IGNORECASE,
        ),
        page_label=re.compile(rf"^(?:{_alternatives(lists['page_labels'])})(?!\w)\s*:?", re.IGNORECASE),
        credit_end=re.compile(
            rf"(?:[\[(](?:[^\])]*\bphoto\b[^\])]*|(?:{_alternatives(lists['photo_credits'])})(?: Photo| Images)?)[\])]"
            r"|(?:^|[.!?]\s+)(?:photo(?:graph)?s?|image)\s*(?:by|courtesy of|credit)\b[^.]*\.?|\|"
            r"|\b\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?\s*/\s*[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}"  # "2023.9.14/News1"
            r"|(?-i:\b[A-Z]{2,}(?: [A-Z]{2,})* (?:PHOTOS?|FILE PHOTO))|(?-i:[.!?][\"”’]?\s+[A-Z][\w&/-]*(?:\s[A-Z][\w&/-]*){0,3}))"
            r"(?:\s*\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?)?$",
            re.IGNORECASE,
        ),
        biography_roles="|".join(re.escape(r) for r in lower["biography_roles"]),
    )


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


# ---- line shapes ---------------------------------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
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
    rf"|[A-Z][A-Z.'’-]{{2,}}(?:[ /][A-Z][A-Z.'’-]+)*(?:, [A-Z][A-Za-z.]+)?,?(?:\s+{_MONTH}\s+(?P<day>\d{{1,2}}))?"
    r"(?:\s*\((?P<paren>[A-Z][\w&. -]{1,30})\)|\s+(?P<bare>[A-Z][a-z]+|[A-Z]{2,5}))?\s*(?:--|–|—|-)\s)"
)
# The same in the mixed case of some agencies: a place, the day, the agency in brackets, a dash.
_DATELINE_MIXED = re.compile(
    rf"^[A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+)*,\s+{_MONTH}\s+(?P<day>\d{{1,2}})\s*\((?P<paren>[A-Z][\w&.,' -]{{1,30}})\)\s*(?:--|–|—|-)"
)
_BY_PREFIX = re.compile(
    r"^\(?(?:by|written by|posted by|submitted by|story by|words by|text by|compiled by|interview(?:ed)? by|reported by|reporting by|"
    r"authors?:|reporters?|correspondents?|(?:(?:japanese|korean|english|chinese) )?original by|"
    r"(?:this|the) (?:article|story|report) was (?:written|reported) by)\s+",
    re.IGNORECASE,
)
_INLINE_BYLINE = re.compile(
    rf"^(?:\[[^\]]+\]\s*)?(?:Reporters?|Correspondents?)\s+(?P<names>{_NAME}(?:[ ,·]+(?:and )?{_NAME}){{1,7}})\s*="
    rf"|^[\[(][^\]=)]{{2,30}}=\s*(?:Reporters?|Correspondents?)\s+(?P<bracketed>{_NAME}(?:[ ,·]+(?:and )?{_NAME}){{1,7}})\s*[\])]"
)
_FAMILY_FIRST = re.compile(rf"^(?P<family>{_NAME}),\s+(?P<given>{_NAME}(?:[ -]{_NAME})*)\s*\((?P<aff>[^)]+)\)$")
_SPLIT_NAMES = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*·\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
NOTICE = re.compile(
    r"©|\bcopyright\b|all rights reserved|official views?\b|necessarily reflect|^※|shutterstock|getty images|"
    r"unauthori[sz]ed (?:reproduction|copying|use)|redistribution (?:is )?prohibited|\bviews (?:expressed )?(?:are )?(?:those )?of the authors?\b|"
    r"\bauthors?(?:'s?)? own views\b|\bviews expressed\b",
    re.IGNORECASE,
)
# "Related: <headline>" on one line.
_RELATED_LINK = re.compile(r"^(?:related|read (?:more|also|next)|also read|see also|recommended|more|continue reading)\s*:\s+\S", re.IGNORECASE)
_TAGS = re.compile(r"^(?:tags|topics|keywords|filed under|categories)(?!\w)\s*:?|^#\S+(?:\s+#\S+)+|(?:#\w[^#]*){3,}$", re.IGNORECASE)
_CAPTION_START = re.compile(
    r"^(?:[▲△▷]|\((?:L|R|C|left|right|center|centre|top|bottom|above|from left|from l)\)|l-r\b|\[(?:photo|image|graphic|video)[^\]]*\]|"
    r"(?:photo(?:graph)?s?|picture|image|file photo|illustration)\s*(?:/\s*\w+|:|=|\||–|—|-)|photo(?:graph)? (?:by|courtesy)\b|"
    r"in the (?:photo|picture|image)\b|pictured\b|(?:this|the|a) (?:file )?(?:photo|image|picture|screenshot)\b[^.]{0,120}\bshows?\b)",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^\S.{0,60}\s(?:»|>|›|/)\s\S")
_FILE_NAME = re.compile(r"\b\d+(?:[ _-]\d+){3,}\b|\.(?:jpe?g|png|gif|webp)\b", re.IGNORECASE)  # an image's file name as alt text
# Wire credits for reporting and editing, and lines of bare rules or symbols.
_CREDIT_LINE = re.compile(
    r"^(?:this (?:interview|article|story|transcript|report) (?:has been|was) (?:edited|condensed|updated|corrected|translated)\b|"
    r"editor'?s note\b|correction:)|\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b|^(?:additional )?reporting by\b|"
    r"\bediting by\b|^[\W_]+$",
    re.IGNORECASE,
)
_READ_TIME = re.compile(r"^(?:\d+|an?|one)[\s-]*min(?:ute)?s?\.?(?: read| reading time)?$|^reading time:? \d+", re.IGNORECASE)
_END_MARK = re.compile(r"^[\[(](?:[A-Z]{2,}(?:\s[A-Z]{2,}){0,2})[\])]$")
_BIO_VERBS = r"(?:is|was|are|were|currently serves as|serves as|has been|reports|covers|writes|teaches|researches)\b"


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def word_count(text: str) -> int:
    return len(text.split())


def is_prose(text: str) -> bool:
    return word_count(text) >= 8 and ends_sentence(text)


def _is_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    particles = ("van", "von", "de", "der", "da", "di", "du", "la", "le", "bin")
    capitalised = [bool(re.fullmatch(_NAME, t)) and t[0].isupper() for t in tokens]
    return capitalised[0] and capitalised[-1] and all(c or t in particles for c, t in zip(capitalised, tokens, strict=True))


def date_in(text: str) -> str | None:
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
    """A line that is a date (and maybe a time), with at most a label word around it, or such a `|` segment."""
    segments = text.split(" | ")
    return _is_stamp(text) or (len(segments) > 1 and word_count(text) <= 16 and any(_is_stamp(seg) for seg in segments))


def _is_stamp(text: str) -> bool:
    if not any(p.search(text) for p in _DATES):
        return False
    rest = text
    for pattern in (*_DATES, _TIME, _STAMP_WORDS):
        rest = pattern.sub(" ", rest)
    return sum(1 for word in re.findall(r"[^\W\d_]+", rest)) <= 2 and word_count(text) <= 16


def _is_widget_row(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s|·•/]+", text.lower().strip("()[]")) if t and not t.strip("()").isdigit()]
    return bool(tokens) and len(tokens) <= 8 and all(t.strip(":()") in vocabulary().widget_words for t in tokens)


def _is_caption(text: str) -> bool:
    return bool(_CAPTION_START.match(text) or vocabulary().credit_end.search(text))


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
            if not _is_name(part) or any(t.lower() in vocabulary().byline_roles for t in part.split()):
                if not names:
                    return None
                break  # "By NAME, Staff Writer": the rest is a role
            names.append(_without_honorific(part))
        if names:
            return tuple(Author(n) for n in names), affiliation[1].strip() if affiliation else None
        return None
    match = _FAMILY_FIRST.match(text) if in_head else None
    if match and _is_name(f"{match['family']} {match['given']}") and word_count(match["aff"]) >= 2:
        return (Author(f"{match['family']} {match['given']}", match["family"]),), match["aff"].strip()
    return None


def bare_names(text: str) -> tuple[Author, ...]:
    """`Tomoko Ishii and Daniel Park`: a line of names only (a byline without "By", if it stands where one does)."""
    parts = [p.strip() for p in _SPLIT_NAMES.split(text) if p.strip()]
    if not 1 <= len(parts) <= 4 or word_count(text) > 12:
        return ()
    if all(_is_name(p) and not any(t.lower() in vocabulary().byline_roles for t in p.split()) for p in parts):
        return tuple(Author(_without_honorific(p)) for p in parts)
    return ()


def _without_honorific(name: str) -> str:
    tokens = name.split()
    return " ".join(tokens[1:]) if len(tokens) > 2 and tokens[0].rstrip(".").lower() in vocabulary().honorifics else name


def _inline_byline(text: str) -> tuple[Author, ...]:
    """`[Seoul=Newsis] Reporter Park Min-su = ...`: the names before the `=`."""
    match = _INLINE_BYLINE.match(text)
    if not match:
        return ()
    names = [n.strip() for n in _SPLIT_NAMES.split(match["names"] or match["bracketed"]) if n.strip()]
    return tuple(Author(n) for n in names) if names and all(_is_name(n) for n in names) else ()


@dataclass(frozen=True)
class Dateline:
    """The start of a wire report: the agency and the day it names, where it names them."""

    agency: str | None
    month: str | None
    day: str | None


def _dateline(text: str) -> Dateline | None:
    match = _DATELINE.match(text) or _DATELINE_MIXED.match(text)
    if not match or word_count(text) < 8:
        return None
    groups = match.groupdict()
    agency = groups.get("bracket") or groups.get("paren") or groups.get("bare")
    return Dateline(agency.strip() if agency else None, groups.get("month"), groups.get("day"))


def url_date(url: str | None) -> str | None:
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
        _is_timestamp(line) or _BY_PREFIX.match(line) or vocabulary().page_label.match(line) or vocabulary().related_head.match(line) or _TAGS.match(line)
        or _CAPTION_START.match(line) or _is_widget_row(line) or line.startswith("#") or COPYRIGHT.match(line)
    )  # fmt: skip


def paragraphs_of(text: str) -> tuple[Paragraph, ...]:
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
            full[i] and not ends_sentence(run[i][1]) and run[i + 1][1][0].islower() for i in range(len(run) - 1)
        )
        for i, (number, line) in enumerate(run):
            previous = run[i - 1][1] if i else ""
            joins = i > 0 and (
                (line[0].islower() and not ends_sentence(previous))
                or (wrapped and full[i - 1] and not _stands_alone(previous) and not _stands_alone(line))
            )
            if joins:
                out[-1] = replace(out[-1], lines=(*out[-1].lines, line))
            else:
                out.append(Paragraph((line,), number))
    return tuple(out)


@dataclass(frozen=True)
class Shape:
    """What a paragraph looks like on its own, before the title is known."""

    byline: tuple[tuple[Author, ...], str | None] | None
    timestamp: bool
    caption: bool
    furniture: bool
    dateline: Dateline | None
    inline_authors: tuple[Author, ...]

    @property
    def meta(self) -> bool:
        return self.byline is not None or self.timestamp

    @property
    def any(self) -> bool:
        return self.meta or self.caption or self.furniture


def line_shape(text: str, in_head: bool) -> Shape:
    """Classify one paragraph; `in_head` allows the `Family, Given (Affiliation)` byline, which body text can resemble."""
    byline = _byline(text, in_head) if word_count(text) <= 16 else None
    furniture = bool(
        _is_widget_row(text) or vocabulary().related_head.match(text) or (_RELATED_LINK.match(text) and word_count(text) <= 20) or _TAGS.match(text)
        or _BREADCRUMB.match(text) or _END_MARK.match(text) or _READ_TIME.match(text) or (_CREDIT_LINE.search(text) and word_count(text) <= 30)
        or (vocabulary().page_label.match(text) and word_count(text) <= 8) or (NOTICE.search(text) and word_count(text) <= 40)
        or (_EMAIL.search(text) and word_count(text) <= 8) or (_FILE_NAME.search(text) and word_count(text) <= 16 and not ends_sentence(text))
    )  # fmt: skip
    return Shape(
        byline=byline, timestamp=byline is None and _is_timestamp(text), caption=_is_caption(text), furniture=furniture,
        dateline=_dateline(text), inline_authors=_inline_byline(text),
    )  # fmt: skip


def is_biography(text: str, authors: tuple[Author, ...]) -> bool:
    """`NAME is a senior fellow ...`, `Walsh reports on ...`, `The author is ...`."""
    label = re.match(r"(?:about the authors?|the authors?|authors?|about us)\s*:\s*", text, re.IGNORECASE)
    if label and re.search(rf"\s{_BIO_VERBS}", text[label.end() :]):
        return True  # "About the authors: NAME is ..."
    known = [a.name for a in authors] + [a.family or a.name.split()[-1] for a in authors]
    who = r"The (?:authors?|writers?)"
    if known and re.match(rf"^(?:(?:Dr|Prof)\.?\s+)?(?:{'|'.join(map(re.escape, known))}|{who})\s+{_BIO_VERBS}", text):
        return True
    pattern = rf"^(?:(?:Dr|Prof)\.?\s+)?(?:{_NAME}(?: {_NAME}){{1,3}}|{who})\s+{_BIO_VERBS}.*\b(?i:{vocabulary().biography_roles})\b"
    return bool(re.match(pattern, text))
