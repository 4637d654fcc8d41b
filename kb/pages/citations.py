"""How to cite an article: citation meta tags, BibTeX, RIS and CSL-JSON, written next to its page.

Every export reads one Reference, so an article has one item type and the same
names everywhere. Names carry family and given parts only where they are known
(kb/names.py); a name whose parts are unknown stays one literal, never split by
guess. Unknown fields are left out, never filled with "unknown".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kb.itemtypes import ItemType, item_type
from kb.mentions import Mentions, no_mentions
from kb.names import Name, with_family
from kb.pages import Draft, sitemap
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

# One item type, said in each vocabulary. BibTeX: a report is @techreport (biblatex
# reads it as @report with type techreport) with the publisher as `institution`; a
# newspaper or magazine story is @article with the publication as `journal`, which
# every classic style prints (plain, alpha, unsrt), where @misc would drop the
# publication; other items are @misc with the publisher as `howpublished`.
CSL_TYPE = {"report": "report", "newspaper": "article-newspaper", "magazine": "article-magazine", "webpage": "webpage", "document": "document"}
RIS_TYPE = {"report": "RPRT", "newspaper": "NEWS", "magazine": "MGZN", "webpage": "ELEC", "document": "GEN"}
BIBTEX_TYPE = {"report": "techreport", "newspaper": "article", "magazine": "article", "webpage": "misc", "document": "misc"}
# Zotero's item type names: Zotero's Embedded Metadata translator takes a DC.type equal to
# one of them as the item type (before any Highwire guess), and a report also has
# citation_technical_report_institution, the one Highwire tag that makes it a report.
ZOTERO_TYPE = {"report": "report", "newspaper": "newspaperArticle", "magazine": "magazineArticle", "webpage": "webpage", "document": "document"}
# Types whose publisher is the publication the item appeared in (its container).
PERIODICAL = ("newspaper", "magazine")


@dataclass(frozen=True)
class Reference:
    """What every export says about one article: its item type and its authors' names."""

    article: Article
    type: ItemType
    names: tuple[Name, ...]


def reference(article: Article, mentions: Mentions | None = None) -> Reference:
    """The article's reference: names with the parts front matter or entities.yml give, and its type."""
    mentions = mentions or no_mentions()
    entities = mentions.entities
    ids = mentions.authors.get(article.id, ())
    given = article.author_names if len(article.author_names) == len(article.authors) else tuple(map(Name, article.authors))
    names = []
    for index, name in enumerate(given):
        entity_id = ids[index] if index < len(ids) else None
        entity = entities.get(entity_id) if entity_id else None
        if not name.split and entity is not None and entity.family:
            name = with_family(name.literal, entity.family, entity.given)
        names.append(name)
    publisher = mentions.publishers.get(article.id)
    publishes = entities.get(publisher).publishes if publisher else None
    return Reference(article, item_type(article.item_type, publishes, article.url is not None), tuple(names))


def drafts(plan: Plan) -> Iterator[Draft]:
    """The reference files of every article, each made from its article alone: articles/<id>.bib, .ris and .json."""
    for tagged in plan.collection.articles:
        article, reads = tagged.article, (tagged.article.id,)
        for extension, write in (("bib", bibtex), ("ris", ris), ("json", csl_json)):
            yield Draft(sitemap.reference(article.id, extension), reads, functools.partial(_file, write, article, plan.mentions))


def _file(write: Callable[[Reference], str], article: Article, mentions: Mentions) -> str:
    return write(reference(article, mentions))


def inverted(name: Name) -> str:
    """`Maslow, Sebastian` where the parts are known (what Highwire, RIS and Zotero read), else the literal.

    (Zotero's Embedded Metadata takes a comma with several words on both sides,
    "De Silva, Anna Maria", for two authors; such names are rare enough to accept.)
    """
    if not name.split:
        return name.literal
    return f"{name.family}, {name.given}" if name.given else f"{name.family},"


def meta_tags(ref: Reference) -> dict[str, str | list[str]]:
    """Highwire Press, PRISM and Dublin Core <meta> tags (name -> content, or a list for repeated tags)."""
    article = ref.article
    date = article.date
    highwire_date = date.iso().replace("-", "/")
    authors = [inverted(name) for name in ref.names]
    tags: dict[str, str | list[str]] = {"citation_title": article.title}
    if authors:
        tags["citation_author"] = authors
    tags["citation_publication_date"] = highwire_date
    tags["citation_date"] = highwire_date
    if article.publisher:
        tags["citation_publisher"] = article.publisher
        if ref.type == "report":
            tags["citation_technical_report_institution"] = article.publisher
        elif ref.type in PERIODICAL:
            tags["prism.publicationName"] = article.publisher
    if article.series:
        tags["citation_series_title"] = article.series
    if article.url:
        tags["citation_public_url"] = article.url
    tags["DC.title"] = article.title
    if authors:
        tags["DC.creator"] = authors
    tags["DC.date"] = date.iso()
    if article.publisher:
        tags["DC.publisher"] = article.publisher
    if article.url:
        tags["DC.identifier"] = article.url
    tags["DC.type"] = ZOTERO_TYPE[ref.type]
    return tags


