"""`build_kb.py new`: start a source file from a raw web capture or from scratch, never overwriting one.

What the capture reveals (headline, "By" byline, date line, copyright line) goes
into the front matter; every line of the capture stays in the body, verbatim.
Lines that look like page furniture are listed for the contributor to delete:
this module proposes, the contributor decides.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.dates import MONTHS, PartialDate
from kb.problems import Problem
from kb.sources import url_problem
from kb.taxonomy import ID
from kb.yamlio import YamlError, parse_mapping

TITLE_WORDS = 5
# Words left out of proposed ids, which keep a handful of telling words of the title.
_STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "about", "after", "against", "among", "before", "between", "by", "for", "from",
    "in", "into", "is", "its", "of", "on", "or", "over", "the", "to", "toward", "towards", "under", "via", "vs", "with",
))  # fmt: skip
_HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms"})
# Web-page furniture: labels, credits, sharing widgets, notices. Matched at the start of a line.
_FURNITURE = re.compile(
    r"^(?:credits?|photo(?:graph)?s?(?: credit)?|image|caption|illustration|file photo|recent features|hot news|"
    r"read (?:more|next|also)|also read|related(?: articles| posts| stories| content)?|more from|share(?: this(?: article| story)?)?|"
    r"advertisement|sponsored|subscribe|sign up|newsletter|tags|topics|author\(s\)|about the authors?|print|e-?mail|"
    r"comments?|most (?:read|popular)|trending|popular|editor'?s picks?|follow us|listen|download(?: pdf)?)(?!\w)\s*:?",
    re.IGNORECASE,
)
_NOTICE = re.compile(r"©|\bcopyright\b|all rights reserved|official views?\b|necessarily reflect|^※|shutterstock|getty images|\|$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’)\]]*$")
_NAME = r"[^\W\d_][\w.'’-]*"  # a word starting with a letter; _is_name() wants it upper case
_BY = re.compile(r"^By:?\s+(?P<names>[^\[(]+?)\s*(?:[\[(](?P<aff>[^\])]+)[\])])?$")
_FAMILY_FIRST = re.compile(rf"^(?P<family>{_NAME}),\s+(?P<given>{_NAME}(?:[ -]{_NAME})*)\s*\((?P<aff>[^)]+)\)$")
_SPLIT_NAMES = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_MONTH = r"(?P<month>" + "|".join(f"{m[:3]}(?:{m[3:]}|\\.)?" for m in MONTHS) + r")"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b"),
    re.compile(r"(?<!\d)(?P<year>\d{4})\s*(?P<sep>[-./])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+(?P<year>\d{{4}})\b"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class NewError(Exception):
    """Why no file was written."""


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
class Draft:
    """What will be written: front-matter values, the body, and what the contributor should look at."""

    title: str | None = None
    authors: tuple[Author, ...] = ()
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    affiliation: str | None = None
    summary: str | None = None
    rights: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    notes: dict[int, str] = field(default_factory=dict)  # paragraph index -> what it looks like
    removed_control: int = 0


def read_capture(text: str) -> Draft:
    """Recognise the metadata of a raw capture and flag the lines that may not be the article's text."""
    cleaned = _CONTROL.sub("", text)
    paragraphs = _paragraphs(cleaned)
    if not paragraphs:
        raise NewError("the capture has no text")
    head = _head(paragraphs)
    notes: dict[int, str] = {}
    authors: tuple[Author, ...] = ()
    affiliation = date = rights = None
    for index, para in enumerate(paragraphs):
        line = para.text
        if not authors and len(line.split()) <= 16:
            found = _byline(line, index < head)
            if found:
                authors, affiliation = found
                notes[index] = "is the byline (already in `authors:`)"
                continue
        if date is None and (index < head or len(line.split()) <= 4):
            date = _date(line)
            if date:
                notes[index] = "is the date line (already in `date:`)"
                continue
        if rights is None and _COPYRIGHT.match(line) and len(line) <= 80:
            rights = line
            notes[index] = "is a copyright notice (already in `rights:`)"
    title_index = _title(paragraphs, head, notes)
    title = paragraphs[title_index].text if title_index is not None else None
    summary = _standfirst(paragraphs, title, notes)
    for index, para in enumerate(paragraphs):
        if index not in notes:
            note = _note(para, index, paragraphs, head, title, authors)
            if note:
                notes[index] = note
    return Draft(title=title, authors=authors, date=date, affiliation=affiliation, summary=summary, rights=rights,
                 paragraphs=paragraphs, notes=notes, removed_control=len(text) - len(cleaned))  # fmt: skip


