"""Source files -> Articles: front matter checked field by field, body split into paragraphs."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from kb import clock
from kb.dates import PartialDate
from kb.discover import Unreadable, find_sources, read_regular
from kb.itemtypes import ITEM_TYPES, MEANING
from kb.names import Name, from_comma, from_mapping
from kb.problems import Checked, Problem, did_you_mean
from kb.taxonomy import ID, MAX_ID_LENGTH, Taxonomy
from kb.text import clean_body, first_hidden, hidden_problem, name
from kb.yamlio import Entry, Value, YamlError, parse_mapping

MAX_BYTES = 1_000_000
# Front matter holds a dozen one-line fields; a longer one is a pasted article or
# a lost closing `---`, and is reported as such.
MAX_FRONT_MATTER_LINES = 200
EARLIEST_YEAR = 1945
FIELDS = (
    "title", "authors", "publisher", "date", "url", "series",
    "affiliation", "summary", "rights", "administrations", "themes", "type",
)  # fmt: skip
REQUIRED = ("title", "authors", "publisher", "date")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
Fail = Callable[[int | None, str, str], None]
class Reader(Protocol):
    """read_article's signature: the build may pass a caching reader in its place."""

    def __call__(self, path: Path, display: str, taxonomy: Taxonomy, today: dt.date, problems: list[Problem], data: bytes | None = None) -> Article | None:
        """The article of one source file (of `data`, its bytes as already read, if given)."""


@dataclass(frozen=True)
class Block:
    """A paragraph or section heading of an article, with its permanent anchor."""

    kind: str  # "paragraph" or "heading"
    text: str
    anchor: str
    number: int  # paragraph number on the page (1-based); 0 for headings
    line: int


@dataclass(frozen=True)
class Article:
    """One source file, validated: metadata plus the verbatim text in blocks."""

    id: str
    path: str
    title: str
    authors: tuple[str, ...]
    publisher: str | None
    date: PartialDate
    url: str | None
    series: str | None
    affiliation: str | None
    summary: str | None
    rights: str | None
    administrations: tuple[str, ...]
    themes: tuple[str, ...]
    blocks: tuple[Block, ...]
    # The authors' names with their parts where front matter gives them (one per author).
    author_names: tuple[Name, ...] = ()
    item_type: str | None = None  # front matter `type:`; see kb/itemtypes.py
    # A digest of the paragraphs' words, ignoring case and spacing: the same text under two ids
    # is one article added twice. Made with the article (and so kept with it in the cache).
    text_digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = " ".join(" ".join(p.text.split()) for p in self.paragraphs)
        object.__setattr__(self, "text_digest", hashlib.sha1(words.lower().encode()).hexdigest())

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        """The paragraphs, without headings."""
        return tuple(b for b in self.blocks if b.kind == "paragraph")


def load_articles(directory: Path, taxonomy: Taxonomy, today: dt.date | None = None, read: Reader | None = None) -> tuple[Article, ...]:
    """Read every `*.md` in `directory` (with `read`, read_article by default); raise InputError listing every problem of every file."""
    return read_articles(directory, taxonomy, today, read).get()


def read_articles(directory: Path, taxonomy: Taxonomy, today: dt.date | None = None, read: Reader | None = None) -> Checked[tuple[Article, ...]]:
    """Every valid article of `directory` and every problem of every file (with `read`, read_article by default).

    `today` defaults to the latest date anywhere on Earth (kb.clock), so the
    result never depends on the machine's time zone.
    """
    read = read or read_article
    today = today or clock.today()
    problems: list[Problem] = []
    articles: list[Article] = []
    found_files = find_sources(directory, MAX_BYTES)
    problems += found_files.problems
    for path in found_files.paths:
        display = f"{directory.name}/{path.name}"
        found: list[Problem] = []
        article = read(path, display, taxonomy, today, found)
        problems += found
        if article is not None and not found:
            articles.append(article)
    problems += _collection_problems(articles)
    problems += _unchecked_notes(taxonomy, problems)
    return Checked(tuple(sorted(articles, key=lambda a: (a.date.key, a.id))), tuple(problems))


