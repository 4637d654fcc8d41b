"""One run reports every problem of every input, located, escaped for where it is printed, independent of the time zone."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import clock
from kb.build import Project, check
from kb.problems import InputError, Problem, Severity
from kb.sources import load_articles
from kb.tagging import tag_articles
from kb.taxonomy import load_taxonomy
from kb.text import first_hidden, visible
from tests.helpers import CASES, ROOT, TODAY, run_cli

ARTICLE = '---\ntitle: "{title}"\nauthors: []\npublisher: null\ndate: "{date}"\n---\n\n{body}\n'


def _write(project: Path, name: str, date: str = "2024-03", body: str = "Japan and North Korea met in Stockholm.", title: str = "A") -> Path:
    path = project / "sources" / name
    path.write_text(ARTICLE.format(title=title, date=date, body=body), encoding="utf-8")
    return path


def _break_everything(project: Path) -> None:
    """One error in each input: the taxonomy (one theme lost), a source, the entities."""
    taxonomy = project / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    assert "\n  - id: abductions\n" in text
    taxonomy.write_text(text.replace("\n  - id: abductions\n", "\n  - id: Abductions!\n", 1), encoding="utf-8")
    _write(project, "2024-bad-date.md", date="2024-13")
    _write(project, "2024-unknown-tags.md").write_text(
        ARTICLE.format(title="B", date="2024", body="Text.").replace("date:", "themes: [abductions]\nadministrations: [kishdia]\ndate:"), encoding="utf-8"
    )
    entities = project / "entities.yml"
    entities.write_text(entities.read_text(encoding="utf-8") + "  - id: the-word\n    name: The\n    kind: person\n    role: Nobody.\n", encoding="utf-8")


def test_a_broken_taxonomy_does_not_hide_source_and_entity_errors(project_factory: Callable[..., Path]) -> None:
    project = project_factory("all-at-once")
    _break_everything(project)
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(re.match(r"taxonomy\.yml:\d+: themes\.id: must be lowercase", line) for line in lines), lines
    assert "sources/2024-bad-date.md:5: date: month 13 does not exist, got '2024-13'" in lines
    # Administrations are intact, so an unknown one is still found; themes lost an entry, so they are not checked...
    assert any(line.startswith("sources/2024-unknown-tags.md:6: administrations: unknown administration 'kishdia'") for line in lines), lines
    assert not any("unknown theme 'abductions'" in line for line in lines)
    # ...and the run says so.
    assert any(line.startswith("taxonomy.yml: themes: note: has errors, so the sources' `themes:` lists were not checked") for line in lines), lines
    assert any(re.match(r"entities\.yml:\d+: entities\.the-word\.aliases: 'The' is a common word", line) for line in lines), lines
    assert lines[-1] == "Aborted with 4 errors in 4 files."


def test_the_mkdocs_hook_reports_all_problems_of_all_inputs(project_factory: Callable[..., Path]) -> None:
    from tests.conftest import mkdocs_build

    project = project_factory("all-at-once-hook")
    _break_everything(project)
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for expected in ("taxonomy.yml:", "sources/2024-bad-date.md:5: date:", "kishdia", "entities.yml:", "Aborted with 4 errors in 4 files."):
        assert expected in result.stderr, expected
    assert not (project / "site").exists()


def test_check_github_format_escapes_a_file_name_that_would_forge_a_command(project_factory: Callable[..., Path]) -> None:
    project = project_factory("github-forge")
    _write(project, "2024-x\n::warning file=README.md::forged, really%0A.md")
    result = run_cli("check", "--format", "github", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert not any(line.startswith("::warning") for line in lines)
    assert lines[0].startswith("::error file=sources/2024-x%0A%3A%3Awarning file=README.md%3A%3Aforged%2C really%250A.md::file name: ")


@pytest.mark.parametrize(
    ("path", "field", "message", "expected"),
    [
        ("a\r\nb,c:d%e", "f", "m", "::error file=a%0D%0Ab%2Cc%3Ad%25e::f: m"),
        ("sources/x.md", "title", "line one\nline two 100%", "::error file=sources/x.md::title: line one\\nline two 100%25"),
        ("sources/x.md", "title", "\x1b[31mred\u202e", "::error file=sources/x.md::title: \\x1b[31mred\\u202e"),
    ],
)
def test_github_annotation_escaping(path: str, field: str, message: str, expected: str) -> None:
    assert Problem(path, None, field, message).format("github") == expected


def test_terminal_output_shows_escapes_and_bidi_controls_escaped(project_factory: Callable[..., Path]) -> None:
    project = project_factory("terminal-escapes")
    _write(project, "2024-\x1b[2J\x1b[31mred\u202egnp.md")
    _write(project, "2024-ok.md", title="Bad\u202e title")
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert first_hidden(result.stderr, allow_line_breaks=True) is None, repr(result.stderr)
    assert "sources/2024-\\x1b[2J\\x1b[31mred\\u202egnp.md: file name:" in result.stderr
    assert "sources/2024-ok.md:2: title: contains U+202E RIGHT-TO-LEFT OVERRIDE" in result.stderr


# --- today is the latest date on Earth -----------------------------------------------


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2026-11-21T09:59:59+00:00", "2026-11-21"),
        ("2026-11-21T10:00:00+00:00", "2026-11-22"),
        ("2026-11-21T23:30:00-12:00", "2026-11-23"),
        ("2026-12-31T12:00:00+09:00", "2026-12-31"),
        ("2026-12-31T22:00:00+09:00", "2027-01-01"),
    ],
)
def test_today_is_the_date_in_utc_plus_14(instant: str, expected: str) -> None:
    assert clock.today(dt.datetime.fromisoformat(instant)).isoformat() == expected


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "America/Los_Angeles", "UTC", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_an_article_dated_today_in_tokyo_passes_in_every_time_zone(zone: str, project_factory: Callable[..., Path]) -> None:
    project = project_factory(f"tz-{zone.replace('/', '-')}")
    tokyo = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    _write(project, "2024-today-in-tokyo.md", date=tokyo.isoformat())
    tomorrow_everywhere = clock.today() + dt.timedelta(days=2)
    env = {**os.environ, "TZ": zone}
    ok = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), "check"], cwd=project, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    _write(project, "2024-too-late.md", date=tomorrow_everywhere.isoformat())
    late = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), "check"], cwd=project, env=env, capture_output=True, text=True, check=False)
    assert late.returncode == 1
    assert f"date: {tomorrow_everywhere.isoformat()} is in the future" in late.stderr


# --- bodies: invisible characters removed before tagging, controls refused ---------


def test_a_zero_width_character_cannot_hide_a_name_from_tagging(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    sources = tmp_path / "sources"
    sources.mkdir()
    _write(tmp_path, "2024-hidden.md", body="Prime Minister Ki\u200bshi\u2060da\u00ad spoke to \ufeffreporters.")
    (article,) = load_articles(sources, taxonomy, TODAY)
    assert article.paragraphs[0].text == "Prime Minister Kishida spoke to reporters."
    (tagged,) = tag_articles((article,), taxonomy).articles
    assert "kishida" in tagged.administrations


def test_check_reports_problems_of_every_input_as_input_error(project_factory: Callable[..., Path]) -> None:
    project = project_factory("all-at-once-api")
    _break_everything(project)
    with pytest.raises(InputError) as caught:
        check(Project(project), TODAY, cached=False)
    assert {p.path for p in caught.value.problems} == {"taxonomy.yml", "entities.yml", "sources/2024-bad-date.md", "sources/2024-unknown-tags.md"}
    assert [p.severity for p in caught.value.problems].count("note") == 1


def test_every_bad_source_case_names_a_line_or_the_file(tmp_path: Path) -> None:
    """No message of the fixtures lacks a location: `path:line:` or, for whole-file problems, `path:`."""
    for expected in sorted((CASES / "bad_sources").glob("*/expected.txt")):
        for line in expected.read_text(encoding="utf-8").splitlines()[:-1]:
            assert re.match(r"^sources/[^:]+(?::\d+)?: [\w .-]+: ", line), (expected, line)



FORGERIES = st.sampled_from(["a\n::warning file=x::forged", "%0A", "\x1b[2J", "\u202e", "\r\n"])
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30) | FORGERIES


def _unescape(value: str) -> str:
    return value.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.one_of(st.none(), st.integers(1, 9999)), ANY_TEXT, ANY_TEXT, st.sampled_from(["error", "note"]))
def test_any_problem_prints_as_one_safe_line(path: str, line: int | None, field: str, message: str, severity: Severity) -> None:
    problem = Problem(path, line, field, message, severity)
    text = problem.format()
    assert "\n" not in text and "\r" not in text
    assert first_hidden(text) is None
    github = problem.format("github")
    assert "\n" not in github and "\r" not in github and first_hidden(github) is None
    command, rest = github[2:].split(" ", 1)
    assert command == ("error" if severity == "error" else "notice")
    properties, _ = rest.split("::", 1)
    assert ":" not in properties
    assert _unescape(properties.split(",line=")[0].removeprefix("file=")) == visible(path, keep="\r\n")