def propose_id(date: str, title: str, authors: tuple[Author, ...] = ()) -> str:
    """`YYYY-MM-family-a-few-title-words`, lowercase ascii joined by hyphens."""
    parsed = PartialDate.parse(date)
    parts = [f"{parsed.year:04d}" + (f"-{parsed.month:02d}" if parsed.month else "")]
    if authors:
        family = _slug_words(authors[0].family or _family(authors[0].name))
        parts += family[-1:]
    words = _slug_words(re.sub(r"['’]s\b", "", title))
    telling = [w for w in words if w not in _STOPWORDS] or words
    parts += telling[:TITLE_WORDS] or ["article"]
    return "-".join(parts)


def render(draft: Draft) -> tuple[str, list[int]]:
    """The source file's text, and the file line each paragraph starts on."""
    fields: list[tuple[str, object]] = [
        ("title", draft.title or ""), ("authors", [a.name for a in draft.authors]), ("publisher", draft.publisher),
        ("date", draft.date or ""), ("url", draft.url),
    ]  # fmt: skip
    optional = (("affiliation", draft.affiliation), ("summary", draft.summary), ("rights", draft.rights))
    fields += [(key, value) for key, value in optional if value]
    front = "\n".join(f"{key}: {_yaml(value)}" for key, value in fields)
    try:  # the file must read back exactly as meant, whatever the capture contained
        parsed = {e.key: e.value for e in parse_mapping(front)}
    except YamlError as err:  # pragma: no cover - _yaml() only writes JSON strings, which are YAML
        raise NewError(f"could not write the front matter: {err.message}") from None
    assert parsed == dict(fields), parsed
    lines = ["---", front, "---", ""]
    starts = []
    line = len(fields) + 4
    for para in draft.paragraphs:
        starts.append(line)
        lines += [*para.lines, ""]
        line += len(para.lines) + 1
    return "\n".join(lines).rstrip("\n") + "\n", starts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `build_kb.py new`."""
    parser.add_argument("--from", dest="capture", type=Path, help="a plain-text capture of the article (copied from the web page)")
    parser.add_argument("--title", help="the headline, verbatim (overrides what the capture suggests)")
    parser.add_argument("--date", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--author", action="append", default=None, help="an author as printed in the byline; repeat for several")
    parser.add_argument("--publisher", help="the publishing organisation or outlet")
    parser.add_argument("--url", help="the original address (http or https)")
    parser.add_argument("--id", dest="article_id", help="the file name without .md (default: proposed from date, author and title)")


def command(sources: Path, args: argparse.Namespace) -> int:
    """Write sources/<id>.md and list what the contributor should check; 1 if nothing was written."""
    try:
        path, draft, starts = create(sources, args)
    except NewError as err:
        print(f"new: {err}; nothing written.", file=sys.stderr)
        return 1
    display = f"{sources.name}/{path.name}"
    print(f"Wrote {display}.")
    if draft.removed_control:
        print(f"Removed {draft.removed_control} control characters (invisible bytes) from the capture.")
    fm = {"authors": 3, "publisher": 4, "url": 6}
    problems = [Problem(display, fm["authors"], "authors", "unknown: add the byline's names, or leave [] if the article has none")] if not draft.authors else []
    if draft.publisher is None:
        problems.append(Problem(display, fm["publisher"], "publisher", "unknown: add the outlet or organisation, or leave null if unknown"))
    if draft.url is None:
        problems.append(Problem(display, fm["url"], "url", "unknown: add the original address, or leave null if there is none"))
    for index, note in sorted(draft.notes.items()):
        excerpt = draft.paragraphs[index].text
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
        problems.append(Problem(display, starts[index], "body", f"{note} ({json.dumps(excerpt, ensure_ascii=False)}); {_ADVICE[note]}"))
    for problem in problems:
        print(problem.format())
    if not draft.paragraphs:
        print(f"Paste the article's paragraphs after the closing `---` of {display}, separated by blank lines.")
    print("Then fill what is unknown, delete what is not the article's text, and run `python build_kb.py check`.")
    return 0


def create(sources: Path, args: argparse.Namespace) -> tuple[Path, Draft, list[int]]:
    """Build the draft from the capture and the options, and write it unless the file exists."""
    draft = Draft()
    if args.capture is not None:
        try:
            draft = read_capture(args.capture.read_bytes().decode("utf-8-sig"))
        except OSError as err:
            raise NewError(f"cannot read {args.capture}: {err.strerror}") from None
        except UnicodeDecodeError:
            raise NewError(f"{args.capture} is not UTF-8; save it as UTF-8 text") from None
    draft = replace(
        draft,
        title=_option(args.title) or draft.title,
        date=_option(args.date) or draft.date,
        publisher=_option(args.publisher) or draft.publisher,
        url=_option(args.url) or draft.url,
    )
    if args.author:
        draft = replace(draft, authors=tuple(Author(" ".join(a.split())) for a in args.author if a.strip()))
    if not draft.title:
        raise NewError("no headline found; give one with --title (an article without a headline gets a descriptive title in [square brackets])")
    if not draft.date:
        raise NewError("no date found; give the publication date with --date YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        PartialDate.parse(draft.date)
    except ValueError as err:
        raise NewError(f"--date {err}") from None
    if draft.url and url_problem(draft.url):
        raise NewError(f"--url {url_problem(draft.url)}")
    article_id = args.article_id or propose_id(draft.date, draft.title, draft.authors)
    if not ID.match(article_id):
        raise NewError(f"'{article_id}' is not a valid id: use lowercase ascii words joined by hyphens")
    path = sources / f"{article_id}.md"
    text, starts = render(draft)
    sources.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise NewError(f"{sources.name}/{path.name} already exists; edit it, or choose another id with --id") from None
    return path, draft, starts


def _option(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


_FURNITURE_NOTE = "looks like web-page furniture"
_ADVICE = {
    "is the byline (already in `authors:`)": "delete it here",
    "is the date line (already in `date:`)": "delete it here",
    "is a copyright notice (already in `rights:`)": "delete it here",
    "is the title (already in `title:`)": "delete it here",
    "is the standfirst (already in `summary:`)": "delete it here",
    "looks like a label of the page": "put it in `series:` if it names the series or column; delete it if it is not the article's text",
    "repeats the title": "delete it if it is web-page furniture",
    _FURNITURE_NOTE: "delete it if it is not the article's text",
    "looks like the author's biography": "put the affiliation in `affiliation:` and delete it",
    "looks like a section heading": "write `## ` before it if it is one; delete it if it is web-page furniture",
    "starts in lower case": "if it continues the previous paragraph (a page break in the capture), join the two",
    "starts with `#`, so it will show as a section heading": "keep it only if it is one",
}


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    # A line break in a web capture is a paragraph break, except where a line
    # was wrapped mid-sentence (the next line goes on in lower case).
    out: list[Paragraph] = []
    previous_blank = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        last = out[-1].lines[-1] if out else ""
        if not previous_blank and out and line[0].islower() and not _SENTENCE_END.search(last):
            out[-1] = replace(out[-1], lines=(*out[-1].lines, line))
        else:
            out.append(Paragraph((line,), number))
        previous_blank = False
    return tuple(out)


def _is_prose(para: Paragraph) -> bool:
    return len(para.text.split()) >= 8 and bool(_SENTENCE_END.search(para.text))


def _head(paragraphs: tuple[Paragraph, ...]) -> int:
    """How many paragraphs come before the article's first sentence (headline, byline, labels)."""
    return next((i for i, p in enumerate(paragraphs) if _is_prose(p)), len(paragraphs))