def _unchecked_notes(taxonomy: Taxonomy, problems: list[Problem]) -> list[Problem]:
    """Say which checks were skipped because the taxonomy is broken."""
    return [
        Problem(taxonomy.path, None, section, f"has errors, so the sources' `{section}:` lists were not checked against it; fix it and run check again", "note")
        for section in sorted(taxonomy.unchecked)
    ]


def read_article(path: Path, display: str, taxonomy: Taxonomy, today: dt.date, problems: list[Problem], data: bytes | None = None) -> Article | None:
    """Parse one source file, appending what is wrong with it to `problems`.

    `data`: the file's bytes, when the caller has read them already (and keys a result by them).
    """

    def fail(line: int | None, field: str, message: str) -> None:
        problems.append(Problem(display, line, field, message))

    article_id = path.stem
    if not ID.match(article_id):
        fail(None, "file name", f"'{path.name}' is not a valid id: use lowercase ascii words joined by hyphens, e.g. '2014-06-maslow-pragmatism-returns.md'")
    elif len(article_id) > MAX_ID_LENGTH:
        fail(None, "file name", f"is {len(article_id)} characters long without `.md`, more than the {MAX_ID_LENGTH} an id may have; shorten it")
    text = _read_text(path, fail, data)
    if text is None:
        return None
    split = _split_front_matter(text, fail)
    if split is None:
        return None
    front, body, body_line = split
    if not _visible_front_matter(front, fail):
        return None
    try:
        entries = parse_mapping(front, first_line=2)
    except YamlError as err:
        fail(err.line, "front matter", err.message)
        return None
    fields = _Fields(entries, fail, taxonomy, today)
    body = _clean_body(body, body_line, fail)
    blocks = _blocks(body, body_line)
    if not any(b.kind == "paragraph" for b in blocks):
        fail(body_line, "body", "the article has no text; paste the article's paragraphs after the closing `---`, separated by blank lines")
    article = fields.article(article_id, display, blocks)
    return article


def _read_text(path: Path, fail: Fail, data: bytes | None) -> str | None:
    try:
        raw = read_regular(path, MAX_BYTES) if data is None else data
    except Unreadable as err:
        fail(None, "file", str(err))
        return None
    if not raw.strip():
        fail(None, "file", "is empty; start from the template in CONTRIBUTING.md or run `python build_kb.py new`")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        fail(line, "file", f"is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _visible_front_matter(front: str, fail: Fail) -> bool:
    """Report every front-matter line holding a hidden character, under the field it is on; True if none."""
    clean = True
    field = "front matter"
    for offset, line in enumerate(front.split("\n")):
        key = _KEY.match(line)
        field = key.group(1) if key else field if line.startswith((" ", "\t")) else "front matter"
        found = first_hidden(line, allow_line_breaks=True)
        if found:
            fail(offset + 2, field, f"contains {name(found[1])} at character {found[0] + 1} of the line, an invisible or control character; delete it")
            clean = False
    return clean


def _clean_body(body: str, first_line: int, fail: Fail) -> str:
    """The body without invisible format characters, so that what is tagged and quoted is what is seen.

    The first line holding a character that cannot simply be removed (a bidi
    control, a control or unassigned character) is reported.
    """
    lines = body.split("\n")
    for offset, line in enumerate(lines):
        cleaned, problem = clean_body(line)
        if problem:
            fail(first_line + offset, "body", problem)
            break
        lines[offset] = cleaned
    return "\n".join(lines)


def _split_front_matter(text: str, fail: Fail) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        fail(1, "front matter", "missing; the file must start with a line `---`, then `key: value` lines, then a line `---`")
        return None
    index = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None)
    if index is None:
        fail(1, "front matter", "not closed; add a line `---` after the last `key: value` line")
        return None
    if index - 1 > MAX_FRONT_MATTER_LINES:
        fail(1, "front matter", f"is {index - 1} lines long (closed on line {index + 1}), more than the {MAX_FRONT_MATTER_LINES} allowed; "
             "keep one line per field, the article's text goes after the closing `---`")  # fmt: skip
        return None
    return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2


