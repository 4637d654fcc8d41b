"""Tagging: small cases per administration and theme, and what each seed page must (not) list."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kb.dates import PartialDate
from kb.evaluate import Figures, evaluate
from kb.mentions import no_mentions
from kb.pages import render_pages
from kb.pages.article import article_page
from kb.pages.plan import Plan
from kb.problems import InputError
from kb.sources import Article, Block, load_articles
from kb.tagging import Basis, Collection, TaggedArticle, Tagger, tag_articles, tag_text
from kb.taxonomy import Taxonomy, load_taxonomy
from kb.timeline import extract_events
from tests.helpers import CASES, ROOT, TODAY, load_yaml, run_cli, seed_inputs

CORPUS = ROOT / "tests" / "corpus"

CASE_FILES = sorted((CASES / "tagging").glob("*.yml"))
LISTINGS = load_yaml(CASES / "seed_listings.yml")
assert isinstance(LISTINGS, dict)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "taxonomy.yml")


@pytest.fixture(scope="module")
def collection() -> Collection:
    taxonomy, articles, _ = seed_inputs()
    return tag_articles(articles, taxonomy)


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_tagging_case(case: Path, taxonomy: Taxonomy) -> None:
    data = load_yaml(case)
    assert isinstance(data, dict)
    admins, themes = tag_text(data["text"], taxonomy)
    assert sorted(admins) == sorted(data.get("administrations") or [])
    assert sorted(themes) == sorted(data.get("themes") or [])


def _listing_cases() -> list[tuple[str, str, str, bool]]:
    cases = []
    for kind in ("administrations", "themes"):
        for tag, lists in LISTINGS[kind].items():
            cases += [(kind, tag, article, True) for article in lists.get("must") or []]
            cases += [(kind, tag, article, False) for article in lists.get("must_not") or []]
    return cases


@pytest.mark.parametrize(
    ("kind", "tag", "article", "listed"),
    _listing_cases(),
    ids=[f"{t}-{'lists' if listed else 'omits'}-{a}" for _, t, a, listed in _listing_cases()],
)
def test_seed_listing(kind: str, tag: str, article: str, listed: bool, collection: Collection) -> None:
    listed_ids = {a.article.id for a in collection.about(tag)}
    assert (article in listed_ids) is listed


def test_every_taxonomy_entry_has_a_listing(taxonomy: Taxonomy) -> None:
    assert set(LISTINGS["administrations"]) == {a.id for a in taxonomy.administrations}
    assert set(LISTINGS["themes"]) == {t.id for t in taxonomy.themes}


def test_front_matter_tags_list_an_article_without_passages(taxonomy: Taxonomy) -> None:
    fixture = CASES / "collections" / "front-matter-tag"
    articles = load_articles(fixture, taxonomy, TODAY)
    tagged = tag_articles(articles, taxonomy).articles[0]
    assert "liaison-offices" in tagged.themes
    assert tagged.from_front_matter_only("liaison-offices")
    assert not tagged.passages_about("liaison-offices")


# ---------------------------------------------------------------- article context


def _article(published: str, *paragraphs: str) -> Article:
    blocks = tuple(Block("paragraph", text, f"p-{n}", n, n) for n, text in enumerate(paragraphs, 1))
    return Article("case", "sources/case.md", "case", (), None, PartialDate.parse(published), None, None, None, None, None, (), (), blocks)


def _read(taxonomy: Taxonomy, published: str, *paragraphs: str) -> TaggedArticle:
    return Tagger(taxonomy).article(_article(published, *paragraphs))


def test_a_name_introduced_in_another_post_keeps_it_for_the_article(taxonomy: Taxonomy) -> None:
    tagged = _read(
        taxonomy, "2016-03-02",
        "Chief Cabinet Secretary Yoshihide Suga said the government would protest to Pyongyang.",
        "Suga said Japan would keep demanding the return of the abductees.",
    )  # fmt: skip
    assert "suga" not in tagged.administrations
    # The government acting, in an article of 2016: Abe's administration, said to be inferred.
    assert [p.administrations for p in tagged.passages] == [("abe",), ("abe",)]
    assert all(e.basis is Basis.IN_OFFICE for p in tagged.passages for e in p.reasons("abe"))


def test_the_same_name_counts_once_the_text_calls_the_person_prime_minister(taxonomy: Taxonomy) -> None:
    tagged = _read(
        taxonomy, "2021-01-20",
        "Suga, who was chief cabinet secretary for eight years, became prime minister in September.",
        "Suga said the abductions remained his top priority.",
    )  # fmt: skip
    assert [p.administrations for p in tagged.passages] == [("suga",), ("suga",)]
    assert tagged.passages[1].reasons("suga")[0].basis is Basis.NAME


def test_no_administration_before_its_first_term_unless_the_text_looks_ahead(taxonomy: Taxonomy) -> None:
    tagged = _read(
        taxonomy, "2014-06-10",
        "Suga told reporters the investigation had begun.",
        "Some in the party already see Kishida as the next prime minister.",
    )  # fmt: skip
    assert tagged.passages[0].administrations == ()
    assert tagged.passages[1].administrations == ("kishida",)


def test_the_government_acting_concerns_the_administration_in_office_when_published(taxonomy: Taxonomy) -> None:
    tagged = _read(
        taxonomy, "2008-06-13",
        "Prime Minister Yasuo Fukuda welcomed the agreement.",
        "Tokyo will ease its sanctions on North Korean chartered flights.",
        "Tokyo first imposed sanctions in 2006, after a nuclear test.",
        "Tokyo said in 2004 that it would never ease them.",
    )  # fmt: skip
    assert [p.administrations for p in tagged.passages] == [("fukuda",), ("fukuda",), (), ()]
    reason = tagged.passages[1].reasons("fukuda")[0]
    assert reason.basis is Basis.IN_OFFICE and reason.inferred
    assert reason.describe() == "in office when published; “Tokyo will”"
    assert "sanctions" in tagged.passages[1].themes


def test_no_administration_in_office_for_a_date_that_spans_a_change_of_government(taxonomy: Taxonomy) -> None:
    # Published "2024": Kishida until October, Ishiba after.
    tagged = _read(taxonomy, "2024", "The government will extend its sanctions.")
    assert tagged.passages[0].administrations == ()


def test_the_summit_refers_back_to_the_last_summit_named(taxonomy: Taxonomy) -> None:
    tagged = _read(
        taxonomy, "2021-04-15",
        "Prime Minister Yoshihide Suga will raise the abductions ahead of his summit with U.S. President Joe Biden on Friday.",
        "The summit is expected to produce a joint statement.",
        "Suga has also offered to hold a summit with Kim Jong Un.",
        "The summit would be the first since 2004.",
    )  # fmt: skip
    assert [("summit-diplomacy" in p.themes) for p in tagged.passages] == [False, False, True, True]
    reason = tagged.passages[3].reasons("summit-diplomacy")[-1]
    assert reason.basis is Basis.ANAPHORA and "(¶ 3)" in reason.note


def test_themes_described_without_their_keywords(taxonomy: Taxonomy) -> None:
    stockholm = _read(
        taxonomy, "2016-02-13",
        "The two governments agreed to conduct a new investigation into the abductions in May 2014, but North Korea later disbanded the committee.",
    )  # fmt: skip
    assert "stockholm-agreement" in stockholm.themes
    assert stockholm.passages[0].reasons("stockholm-agreement")[0].basis is Basis.RULE
    # The same words dated long before the agreement are not about it.
    earlier = _read(taxonomy, "2008-06-13", "North Korea agreed to conduct a new investigation into the abductions in June 2008.")
    assert "stockholm-agreement" not in earlier.themes
    for text in (
        "Officials of the two governments reportedly met at least twice in a third country; the government has not officially confirmed this.",
        "A Foreign Ministry official met secretly with a North Korean counterpart.",
        "Kim Yo Jong said Tokyo had proposed a “secret” meeting.",
    ):
        assert "backchannel" in tag_text(text, taxonomy)[1], text


def test_typographic_quotes_and_dashes_are_folded_and_words_quoted_verbatim(taxonomy: Taxonomy) -> None:
    text = "Japan–U.S.–South Korea talks and a “secret” meeting"
    _, themes, evidence = Tagger(taxonomy).match(text)
    assert {"trilateral-cooperation", "backchannel"} <= set(themes)
    words = {e.words for e in evidence}
    assert "Japan–U.S.–South Korea" in words and "secret” meeting" in words


def test_every_reason_is_data_with_words_from_the_paragraph(collection: Collection) -> None:
    for tagged in collection.articles:
        for passage in tagged.passages:
            tags = {*passage.administrations, *passage.themes}
            assert tags == {e.tag for e in passage.evidence}
            for reason in passage.evidence:
                assert isinstance(reason.basis, Basis) and reason.describe()
                for start, end in reason.spans:
                    assert passage.block.text[start:end] in reason.words or reason.words in passage.block.text


# ---------------------------------------------------------------- the labeled corpus


@pytest.fixture(scope="module")
def figures(taxonomy: Taxonomy) -> dict[str, Figures]:
    return {f.name: f for f in evaluate(CORPUS, taxonomy, TODAY)}


def test_the_corpus_is_large_and_varied_enough(figures: dict[str, Figures]) -> None:
    assert figures["all"].articles >= 24 and figures["heldout"].articles >= 6
    years = {p.name[:4] for p in CORPUS.glob("*/sources/*.md")}
    assert min(years) <= "2002" and max(years) >= "2025"


def test_article_level_tags_meet_the_thresholds(figures: dict[str, Figures]) -> None:
    total = figures["all"]
    for score in (total.article_admins, total.article_themes):
        assert score.recall >= 0.95 and score.precision >= 0.98, score


def test_paragraph_level_pairs_meet_the_threshold(figures: dict[str, Figures]) -> None:
    pairs = figures["all"].pairs
    assert pairs.recall >= 0.90 and pairs.precision >= 0.90, pairs


def test_evaluate_command_prints_the_figures() -> None:
    result = run_cli("evaluate", "--details", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "== heldout:" in result.stdout and "== all:" in result.stdout
    assert "paragraphs: (administration, theme) pairs" in result.stdout and "timeline events" in result.stdout


def test_evaluate_reports_a_broken_label_file_with_its_path(tmp_path: Path, taxonomy: Taxonomy) -> None:
    group = tmp_path / "dev"
    shutil.copytree(CORPUS / "dev" / "sources", group / "sources")
    shutil.copytree(CORPUS / "dev" / "labels", group / "labels")
    label = next((group / "labels").glob("*.yml"))
    label.write_text(label.read_text(encoding="utf-8").replace("themes: [", "themes: [no-such-theme, ", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        evaluate(tmp_path, taxonomy, TODAY)
    assert any("no-such-theme" in p.message and p.path.endswith(label.name) for p in caught.value.problems)


# ---------------------------------------------------------------- pages link only what concerns them


def _admin_page_links(collection: Collection) -> dict[str, set[str]]:
    pages = render_pages(collection, no_mentions(), extract_events(collection))
    links = {}
    for page in pages:
        if page.path.startswith("administrations/") and page.path != "administrations/index.md":
            links[page.path.split("/")[1][:-3]] = set(re.findall(r"\.\./articles/([a-z0-9-]+)\.md", page.content))
    return links


@pytest.mark.parametrize("source", ["seeds", "corpus"])
def test_no_administration_page_links_an_article_that_does_not_concern_it(source: str, taxonomy: Taxonomy, collection: Collection) -> None:
    if source == "corpus":
        articles = [a for group in sorted(CORPUS.iterdir()) for a in load_articles(group / "sources", taxonomy, TODAY)]
        collection = tag_articles(sorted(articles, key=lambda a: (a.date.key, a.id)), taxonomy)
    tagged = {t.article.id: t for t in collection.articles}
    links = _admin_page_links(collection)
    assert links and any(links.values())
    for admin, linked in links.items():
        for article_id in linked:
            article = tagged[article_id]
            # Front-matter tags are listed, and the article page says so.
            assert article.passages_about(admin) or admin in article.article.administrations, (admin, article_id)


def test_front_matter_only_tags_are_shown_as_such(taxonomy: Taxonomy) -> None:
    fixture = CASES / "collections" / "front-matter-tag"
    tagged = tag_articles(load_articles(fixture, taxonomy, TODAY), taxonomy).articles[0]
    assert [e.basis for e in tagged.front_matter_evidence() if e.tag == "liaison-offices"] == [Basis.FRONT_MATTER]


def test_article_page_shows_why_each_tag_was_given(taxonomy: Taxonomy) -> None:
    tagged = _read(taxonomy, "2008-06-13", "Prime Minister Yasuo Fukuda spoke.", "Tokyo will ease its sanctions.")
    collection = Collection(taxonomy, (tagged,))
    page = article_page(Plan(collection, no_mentions(), extract_events(collection)), tagged)
    named, inferred = page.split("{ .kb-ptags }")[:2]
    assert 'title="named: “Yasuo Fukuda”"' in named and "*(" not in named.split("Concerns:")[1]
    # A tag from the article's context shows its reason next to it, in italics, unlike a tag by name.
    assert "*(in office when published; “Tokyo will”)*" in inferred
    assert 'title="matched: “sanctions”"' in inferred


# ---------------------------------------------------------------- the rules section


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("rules:\n  nonsense: []\n", "rules.nonsense: unknown rule kind"),
        ("rules:\n  other_roles: [Chief Cabinet Secretary]\n", "must contain {name}"),
        ("rules:\n  themes:\n    - {id: x, theme: no-such-theme, all: [a]}\n", "rules.themes.x.theme: must be the id of a theme"),
        ("rules:\n  themes:\n    - {id: x, theme: abductions, all: [a], dated: {from: '2016-01-01', to: '2014-01-01'}}\n", "before it starts"),
        ("rules:\n  anaphora:\n    - {id: y, theme: summit-diplomacy, heads: [summit*], anaphors: [the summit], within: many}\n", "rules.anaphora.y.within"),
    ],
)
def test_rule_mistakes_are_reported_with_their_field(tmp_path: Path, rules: str, expected: str) -> None:
    text = (ROOT / "taxonomy.yml").read_text(encoding="utf-8")
    path = tmp_path / "taxonomy.yml"
    path.write_text(text[: text.index("\nrules:")] + "\n" + rules, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_taxonomy(path)
    assert any(expected in p.format() for p in caught.value.problems), [p.format() for p in caught.value.problems]
