"""Ids equal to the site's own page names or anchors are `check` problems with file and line, in the CLI and the MkDocs hook."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.build import Project, check
from kb.pages import sitemap
from kb.problems import InputError
from tests.conftest import mkdocs_build
from tests.helpers import CASES, ROOT, TODAY, run_cli, tree

INDEX_CASE = CASES / "bad_sources" / "id-is-a-site-page"
ARTICLE = "---\ntitle: \"A note\"\nauthors: []\npublisher: null\ndate: \"2025\"\n---\n\nA paragraph of text about {name}.\n"
THEME = "  - id: {id}\n    name: Theme {id}\n    description: A theme.\n    phrases: [phrase {id}]\n"
ENTITY = "  - id: {id}\n    name: Person {id}\n    kind: person\n    role: Someone.\n"


def _problems(project: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        check(Project(project), TODAY, cached=False)
    return [p.format() for p in caught.value.problems]


def _project(tmp_path: Path, taxonomy: str | None = None, entities: str | None = None) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "taxonomy.yml").write_text(taxonomy or (ROOT / "taxonomy.yml").read_text(encoding="utf-8"), encoding="utf-8")
    if entities is not None:
        (tmp_path / "entities.yml").write_text(entities, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", sorted(sitemap.reserved("articles")))
def test_article_named_like_a_site_page_or_folder(tmp_path: Path, name: str) -> None:
    project = _project(tmp_path)
    (project / "sources" / f"{name}.md").write_text(ARTICLE.format(name=name), encoding="utf-8")
    (problem,) = _problems(project)
    assert problem.startswith(f"sources/{name}.md: file name: the id '{name}' would give this entry the page articles/{name}.md")
    assert problem.endswith(f"rename the file, e.g. '2025-{name}.md'")


@pytest.mark.parametrize("name", sorted(sitemap.reserved("themes") | sitemap.ANCHORS))
def test_theme_id_taken_by_the_site(tmp_path: Path, name: str) -> None:
    taxonomy = (CASES / "bad_taxonomy" / "anchor-theme-id.yml").read_text(encoding="utf-8").replace("id: timeline", f"id: {name}")
    (problem,) = _problems(_project(tmp_path, taxonomy))
    assert problem.startswith(f"taxonomy.yml:7: themes.{name}: the id '{name}' ")
    assert problem.endswith("; choose another id")


@pytest.mark.parametrize(("case", "expected"), [
    ("reserved-theme-id", "taxonomy.yml:7: themes.index: the id 'index' would give this entry the page themes/index.md, "
                          "which is one of the site's own pages; choose another id"),
    ("anchor-theme-id", "taxonomy.yml:7: themes.timeline: the id 'timeline' is an anchor the site itself puts on "
                        "administration, theme and timeline pages (#timeline); choose another id"),
])  # fmt: skip
def test_taxonomy_case(tmp_path: Path, case: str, expected: str) -> None:
    assert _problems(_project(tmp_path, (CASES / "bad_taxonomy" / f"{case}.yml").read_text(encoding="utf-8"))) == [expected]


def test_administration_id_taken_by_the_site(tmp_path: Path) -> None:
    taxonomy = (CASES / "bad_taxonomy" / "anchor-theme-id.yml").read_text(encoding="utf-8")
    taxonomy = taxonomy.replace("id: abe", "id: other-dates").replace("id: timeline", "id: chronology")
    (problem,) = _problems(_project(tmp_path, taxonomy))
    assert problem.startswith("taxonomy.yml:2: administrations.other-dates: the id 'other-dates' is an anchor")


@pytest.mark.parametrize("name", sorted(sitemap.reserved("people")))
def test_entity_id_taken_by_the_site(tmp_path: Path, name: str) -> None:
    entities = "entities:\n" + ENTITY.format(id="someone") + "\n" + ENTITY.format(id=name)
    assert _problems(_project(tmp_path, entities=entities)) == [
        f"entities.yml:7: entities.{name}: the id '{name}' would give this entry the page people/{name}.md, "
        "which is one of the site's own pages; choose another id"
    ]


def test_a_free_id_is_no_clash(tmp_path: Path) -> None:
    project = _project(tmp_path, entities="entities:\n" + ENTITY.format(id="indexer"))
    (project / "sources" / "2025-index-of-talks.md").write_text(ARTICLE.format(name="talks"), encoding="utf-8")
    assert len(check(Project(project), TODAY, cached=False).articles) == 1


@pytest.fixture(scope="module")
def clashing(project_factory: Callable[..., Path]) -> Path:
    """The frozen seed collection, generated once, then given a sources/index.md."""
    project = project_factory("clash")
    assert run_cli("build", cwd=project).returncode == 0
    shutil.copy(INDEX_CASE / "index.md", project / "sources" / "index.md")
    return project


def test_cli_check_reports_the_clash_without_traceback(clashing: Path) -> None:
    result = run_cli("check", cwd=clashing)
    assert result.returncode == 1
    assert result.stderr == (INDEX_CASE / "expected.txt").read_text(encoding="utf-8")
    github = run_cli("check", "--format", "github", cwd=clashing)
    assert github.stdout.startswith("::error file=sources/index.md::file name: the id 'index' would give this entry the page articles/index.md")


def test_cli_build_refuses_and_leaves_the_pages(clashing: Path) -> None:
    before = tree(clashing / "docs")
    result = run_cli("build", cwd=clashing)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "share the path" not in result.stderr
    assert result.stderr.startswith("sources/index.md: file name: ")
    assert tree(clashing / "docs") == before


@pytest.mark.slow
def test_mkdocs_hook_reports_the_clash_without_traceback(clashing: Path) -> None:
    result = mkdocs_build(clashing)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "sources/index.md: file name: the id 'index' would give this entry the page articles/index.md" in result.stderr