def _title(paragraphs: tuple[Paragraph, ...], head: int, notes: dict[int, str]) -> int | None:
    # A headline is usually repeated by the page (heading, breadcrumb, image
    # caption); else it is the last line before the byline; else the first line.
    candidates = [i for i in range(head) if i not in notes and _could_be_title(paragraphs[i].text)]
    counts = Counter(_norm(p.text) for p in paragraphs)
    repeated = [i for i in candidates if counts[_norm(paragraphs[i].text)] > 1]
    if repeated:
        return max(repeated, key=lambda i: (counts[_norm(paragraphs[i].text)], -i))
    byline = next((i for i, note in notes.items() if note.startswith("is the byline") and i < head), None)
    before = [i for i in candidates if byline is not None and i < byline]
    if before:
        return before[-1]
    return candidates[0] if candidates else None


def _standfirst(paragraphs: tuple[Paragraph, ...], title: str | None, notes: dict[int, str]) -> str | None:
    # A sentence the page shows between two copies of the headline is its standfirst.
    repeats = [i for i, p in enumerate(paragraphs[:12]) if title and _norm(p.text) == _norm(title)]
    for index in range(repeats[0] + 1 if repeats else 0, repeats[-1] if repeats else 0):
        if index not in notes and _is_prose(paragraphs[index]) and len(paragraphs[index].text.split()) <= 60:
            notes[index] = "is the standfirst (already in `summary:`)"
            return paragraphs[index].text
    return None


