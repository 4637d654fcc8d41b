"""A contributor adds an article end to end: capture -> `new` -> edit -> `check` -> generated pages and site."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import mkdocs_build
from tests.helpers import CASES, ROOT, run_cli

CAPTURE = CASES / "new" / "ishiba-liaison-offices.txt"
ARTICLE = "2024-12-mori-ishiba-liaison-office-idea-meets"
FIRST = "Prime Minister Shigeru Ishiba came to office promising a new channel to Pyongyang"
_BODY_FLAG = re.compile(rf"^sources/{ARTICLE}\.md:(\d+): body: (.*)$")


def _contribute(project: Path) -> str:
    """What a contributor does: run `new`, fill the unknowns, delete the flagged lines; returns `new`'s output."""
    result = run_cli("new", "--from", str(CAPTURE), cwd=project)
    assert result.returncode == 0, result.stderr
    source = project / "sources" / f"{ARTICLE}.md"
    lines = source.read_text(encoding="utf-8").split("\n")
    flagged = {int(m[1]): m[2] for m in map(_BODY_FLAG.match, result.stdout.splitlines()) if m}
    series = [number for number, message in flagged.items() if message.startswith("looks like a label of the page")]
    edited = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("publisher: "):
            line = 'publisher: "Example Policy Forum"'
        elif number in series:
            edited.insert(edited.index("---", 1), f'series: "{line}"')
        if number not in flagged:
            edited.append(line)
    source.write_text(re.sub(r"\n{3,}", "\n\n", "\n".join(edited)), encoding="utf-8")
    return result.stdout


@pytest.fixture(scope="module")
def contributed(project_factory: Callable[..., Path]) -> tuple[Path, str]:
    project = project_factory("contributor-flow")
    return project, _contribute(project)


def test_new_points_out_every_line_to_delete(contributed: tuple[Path, str]) -> None:
    _, output = contributed
    flagged = [m[2].split(" (\"")[0] for m in map(_BODY_FLAG.match, output.splitlines()) if m]
    assert flagged == [
        "looks like a label of the page",
        "is the title (already in `title:`)",
        "looks like web-page furniture",
        "repeats the title",
        "is the byline (already in `authors:`)",
        "is the date line (already in `date:`)",
        "looks like web-page furniture",
        "looks like web-page furniture",
        "is a copyright notice (already in `rights:`)",
    ]


def test_edited_article_passes_check(contributed: tuple[Path, str]) -> None:
    project, _ = contributed
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: taxonomy.yml and 6 sources are valid.\n"
    text = (project / "sources" / f"{ARTICLE}.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Ishiba\'s Liaison Office Idea Meets Old Obstacles"\nauthors: ["Hana Mori"]\n')
    assert 'series: "East Asia Briefing"' in text
    assert "Share this article" not in text and "Credit:" not in text


@pytest.mark.parametrize(
    ("page", "passages"),
    # "The proposal" and "the idea" refer back to the liaison offices of the first paragraph, so all three
    # paragraphs are on the liaison-offices page, and the second also under Ishiba (it is his proposal).
    [("administrations/ishiba.md", 4), ("themes/liaison-offices.md", 3), ("themes/abductions.md", 1)],
)
def test_new_article_is_quoted_where_it_belongs(contributed: tuple[Path, str], page: str, passages: int) -> None:
    project, _ = contributed
    assert run_cli("build", cwd=project).returncode == 0
    text = (project / "docs" / page).read_text(encoding="utf-8")
    quotes = re.findall(rf"\]\(\.\./articles/{ARTICLE}\.md#p-[0-9a-f]{{7}}\)", text)
    assert len(quotes) == passages
    assert f"[Ishiba's Liaison Office Idea Meets Old Obstacles](../articles/{ARTICLE}.md), Hana Mori, Example Policy Forum" in text


def test_article_page_has_the_text_without_the_furniture(contributed: tuple[Path, str]) -> None:
    project, _ = contributed
    assert run_cli("build", cwd=project).returncode == 0
    page = (project / "docs" / "articles" / f"{ARTICLE}.md").read_text(encoding="utf-8")
    assert FIRST in page
    assert "Recent Features" not in page and "Share this article" not in page


@pytest.mark.slow
def test_new_article_is_on_the_built_site(contributed: tuple[Path, str]) -> None:
    project, _ = contributed
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    ishiba = (project / "site" / "administrations" / "ishiba" / "index.html").read_text(encoding="utf-8")
    assert f'href="../../articles/{ARTICLE}/#p-' in ishiba
    article = (project / "site" / "articles" / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert FIRST in article


def test_template_is_a_valid_source_as_it_is(project_factory: Callable[..., Path]) -> None:
    project = project_factory("template")
    (project / "sources" / "2024-03-lee-placeholder.md").write_bytes((ROOT / "templates" / "article.md").read_bytes())
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: taxonomy.yml and 6 sources are valid.\n"


def test_contributing_shows_the_template_file() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"```markdown\n(.*?)```", guide, re.DOTALL)
    assert shown == (ROOT / "templates" / "article.md").read_text(encoding="utf-8")
