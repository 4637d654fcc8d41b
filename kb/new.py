"""`build_kb.py new`: start a source file from a raw web capture or from scratch, never overwriting one.

kb.capture reads the capture (headline, byline, date, copyright, which lines look
like page furniture); this module adds the options, proposes the id, writes the
file and prints the notes. Every line of the capture stays in the body, verbatim:
the contributor decides what to delete.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

from kb.capture import Capture, CaptureError, Given, from_options, read_capture
from kb.capture_lines import Author, VocabularyError, vocabulary
from kb.dates import PartialDate
from kb.problems import Problem
from kb.sources import EARLIEST_YEAR, url_problem
from kb.taxonomy import ID
from kb.yamlio import YamlError, parse_mapping

TITLE_WORDS = 5
# Words left out of proposed ids, which keep a handful of telling words of the title.
_STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "about", "after", "against", "among", "before", "between", "by", "for", "from",
    "in", "into", "is", "its", "of", "on", "or", "over", "the", "to", "toward", "towards", "under", "via", "vs", "with",
))  # fmt: skip


class NewError(Exception):
    """Why no file was written."""


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


def render(draft: Capture) -> tuple[str, list[int]]:
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
    parser.add_argument("--url", help="the original address (http or https); a date in it is used if the capture shows none")
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
    for problem in notes(display, draft, starts):
        print(problem.format())
    if not draft.paragraphs:
        print(f"Paste the article's paragraphs after the closing `---` of {display}, separated by blank lines.")
    print("Then fill what is unknown, delete what is not the article's text, and run `python build_kb.py check`.")
    return 0


def notes(display: str, draft: Capture, starts: list[int]) -> list[Problem]:
    """What the contributor should look at: unknown fields, then the body lines in file order."""
    fm = {"authors": 3, "publisher": 4, "url": 6}
    problems = [Problem(display, fm["authors"], "authors", "unknown: add the byline's names, or leave [] if the article has none")] if not draft.authors else []
    if draft.publisher is None:
        problems.append(Problem(display, fm["publisher"], "publisher", "unknown: add the outlet or organisation, or leave null if unknown"))
    if draft.url is None:
        problems.append(Problem(display, fm["url"], "url", "unknown: add the original address, or leave null if there is none"))
    for note in draft.notes:
        excerpt = draft.paragraphs[note.index].text
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
        message = f"{note.kind.value} ({json.dumps(excerpt, ensure_ascii=False)}); {note.kind.advice}"
        problems.append(Problem(display, starts[note.index], "body", message))
    return problems


def create(sources: Path, args: argparse.Namespace) -> tuple[Path, Capture, list[int]]:
    """Build the draft from the capture and the options, and write it unless the file exists."""
    try:
        vocabulary()  # the word lists `new` reads captures and names with
    except VocabularyError as err:
        raise NewError(str(err)) from None
    given = options(args)
    if given.date:
        _check_date(given.date, "--date")
    if given.url and url_problem(given.url):
        raise NewError(f"--url {url_problem(given.url)}")
    draft = from_options(given)
    if args.capture is not None:
        try:
            draft = read_capture(args.capture.read_bytes().decode("utf-8-sig"), given)
        except OSError as err:
            raise NewError(f"cannot read {args.capture}: {err.strerror}") from None
        except UnicodeDecodeError:
            raise NewError(f"{args.capture} is not UTF-8; save it as UTF-8 text") from None
        except CaptureError as err:
            raise NewError(str(err)) from None
    if not draft.title:
        raise NewError("no headline found; give one with --title (an article without a headline gets a descriptive title in [square brackets])")
    if not draft.date:
        raise NewError("no date found; give the publication date with --date YYYY, YYYY-MM or YYYY-MM-DD")
    _check_date(draft.date, "the capture's date")
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


def options(args: argparse.Namespace) -> Given:
    """What the command line says about the article, spaces tidied."""
    return Given(
        title=_option(args.title), date=_option(args.date), publisher=_option(args.publisher), url=_option(args.url),
        authors=tuple(Author(" ".join(a.split())) for a in args.author or () if a.strip()),
    )  # fmt: skip


def _check_date(text: str, where: str) -> None:
    # The same parser and lower bound as `check`, so that what `new` writes passes it.
    try:
        parsed = PartialDate.parse(text)
    except ValueError as err:
        raise NewError(f"{where} {err}; give it as YYYY, YYYY-MM or YYYY-MM-DD with --date") from None
    if parsed.year < EARLIEST_YEAR:
        raise NewError(f"{where} {parsed.iso()} is before {EARLIEST_YEAR}; give the publication date with --date")


def _option(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _family(name: str) -> str:
    # Without a comma the byline does not say which name is the family name:
    # a hyphenated given name ("Lee Ki-Tae") is written after it, else it comes last.
    tokens = [t for t in name.split() if t.rstrip(".").lower() not in vocabulary().honorifics] or name.split()
    if len(tokens) >= 2 and "-" in tokens[-1] and "-" not in tokens[0]:
        return tokens[0]
    return tokens[-1]


def _slug_words(text: str) -> list[str]:
    spaced = re.sub(r"[\W_]+", " ", text)  # dashes and quotes separate words, never join them
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def _yaml(value: object) -> str:
    # JSON strings are YAML double-quoted scalars: nothing in them can end the value or start a key.
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