def _latex(value: str) -> str:
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], " ".join(value.split()))


def _bibtex_name(name: Name) -> str:
    """`Maslow, Sebastian`; a literal is braced whole so that no style splits it."""
    if not name.split or name.family is None:
        return "{" + _latex(name.literal) + "}"
    # A family name of several words is braced, so that BibTeX keeps it whole ("{De Silva}").
    family = _latex(name.family)
    family = "{" + family + "}" if " " in family else family
    return f"{family}, {_latex(name.given)}" if name.given else family


def bibtex(ref: Reference) -> str:
    """A BibTeX entry keyed by the article id, of the article's type."""
    article, date = ref.article, ref.article.date
    kind = BIBTEX_TYPE[ref.type]
    fields: list[tuple[str, str]] = [("title", "{" + _latex(article.title) + "}")]
    if ref.names:
        fields.append(("author", " and ".join(_bibtex_name(name) for name in ref.names)))
    if article.publisher:
        where = {"techreport": "institution", "article": "journal", "misc": "howpublished"}[kind]
        fields.append((where, _latex(article.publisher)))
    if kind == "techreport":
        # The series names the kind of report ("KINU Online Series CO 24-24"); styles print `type`.
        # Braced: styles would lower-case it ("Kinu online series").
        fields.append(("type", "{" + (_latex(article.series) if article.series else "Report") + "}"))
    fields.append(("year", date.iso()[:4]))
    if date.month:
        fields.append(("month", _MONTHS[date.month - 1]))
    if date.day:
        fields.append(("day", str(date.day)))
    fields.append(("date", date.iso()))
    if article.series:
        fields.append(("series", _latex(article.series)))
    if article.url:
        fields.append(("url", article.url))
        # Classic styles (plain, alpha, unsrt ...) know no `url` field but print `note`.
        fields.append(("note", "\\url{" + article.url + "}"))
    if article.summary:
        fields.append(("abstract", _latex(article.summary)))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{article.id},\n{body}\n}}\n"


def ris(ref: Reference) -> str:
    """An RIS record of the article's type; one `TAG  - value` line per field."""
    article, date = ref.article, ref.article.date
    lines = [("TY", RIS_TYPE[ref.type]), ("ID", article.id), ("TI", article.title)]
    lines += [("AU", inverted(name)) for name in ref.names]
    lines.append(("PY", f"{date.year:04d}"))
    lines.append(("DA", f"{date.year:04d}/{f'{date.month:02d}' if date.month else ''}/{f'{date.day:02d}' if date.day else ''}/"))
    if article.publisher:
        # T2 is the publication (newspaper, magazine, website) an item appeared in.
        lines.append(("T2" if ref.type in (*PERIODICAL, "webpage") else "PB", article.publisher))
    if article.series:
        lines.append(("T3", article.series))
    if article.url:
        lines.append(("UR", article.url))
    if article.summary:
        lines.append(("AB", article.summary))
    out = [f"{tag}  - {' '.join(value.split())}" for tag, value in lines]
    return "\n".join([*out, "ER  - ", ""])


def _csl_name(name: Name) -> dict[str, str]:
    if not name.split or name.family is None:
        return {"literal": name.literal}
    return {"family": name.family, "given": name.given} if name.given else {"family": name.family}


def csl_item(ref: Reference) -> dict[str, object]:
    """The article as a CSL-JSON item."""
    article, date = ref.article, ref.article.date
    parts = [p for p in (date.year, date.month, date.day) if p]
    item: dict[str, object] = {"id": article.id, "type": CSL_TYPE[ref.type], "title": article.title}
    if ref.names:
        item["author"] = [_csl_name(name) for name in ref.names]
    item["issued"] = {"date-parts": [parts]}
    if article.publisher:
        # Styles print a newspaper's, magazine's or website's name as the container title.
        item["container-title" if ref.type in (*PERIODICAL, "webpage") else "publisher"] = article.publisher
    if article.series:
        item["collection-title"] = article.series
    if article.url:
        item["URL"] = article.url
    if article.summary:
        item["abstract"] = article.summary
    return item


def csl_json(ref: Reference) -> str:
    """A CSL-JSON file: a list holding the article's item."""
    return json.dumps([csl_item(ref)], ensure_ascii=False, indent=2) + "\n"
