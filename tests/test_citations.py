"""Citations: meta tags in the built pages, and reference files read back by real parsers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import citeproc
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from kb.dates import PartialDate
from kb.pages.citations import bibtex, csl_json, ris
from kb.sources import Article, Block, load_articles
from kb.taxonomy import load_taxonomy
from tests.conftest import mkdocs_build
from tests.helpers import ROOT, SEED_SOURCES, TODAY

SEED = {a.id: a for a in load_articles(SEED_SOURCES, load_taxonomy(ROOT / "taxonomy.yml"), TODAY)}
UNKNOWN_AUTHOR = "2024-north-korea-statements-to-kishida"  # no authors, no publisher, year only
HOSTILE_TITLE = '"><script>alert(1)</script> {Braces} \\back & 100% $x #1 _u ~t ^c'
STYLE = Path(citeproc.__file__).parent / "data" / "styles" / "harvard-cite-them-right.csl"


def hostile_article() -> Article:
    """An article whose metadata holds every character that means something in HTML, LaTeX or RIS."""
    return Article(
        id="2024-hostile", path="sources/2024-hostile.md", title=HOSTILE_TITLE, authors=("Ann {O'Hara} & Co", "Lee Kitae"),
        publisher="A<b>Press</b>", date=PartialDate(2024, 2), url="https://example.org/a?b=1&c=2", series=None,
        affiliation=None, summary=None, rights=None, administrations=(), themes=(),
        blocks=(Block("paragraph", "Text.", "p-0000000", 1, 7),),
    )  # fmt: skip


ALL = [*sorted(SEED), "hostile"]


def article_for(case: str) -> Article:
    return hostile_article() if case == "hostile" else SEED[case]


# --- BibTeX ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL)
def test_bibtex_parses_back_to_the_metadata(case: str) -> None:
    article = article_for(case)
    library = bibtexparser.parse_string(bibtex(article), append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert len(library.entries) == 1
    entry = library.entries[0]
    assert (entry.key, entry.entry_type) == (article.id, "misc")
    # pylatexenc decodes \textasciicircum as U+02C6; LaTeX typesets it as "^".
    fields = {f.key: f.value.replace("\u02c6", "^") for f in entry.fields}
    assert fields["title"] == article.title
    assert fields["year"] == str(article.date.year)
    assert ("month" in fields) == (article.date.month is not None)
    if article.authors:
        assert fields["author"].split(" and ") == list(article.authors)
    else:
        assert "author" not in fields
    assert fields.get("publisher") == article.publisher
    assert "unknown" not in " ".join(fields.values()).lower()


# --- RIS ------------------------------------------------------------------------------

RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")


def read_ris(text: str) -> list[list[tuple[str, str]]]:
    """A strict RIS reader: every line `XX  - value`; records open with TY and close with ER."""
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        match = RIS_LINE.match(line)
        assert match, f"not an RIS line: {line!r}"
        tag, value = match.groups()
        if tag == "TY":
            assert current is None, "TY inside a record"
            current = [(tag, value)]
        elif tag == "ER":
            assert current is not None and value == ""
            records.append(current)
            current = None
        else:
            assert current is not None, f"{tag} outside a record"
            current.append((tag, value))
    assert current is None, "record not closed with ER"
    return records


@pytest.mark.parametrize("case", ALL)
def test_ris_is_one_strict_record(case: str) -> None:
    article = article_for(case)
    (record,) = read_ris(ris(article))
    fields: dict[str, list[str]] = {}
    for tag, value in record:
        fields.setdefault(tag, []).append(value)
    assert fields["TY"] == ["ELEC" if article.url else "RPRT"]
    assert fields["TI"] == [article.title]
    assert fields.get("AU", []) == list(article.authors)
    assert fields["PY"] == [str(article.date.year)]
    year, month, day, rest = fields["DA"][0].split("/")
    assert (year, month, day, rest) == (
        f"{article.date.year}",
        f"{article.date.month:02d}" if article.date.month else "",
        f"{article.date.day:02d}" if article.date.day else "",
        "",
    )
    assert fields.get("PB", [None]) == [article.publisher]


# --- CSL-JSON -------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL)
def test_csl_json_renders_with_citeproc(case: str) -> None:
    article = article_for(case)
    source = CiteProcJSON(json.loads(csl_json(article)))
    bibliography = CitationStylesBibliography(CitationStylesStyle(str(STYLE), validate=False), source, formatter.plain)
    bibliography.register(Citation([CitationItem(article.id)]))
    (rendered,) = (str(item) for item in bibliography.bibliography())
    assert article.title in rendered
    assert f"({article.date.year})" in rendered
    for name in article.authors:
        assert name in rendered
    assert "unknown" not in rendered.lower()


def test_year_only_date_has_one_date_part() -> None:
    (item,) = json.loads(csl_json(SEED[UNKNOWN_AUTHOR]))
    assert item["issued"] == {"date-parts": [[2024]]}
    assert "author" not in item and "publisher" not in item


# --- meta tags in the built pages -------------------------------------------------------


class HeadReader(HTMLParser):
    """The <meta name=... content=...> pairs, the <script> texts and the links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") and values.get("content") is not None:
            self.meta.append((str(values["name"]), str(values["content"])))
        self._in_script = tag == "script"
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def read_page(site: Path, article_id: str) -> HeadReader:
    reader = HeadReader()
    reader.feed((site / "articles" / article_id / "index.html").read_text(encoding="utf-8"))
    return reader