def _could_be_title(text: str) -> bool:
    return len(text.split()) >= 3 and len(text) <= 250 and not _FURNITURE.match(text) and not _NOTICE.search(text)


def _note(para: Paragraph, index: int, paragraphs: tuple[Paragraph, ...], head: int, title: str | None, authors: tuple[Author, ...]) -> str:
    text = para.text
    words = len(text.split())
    if re.match(r"#{1,6}[ \t]", para.lines[0]):
        return "starts with `#`, so it will show as a section heading"
    if title and _norm(text) == _norm(title):
        first = next(i for i, p in enumerate(paragraphs) if _norm(p.text) == _norm(title))
        return "is the title (already in `title:`)" if index == first and index < head else "repeats the title"
    if (_FURNITURE.match(text) and words <= 8) or (_NOTICE.search(text) and words <= 40):
        return _FURNITURE_NOTE
    if index >= len(paragraphs) - 3 and _is_biography(text, authors):
        return "looks like the author's biography"
    if index < head:
        return "looks like a label of the page" if words <= 8 and not _SENTENCE_END.search(text) else _FURNITURE_NOTE
    if text[0].islower() and index > 0 and not _SENTENCE_END.search(paragraphs[index - 1].text):
        return "starts in lower case"
    if words <= 3 and not _SENTENCE_END.search(text):
        return _FURNITURE_NOTE
    follows = paragraphs[index + 1].text if index + 1 < len(paragraphs) else ""
    if words <= 16 and not _SENTENCE_END.search(text) and not follows[:1].islower():
        return "looks like a section heading"
    return ""


def _is_biography(text: str, authors: tuple[Author, ...]) -> bool:
    names = "|".join(re.escape(a.name) for a in authors) or rf"{_NAME}(?: {_NAME}){{1,3}}"
    roles = "fellow|professor|director|researcher|editor|correspondent|analyst|lecturer|scholar"
    pattern = rf"^(?:(?:Dr|Prof)\.?\s+)?(?:{names})\s+(?:is|was|currently serves as|serves as)\b.*\b(?i:{roles})\b"
    return bool(re.match(pattern, text))


def _byline(line: str, in_head: bool) -> tuple[tuple[Author, ...], str | None] | None:
    match = _BY.match(line)
    if match:
        names = [n.strip() for n in _SPLIT_NAMES.split(match["names"]) if n.strip()]
        if names and all(_is_name(n) for n in names):
            return tuple(Author(n) for n in names), match["aff"].strip() if match["aff"] else None
        return None
    match = _FAMILY_FIRST.match(line) if in_head else None
    if match and _is_name(f"{match['family']} {match['given']}") and len(match["aff"].split()) >= 2:
        return (Author(f"{match['family']} {match['given']}", match["family"]),), match["aff"].strip()
    return None


def _is_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    particles = ("van", "von", "de", "der", "da", "di", "du", "la", "le", "bin")
    capitalised = [bool(re.fullmatch(_NAME, t)) and t[0].isupper() for t in tokens]
    return capitalised[0] and capitalised[-1] and all(c or t in particles for c, t in zip(capitalised, tokens, strict=True))


def _date(line: str) -> str | None:
    for pattern in _DATES:
        match = pattern.search(line)
        if not match:
            continue
        month = match["month"]
        number = int(month) if month.isdigit() else next(i for i, m in enumerate(MONTHS, 1) if m[:3].lower() == month[:3].lower())
        day = match.groupdict().get("day")
        iso = f"{match['year']}-{number:02d}" + (f"-{int(day):02d}" if day else "")
        try:
            return PartialDate.parse(iso).iso()
        except ValueError:
            continue
    return None


def _family(name: str) -> str:
    # Without a comma the byline does not say which name is the family name:
    # a hyphenated given name ("Lee Ki-Tae") is written after it, else it comes last.
    tokens = [t for t in name.split() if t.rstrip(".").lower() not in _HONORIFICS] or name.split()
    if len(tokens) >= 2 and "-" in tokens[-1] and "-" not in tokens[0]:
        return tokens[0]
    return tokens[-1]


def _slug_words(text: str) -> list[str]:
    spaced = re.sub(r"[\W_]+", " ", text)  # dashes and quotes separate words, never join them
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").casefold().split())


def _yaml(value: object) -> str:
    # JSON strings are YAML double-quoted scalars: nothing in them can end the value or start a key.
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
