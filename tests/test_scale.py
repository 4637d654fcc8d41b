"""A larger synthetic collection still builds strict, with pages split and capped to stay small."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.taxonomy import load_taxonomy
from tests.conftest import mkdocs_build
from tests.helpers import ROOT, SEED_SOURCES

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import seed_paragraphs, synthesise

pytestmark = pytest.mark.slow
LIMIT = 100_000  # bytes of HTML a page may weigh


@pytest.fixture(scope="module")
def large_site(project_factory: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = tmp_path_factory.mktemp("synthetic") / "sources"
    synthesise(sources, 200, seed=7, pool=seed_paragraphs(SEED_SOURCES))
    project = project_factory("large", sources=sources)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    return project / "site"


def test_the_timeline_is_split_by_period(large_site: Path) -> None:
    periods = [p for p in (large_site / "explore" / "timeline").iterdir() if p.is_dir()]
    assert len(periods) > 1
    overview = (large_site / "explore" / "timeline" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{p.name}/"' in overview for p in periods)


def test_the_articles_index_is_split_by_period(large_site: Path) -> None:
    periods = [p for p in (large_site / "articles" / "by-period").iterdir() if p.is_dir()]
    assert len(periods) > 1
    index = (large_site / "articles" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="by-period/{p.name}/"' in index for p in periods)
    listed = sum((p / "index.html").read_text(encoding="utf-8").count('class="kb-row"') for p in periods)
    assert listed == 200


def test_no_generated_page_is_over_the_limit(large_site: Path) -> None:
    owned = ("administrations", "themes", "articles", "people", "explore")
    pages = [p for folder in owned for p in (large_site / folder).rglob("*.html")]
    heavy = {str(p.relative_to(large_site)): p.stat().st_size for p in pages if p.stat().st_size > LIMIT}
    assert heavy == {}


def test_the_tags_index_has_a_row_per_tag_not_per_page(large_site: Path) -> None:
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    tags = (large_site / "explore" / "tags" / "index.html").read_text(encoding="utf-8")
    rows = tags.split("<tbody>", 1)[1].count("<tr>")
    assert rows == len(taxonomy.administrations) + len(taxonomy.themes)
    assert "/articles/" not in tags.split('<article', 1)[1].split("</article>", 1)[0]