def values(reader: HeadReader, name: str) -> list[str]:
    return [content for key, content in reader.meta if key == name]


@pytest.mark.slow
@pytest.mark.parametrize("article_id", sorted(SEED))
def test_article_page_carries_citation_meta_tags(built_site: Path, article_id: str) -> None:
    article = SEED[article_id]
    page = read_page(built_site, article_id)
    date = article.date.iso().replace("-", "/")
    assert values(page, "citation_title") == [article.title] == values(page, "DC.title")
    assert values(page, "citation_author") == list(article.authors) == values(page, "DC.creator")
    assert values(page, "citation_publication_date") == [date] == values(page, "citation_date")
    assert values(page, "DC.date") == [article.date.iso()]
    assert values(page, "citation_publisher") == values(page, "DC.publisher") == ([article.publisher] if article.publisher else [])
    assert values(page, "citation_public_url") == values(page, "DC.identifier") == ([article.url] if article.url else [])
    cited = [content for name, content in page.meta if name.startswith(("citation_", "DC."))]
    assert not [c for c in cited if "unknown" in c.lower() or not c.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("article_id", sorted(SEED))
def test_article_page_links_its_reference_files(built_site: Path, article_id: str) -> None:
    page = read_page(built_site, article_id)
    for extension in ("bib", "ris", "json"):
        assert f"../{article_id}.{extension}" in page.links
        assert (built_site / "articles" / f"{article_id}.{extension}").is_file()


@pytest.fixture(scope="module")
def hostile_citation_site(project_factory: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("hostile-citation-sources")
    title = json.dumps(HOSTILE_TITLE)
    (sources / "2024-02-hostile-title.md").write_text(
        f'---\ntitle: {title}\nauthors: ["<img src=x onerror=alert(2)>"]\npublisher: "A \\"quoted\\" & <b>bold</b> press"\ndate: "2024-02"\n---\n\nText.\n',
        encoding="utf-8",
    )
    project = project_factory("hostile-citation", sources=sources)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.mark.slow
def test_hostile_metadata_is_escaped_in_meta_tags(hostile_citation_site: Path) -> None:
    page = read_page(hostile_citation_site, "2024-02-hostile-title")
    assert values(page, "citation_title") == [HOSTILE_TITLE]
    assert values(page, "citation_author") == ["<img src=x onerror=alert(2)>"]
    assert values(page, "DC.publisher") == ['A "quoted" & <b>bold</b> press']
    assert values(page, "citation_publication_date") == ["2024/02"]
    assert not [s for s in page.scripts if "alert" in s]
    html = (hostile_citation_site / "articles" / "2024-02-hostile-title" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