def _blocks(body: str, first_line: int) -> tuple[Block, ...]:
    blocks: list[Block] = []
    used: dict[str, int] = {}
    number = 0
    for line, parts in _chunks(body.split("\n"), first_line):
        heading = _HEADING.match(parts[0]) if len(parts) == 1 else None
        if heading:
            blocks.append(Block("heading", heading.group(2), _anchor("s", heading.group(2), used), 0, line))
        else:
            number += 1
            text = " ".join(parts)
            blocks.append(Block("paragraph", text, _anchor("p", text, used), number, line))
    return tuple(blocks)


def _chunks(lines: list[str], first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the line number it starts on."""
    start = first_line
    current: list[str] = []
    for offset, line in enumerate(lines):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line.strip())
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def _anchor(prefix: str, text: str, used: dict[str, int]) -> str:
    # Derived from the paragraph's own words, so editing or inserting another
    # paragraph never moves it; a repeated paragraph gets a numbered suffix.
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:7]
    base = f"{prefix}-{digest}"
    used[base] = used.get(base, 0) + 1
    return base if used[base] == 1 else f"{base}-{used[base]}"


class _Fields:
    """Typed access to front-matter entries, each check reporting with its line."""

    def __init__(self, entries: list[Entry], fail: Fail, taxonomy: Taxonomy, today: dt.date) -> None:
        self.fail = fail
        self.taxonomy = taxonomy
        self.today = today
        self.entries = {e.key: e for e in entries}
        for entry in entries:
            if entry.key not in FIELDS:
                hint = did_you_mean(entry.key, FIELDS) or f"; known fields: {', '.join(FIELDS)}"
                fail(entry.line, entry.key, f"unknown field{hint}")
        for key in REQUIRED:
            if key not in self.entries:
                fail(1, key, f"required field missing; add `{key}:`" + (" (write `[]` or `null` when unknown)" if key in ("authors", "publisher") else ""))

    def line(self, key: str) -> int | None:
        return self.entries[key].line if key in self.entries else None

    def value(self, key: str) -> Value:
        return self.entries[key].value if key in self.entries else None

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.value(key)
        if value is None:
            if required and key in self.entries:
                self.fail(self.line(key), key, "must not be empty")
            return None
        if not isinstance(value, str):
            self.fail(self.line(key), key, f"must be a text, got {_describe(value)}")
            return None
        return self._line_text(key, value)

    def _line_text(self, key: str, value: str) -> str | None:
        folded = " ".join(value.split())
        problem = hidden_problem(value, allow_line_breaks=True)
        if problem:
            self.fail(self.line(key), key, problem)
            return None
        if not folded:
            self.fail(self.line(key), key, "must not be empty")
            return None
        return folded

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(self.line(key), key, f"must be a list such as [\"A\", \"B\"], got {_describe(value)}")
            return ()
        return self._texts(key, value)

    def _texts(self, key: str, value: list[Value]) -> tuple[str, ...]:
        out = []
        for item in value:
            if not isinstance(item, str):
                self.fail(self.line(key), key, f"every item must be a text, got {_describe(item)}")
                continue
            text = self._line_text(key, item)
            if text:
                out.append(text)
        return tuple(out)

    def authors(self) -> tuple[Name, ...]:
        """Authors: texts (`Family, Given` gives the parts) or `{family, given, name}` mappings."""
        value = self.value("authors")
        if not isinstance(value, list):
            return tuple(Name(text) for text in self.texts("authors"))
        names = []
        for item in value:
            if isinstance(item, dict):
                # Every part passes the same checks as a text author (control characters ...).
                if any(isinstance(v, str) and self._line_text("authors", v) is None for v in item.values()):
                    continue
                name = from_mapping(item)
            elif isinstance(item, str) and "," in item:
                text = self._line_text("authors", item)
                if text is None:
                    continue
                name = from_comma(text)
            else:
                names += [Name(text) for text in self._texts("authors", [item])]
                continue
            if isinstance(name, str):
                self.fail(self.line("authors"), "authors", name + ("" if isinstance(item, dict) else "; or write the name as printed, without a comma"))
            else:
                names.append(name)
        return tuple(names)

    def item_type(self) -> str | None:
        value = self.text("type")
        if value is not None and value not in ITEM_TYPES:
            known = "; ".join(f"{t} ({MEANING[t]})" for t in ITEM_TYPES)
            self.fail(self.line("type"), "type", f"unknown type '{value}'{did_you_mean(value, ITEM_TYPES)}; known types: {known}")
            return None
        return value

    def date(self) -> PartialDate:
        value = self.value("date")
        if "date" not in self.entries:
            return PartialDate(1)
        try:
            date = PartialDate.parse(value.strip() if isinstance(value, str) else "")
        except ValueError as err:
            self.fail(self.line("date"), "date", f"{err}" if isinstance(value, str) else f"must be YYYY, YYYY-MM or YYYY-MM-DD, got {_describe(value)}")
            return PartialDate(1)
        # The year first: year 0 has no calendar days to compare with today.
        if date.year < EARLIEST_YEAR:
            self.fail(self.line("date"), "date", f"{date.iso()} is before {EARLIEST_YEAR}; check the year")
            return PartialDate(EARLIEST_YEAR)
        if date.first_day > self.today:
            today = self.today.isoformat()
            self.fail(self.line("date"), "date", f"{date.iso()} is in the future (today is {today} in UTC+14, the latest time zone); give the publication date")
        return date

    def url(self) -> str | None:
        url = self.text("url")
        if url is None:
            return None
        problem = url_problem(url)
        if problem:
            self.fail(self.line("url"), "url", problem)
            return None
        return url

    def ids(self, key: str, known: tuple[str, ...]) -> tuple[str, ...]:
        ids = self.texts(key)
        for tag in ids:
            # A broken taxonomy section may have lost entries: an id not found there is not this file's fault.
            if tag not in known and key not in self.taxonomy.unchecked:
                hint = did_you_mean(tag, known)
                self.fail(self.line(key), key, f"unknown {key[:-1]} '{tag}'{hint} ({key} are defined in {self.taxonomy.path})")
        return tuple(sorted(set(ids) & set(known)))

    def article(self, article_id: str, display: str, blocks: tuple[Block, ...]) -> Article:
        names = self.authors()
        return Article(
            id=article_id,
            path=display,
            title=self.text("title", required=True) or article_id,
            authors=tuple(name.literal for name in names),
            publisher=self.text("publisher"),
            date=self.date(),
            url=self.url(),
            series=self.text("series"),
            affiliation=self.text("affiliation"),
            summary=self.text("summary"),
            rights=self.text("rights"),
            administrations=self.ids("administrations", tuple(a.id for a in self.taxonomy.administrations)),
            themes=self.ids("themes", tuple(t.id for t in self.taxonomy.themes)),
            blocks=blocks,
            author_names=names,
            item_type=self.item_type(),
        )


# RFC 3986 characters only: anything else (spaces, quotes, <, >, braces) must be
# percent-encoded, so an address can never break out of a link, an attribute or
# a BibTeX field.
_URL = re.compile(r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#\[\]]+$")


def url_problem(url: str) -> str | None:
    """Why `url` is not an acceptable original address, or None when it is."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// address, got {url!r}"
    if not _URL.match(url):
        return f"contains characters that must be percent-encoded (spaces, quotes, <, >, braces), got {url!r}"
    return None


def _collection_problems(articles: list[Article]) -> list[Problem]:
    """Problems between files: the same URL or the same text under two ids."""
    problems = []
    by_url: dict[str, Article] = {}
    by_text: dict[str, Article] = {}
    for article in articles:
        if article.url:
            key = article.url.rstrip("/").lower()
            if key in by_url:
                problems.append(Problem(article.path, None, "url", f"same url as {by_url[key].path}; is this article already in the collection?"))
            by_url.setdefault(key, article)
        text = article.text_digest
        if text in by_text:
            problems.append(Problem(article.path, None, "body", f"same text as {by_text[text].path}; is this article already in the collection?"))
        by_text.setdefault(text, article)
    return problems


def _describe(value: Value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)
