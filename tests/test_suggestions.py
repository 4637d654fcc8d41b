"""`check` suggests, without failing, the entities.yml lines for authors and publishers that have no entry."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from kb.entities import load_entities
from kb.sources import load_articles
from kb.suggestions import suggest_entities
from kb.taxonomy import load_taxonomy
from tests.helpers import ROOT, TODAY, run_cli

NEW = ROOT / "tests" / "data" / "new-contribution" / "2026-02-okada-takaichi-abductions-first-months.md"
ARTICLE = '---\ntitle: "A note"\nauthors: {authors}\npublisher: {publisher}\ndate: "2025"\n---\n\nA paragraph about the talks.\n'


def _suggested(stderr: str) -> dict[str, list[str]]:
    """The suggestions of `check`'s output: the `path:line: field` of each -> the lines to paste."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("suggestion: "):
            where = re.match(r"suggestion: (\S+?:\d+: \w+): ", line)
            assert where, line
            current = found.setdefault(where[1], [])
        elif line.startswith("    ") or line.startswith("  - "):
            current.append(line)
    return found


def _paste(project: Path, lines: list[str]) -> None:
    with (project / "entities.yml").open("a", encoding="utf-8") as entities:
        entities.write("\n" + "\n".join(lines) + "\n")


def test_new_author_and_publisher_are_suggested_and_the_lines_work(project_factory: Callable[..., Path]) -> None:
    project = project_factory("suggest")
    shutil.copy(NEW, project / "sources" / NEW.name)
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: taxonomy.yml and 6 sources are valid.\n"  # suggestions are not errors
    suggested = _suggested(result.stderr)
    author, publisher = f"sources/{NEW.name}:3: authors", f"sources/{NEW.name}:4: publisher"
    assert suggested[author] == [
        "  - id: haruka-okada",
        '    name: "Haruka Okada"',
        "    kind: person",
        "    author: true",
        '    role: "[who the author is, as the article gives it]"',
    ]
    assert suggested[publisher][:3] == ["  - id: northeast-asia-policy-review", '    name: "Northeast Asia Policy Review"', "    kind: organisation"]
    for key in (author, publisher):
        _paste(project, suggested[key])
    again = run_cli("check", cwd=project)
    assert again.returncode == 0, again.stderr
    assert not {author, publisher} & set(_suggested(again.stderr))
    assert run_cli("build", cwd=project).returncode == 0
    page = (project / "docs" / "articles" / f"{NEW.stem}.md").read_text(encoding="utf-8")
    assert "[Haruka Okada](../people/haruka-okada.md)" in page
    assert "[Northeast Asia Policy Review](../people/northeast-asia-policy-review.md)" in page


def test_github_format_gives_notices(project_factory: Callable[..., Path]) -> None:
    project = project_factory("suggest-github")
    shutil.copy(NEW, project / "sources" / NEW.name)
    result = run_cli("check", "--format", "github", cwd=project)
    assert result.returncode == 0
    notice = next(line for line in result.stdout.splitlines() if "Haruka Okada" in line)
    assert notice.startswith(f"::notice file=sources/{NEW.name},line=3::authors: 'Haruka Okada' has no entry in entities.yml")
    assert "%0A  - id: haruka-okada%0A" in notice


def _suggest(tmp_path: Path, authors: str, publisher: str = "null", entities: str = "entities:\n") -> list[str]:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "2025-note.md").write_text(ARTICLE.format(authors=authors, publisher=publisher), encoding="utf-8")
    (tmp_path / "entities.yml").write_text(entities, encoding="utf-8")
    articles = load_articles(tmp_path / "sources", load_taxonomy(ROOT / "taxonomy.yml"), TODAY)
    return [s.format() for s in suggest_entities(tmp_path, articles, load_entities(tmp_path / "entities.yml"), frozenset({"index"}))]


def test_a_known_person_who_writes_is_marked_as_author(tmp_path: Path) -> None:
    person = "entities:\n  - id: mina-sato\n    name: Mina Sato\n    kind: person\n    role: A diplomat.\n"
    (suggestion,) = _suggest(tmp_path, '["Mina Sato"]', entities=person)
    assert suggestion.startswith("suggestion: sources/2025-note.md:3: authors: 'Mina Sato' is the entity 'mina-sato' of entities.yml")
    assert suggestion.endswith("add under its entry:\n    author: true\n")


def test_known_author_and_publisher_give_no_suggestion(tmp_path: Path) -> None:
    known = (
        "entities:\n  - id: mina-sato\n    name: Mina Sato\n    kind: person\n    author: true\n    role: A writer.\n"
        "  - id: policy-forum\n    name: Policy Forum\n    kind: organisation\n    role: A think tank.\n"
    )
    assert _suggest(tmp_path, '["Mina Sato"]', '"The Policy Forum (Tokyo)"', known) == []


def test_ids_are_free_ascii_and_values_quoted(tmp_path: Path) -> None:
    taken = "entities:\n  - id: jose-nunez\n    name: Someone Else\n    kind: person\n    role: R.\n"
    suggestions = _suggest(tmp_path, '["José Núñez", "Index", "山田花子", "Ann: \\"the\\" #1"]', entities=taken)
    ids = [re.search(r"- id: (\S+)", s)[1] for s in suggestions]
    assert ids == ["jose-nunez-2", "index-2", "[an-id-in-lowercase-ascii]", "ann-the-1"]
    assert '    name: "Ann: \\"the\\" #1"' in suggestions[3]
    # Pasted as they are (the placeholder id aside), the lines are a valid entities file.
    entries = [s.split(":\n", 1)[1] for s in suggestions if "[an-id" not in s]
    path = tmp_path / "pasted.yml"
    path.write_text(taken + "".join(entries), encoding="utf-8")
    assert len(load_entities(path).entities) == 4
