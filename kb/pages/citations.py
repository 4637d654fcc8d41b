"""How to cite an article: citation meta tags, BibTeX, RIS and CSL-JSON, written next to its page.

Authors' names are given as the sources write them, never split into given and
family names: the collection mixes given-name-first ("Sebastian Maslow") and
family-name-first ("Lee Kitae") names, and a wrong split is worse than none.
Unknown fields are left out, never filled with "unknown".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from kb.pages import Page
from kb.pages.plan import Plan
from kb.sources import Article

FORMATS = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# LaTeX specials in a BibTeX value, each with its escaped form.
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX))


def render(plan: Plan) -> Iterator[Page]:
    """The reference files of every article: articles/<id>.bib, .ris and .json."""
    for tagged in plan.collection.articles:
        article = tagged.article
        yield Page(f"articles/{article.id}.bib", bibtex(article))
        yield Page(f"articles/{article.id}.ris", ris(article))
        yield Page(f"articles/{article.id}.json", csl_json(article))


def meta_tags(article: Article) -> dict[str, str | list[str]]:
    """Highwire Press and Dublin Core <meta> tags (name -> content, or a list for repeated tags)."""
    date = article.date
    highwire_date = date.iso().replace("-", "/")
    tags: dict[str, str | list[str]] = {"citation_title": article.title}
    if article.authors:
        tags["citation_author"] = list(article.authors)
    tags["citation_publication_date"] = highwire_date
    tags["citation_date"] = highwire_date
    if article.publisher:
        tags["citation_publisher"] = article.publisher
    if article.series:
        tags["citation_series_title"] = article.series
    if article.url:
        tags["citation_public_url"] = article.url
    tags["DC.title"] = article.title
    if article.authors:
        tags["DC.creator"] = list(article.authors)
    tags["DC.date"] = date.iso()
    if article.publisher:
        tags["DC.publisher"] = article.publisher
    if article.url:
        tags["DC.identifier"] = article.url
    tags["DC.type"] = "Text"
    return tags


def _latex(value: str) -> str:
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], " ".join(value.split()))


def bibtex(article: Article) -> str:
    """A BibTeX @misc entry keyed by the article id; each author braced so no name is split."""
    date = article.date
    fields: list[tuple[str, str]] = [("title", "{" + _latex(article.title) + "}")]
    if article.authors:
        fields.append(("author", " and ".join("{" + _latex(name) + "}" for name in article.authors)))
    fields.append(("year", date.iso()[:4]))
    if date.month:
        fields.append(("month", _MONTHS[date.month - 1]))
    if date.day:
        fields.append(("day", str(date.day)))
    fields.append(("date", date.iso()))
    if article.publisher:
        fields.append(("publisher", _latex(article.publisher)))
    if article.series:
        fields.append(("series", _latex(article.series)))
    if article.url:
        fields.append(("url", article.url))
    if article.summary:
        fields.append(("abstract", _latex(article.summary)))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{article.id},\n{body}\n}}\n"


def ris(article: Article) -> str:
    """An RIS record (a web page, or a report when no address is known); one `TAG  - value` line per field."""
    date = article.date
    # The same choice as the CSL-JSON type below: ELEC = webpage, RPRT = report.
    lines = [("TY", "ELEC" if article.url else "RPRT"), ("ID", article.id), ("TI", article.title)]
    lines += [("AU", name) for name in article.authors]
    lines.append(("PY", f"{date.year:04d}"))
    lines.append(("DA", f"{date.year:04d}/{f'{date.month:02d}' if date.month else ''}/{f'{date.day:02d}' if date.day else ''}/"))
    if article.publisher:
        lines.append(("PB", article.publisher))
    if article.series:
        lines.append(("T2", article.series))
    if article.url:
        lines.append(("UR", article.url))
    if article.summary:
        lines.append(("AB", article.summary))
    out = [f"{tag}  - {' '.join(value.split())}" for tag, value in lines]
    return "\n".join([*out, "ER  - ", ""])


def csl_item(article: Article) -> dict[str, object]:
    """The article as a CSL-JSON item."""
    date = article.date
    parts = [p for p in (date.year, date.month, date.day) if p]
    # Online articles are web pages; without an address, a report is the closest type.
    item: dict[str, object] = {"id": article.id, "type": "webpage" if article.url else "report", "title": article.title}
    if article.authors:
        item["author"] = [{"literal": name} for name in article.authors]
    item["issued"] = {"date-parts": [parts]}
    if article.publisher:
        item["publisher"] = article.publisher
    if article.series:
        item["collection-title"] = article.series
    if article.url:
        item["URL"] = article.url
    if article.summary:
        item["abstract"] = article.summary
    return item


def csl_json(article: Article) -> str:
    """A CSL-JSON file: a list holding the article's item."""
    return json.dumps([csl_item(article)], ensure_ascii=False, indent=2) + "\n"
