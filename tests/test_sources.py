"""Source validation: every broken-input scenario gives exactly the expected messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb.build import Project, check
from kb.problems import InputError
from kb.sources import MAX_BYTES, load_articles
from kb.taxonomy import Taxonomy, load_taxonomy
from tests.helpers import CASES, ROOT, SEED_SOURCES, TODAY

BAD = sorted(p for p in (CASES / "bad_sources").iterdir() if p.is_dir())
# Every live source is valid, so each must also satisfy the published schema.
LIVE = sorted((ROOT / "sources").glob("*.md"))
SCHEMA = json.loads((ROOT / "schemas" / "source.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "taxonomy.yml")


def _problems(folder: Path, tmp_path: Path, taxonomy: Taxonomy) -> str:
    """What `check` reports for a collection of these sources and the live taxonomy (the file pages clash too)."""
    shutil.copytree(folder, tmp_path / "sources", ignore=shutil.ignore_patterns("expected.txt"))
    shutil.copy(ROOT / "taxonomy.yml", tmp_path / "taxonomy.yml")
    with pytest.raises(InputError) as caught:
        check(Project(tmp_path), TODAY, cached=False)
    return "\n".join(p.format() for p in caught.value.problems) + "\n" + str(caught.value) + "\n"


@pytest.mark.parametrize("scenario", BAD, ids=[p.name for p in BAD])
def test_bad_source_reports_exactly(scenario: Path, tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert _problems(scenario, tmp_path, taxonomy) == (scenario / "expected.txt").read_text(encoding="utf-8")


def test_oversized_source_is_refused_before_parsing(tmp_path: Path, taxonomy: Taxonomy) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2024-huge.md").write_text("---\ntitle: x\n---\n\n" + "word " * (MAX_BYTES // 4), encoding="utf-8")
    assert "more than the 1,000,000 allowed" in _problems(folder, tmp_path, taxonomy)


def test_bom_and_windows_line_endings_just_work(taxonomy: Taxonomy) -> None:
    (article,) = load_articles(CASES / "good_sources" / "bom-and-crlf", taxonomy, TODAY)
    assert article.title == "Windows file"
    assert [p.text for p in article.paragraphs] == ["First paragraph about Kishida.", "Second paragraph."]


def test_yaml_implicit_typing_is_not_applied(taxonomy: Taxonomy) -> None:
    (article,) = load_articles(CASES / "good_sources" / "implicit-typing", taxonomy, TODAY)
    assert (article.title, article.authors, article.publisher) == ("no", ("1984", "yes"), "3.14")
    assert article.date.iso() == "2024-03-25"


def test_paragraph_anchors_survive_edits_elsewhere(tmp_path: Path, taxonomy: Taxonomy) -> None:
    source = (SEED_SOURCES / "2014-06-maslow-pragmatism-returns.md").read_text(encoding="utf-8")
    (before,) = load_articles(_one(tmp_path / "a", source), taxonomy, TODAY)
    paragraphs = [p.text for p in before.paragraphs]
    edited = source.replace(paragraphs[2], paragraphs[2] + " An added sentence.")
    edited = edited.replace(paragraphs[0], "A new first paragraph.\n\n" + paragraphs[0])
    (after,) = load_articles(_one(tmp_path / "b", edited), taxonomy, TODAY)
    old = {p.text: p.anchor for p in before.paragraphs}
    new = {p.text: p.anchor for p in after.paragraphs}
    unchanged = [text for text in old if text in new]
    assert len(unchanged) == len(paragraphs) - 1
    assert all(old[text] == new[text] for text in unchanged)


def _one(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "2014-06-maslow-pragmatism-returns.md").write_text(text, encoding="utf-8")
    return folder


def _front_matter(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.mark.parametrize("source", LIVE, ids=[p.stem for p in LIVE])
def test_source_front_matter_matches_json_schema(source: Path) -> None:
    jsonschema.validate(_front_matter(source), SCHEMA)


@pytest.mark.parametrize(
    "scenario",
    ["authors-is-a-number", "title-is-a-list", "date-slashes", "misspelled-field", "template-key-injection", "url-not-http"],
)
def test_json_schema_rejects_what_the_loader_rejects(scenario: str) -> None:
    (source,) = sorted((CASES / "bad_sources" / scenario).glob("*.md"))
    data = _front_matter(source)
    if isinstance(data, dict) and scenario == "date-slashes":
        data["date"] = str(data["date"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
