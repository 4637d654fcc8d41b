"""CI: the GitHub workflows and pre-commit hooks run real commands, safely; the pull-request summary says what changes."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kb import summary
from kb.cli import parser
from tests.conftest import copy_project
from tests.helpers import CASES, ROOT, run_cli

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
SYSTEM_COMMANDS = {"git", "test", "sudo", "echo"}  # commands of the runner, not of the project
PYTHON_MODULES = {"pip", "pytest", "mypy", "ruff", "mkdocs"}


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _on(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    return triggers if isinstance(triggers, dict) else dict.fromkeys([triggers] if isinstance(triggers, str) else triggers)


def _steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def _commands(script: str) -> Iterator[list[str]]:
    """Each simple command of a shell script, as words, without redirections."""
    joined = script.replace("\\\n", " ")
    for line in joined.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line.split(" #")[0]):
            words = shlex.split(part.replace("(", " ").replace(")", " "))
            words = [w for w in words if not re.match(r"^\d?>>?", w) and not w.startswith("$GITHUB_")]
            if words:
                yield words


def _makefile_targets() -> set[str]:
    return set(re.findall(r"^([\w.-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


def _command_problem(words: list[str]) -> str | None:
    """What is wrong with a command a workflow or hook runs, or None when it refers to real things."""
    first = words[0]
    if first == "python" and words[1:2] == ["build_kb.py"]:
        try:
            parser().parse_args(words[2:])
        except SystemExit:
            return f"build_kb.py does not accept {words[2:]}"
        return None
    if first == "python" and words[1:2] == ["-m"]:
        module = words[2]
        if module not in PYTHON_MODULES or importlib.util.find_spec(module) is None:
            return f"python -m {module} is not an installed tool"
        files = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-r", "-c")]
        missing = [f for f in files if not (ROOT / f).is_file()]
        return f"missing {missing}" if missing else None
    if first == "npm":
        return None if words[1:2] == ["ci"] and (ROOT / "package-lock.json").is_file() else "npm needs `ci` and package-lock.json"
    if first == "make":
        return None if set(words[1:]) <= _makefile_targets() else f"no Makefile target {words[1:]}"
    if "/" in first:
        path = ROOT / first
        return None if path.is_file() and os.access(path, os.X_OK) else f"{first} is not an executable file of the project"
    return None if first in SYSTEM_COMMANDS else f"unknown command {first!r}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_workflow_never_uses_pull_request_target(path: Path) -> None:
    # Nowhere in the workflow, as a trigger or in an expression (comments may warn about it).
    assert "pull_request_target" not in _on(_load(path))
    assert "pull_request_target" not in repr(_load(path))


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_workflow_token_is_read_only_by_default(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}
    granted = {name: job["permissions"] for name, job in workflow["jobs"].items() if "permissions" in job}
    assert granted == ({"deploy": {"pages": "write", "id-token": "write"}} if path.name == "deploy.yml" else {})


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_actions_are_pinned_to_a_major_version_or_local(path: Path) -> None:
    workflow = _load(path)
    used = [step["uses"] for step in _steps(workflow) if "uses" in step]
    used += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert used
    for action in used:
        if action.startswith("./"):
            assert (ROOT / action).is_file(), action
        else:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", action), action


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=[p.name for p in WORKFLOW_FILES])
def test_every_run_step_runs_something_that_exists(path: Path) -> None:
    scripts = [step["run"] for step in _steps(_load(path)) if "run" in step]
    problems = [(words, _command_problem(words)) for script in scripts for words in _commands(script)]
    assert [p for p in problems if p[1]] == []


def test_pull_requests_run_the_checks_and_the_summary() -> None:
    workflow = _load(WORKFLOWS / "pull-request.yml")
    assert set(_on(workflow)) == {"pull_request"}
    assert workflow["jobs"]["checks"]["uses"] == "./.github/workflows/checks.yml"
    (step,) = [s for s in workflow["jobs"]["summary"]["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    checkout = workflow["jobs"]["summary"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


def test_checks_run_every_check_of_the_project() -> None:
    workflow = _load(WORKFLOWS / "checks.yml")
    assert set(_on(workflow)) == {"workflow_call"}
    steps = list(_steps(workflow))
    assert steps[0]["with"]["fetch-depth"] == 0
    assert [s["with"]["python-version"] for s in steps if s.get("uses", "").startswith("actions/setup-python@")] == ["3.11"]
    commands = [" ".join(words) for s in steps if "run" in s for words in _commands(s["run"])]
    for expected in (
        "python -m pip install --disable-pip-version-check -r requirements-dev.txt -c constraints.txt",
        "npm ci --no-audit --no-fund",
        "python build_kb.py check --format github",
        "python -m ruff check --output-format github .",
        "python -m mypy",
        "python -m pytest",
        "python -m mkdocs build --strict",
    ):
        assert expected in commands


def test_deploy_publishes_only_what_passed_the_checks() -> None:
    workflow = _load(WORKFLOWS / "deploy.yml")
    assert _on(workflow)["push"] == {"branches": ["main"]}
    jobs = workflow["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/checks.yml"
    assert jobs["build"]["needs"] == "checks"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in jobs["build"]["steps"] if "uses" in s][-1] == "actions/upload-pages-artifact"
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]


def test_pre_commit_hooks_run_project_commands() -> None:
    config = _load(ROOT / ".pre-commit-config.yaml")
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert set(hooks) == {"kb-check", "ruff", "mypy"}
    for hook in hooks.values():
        assert hook["language"] == "system"
        assert _command_problem(shlex.split(hook["entry"])) is None, hook["entry"]
    assert re.search(hooks["kb-check"]["files"], "sources/2024-03-lee-japan-north-korea-dialogue.md")


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        (["python", "build_kb.py", "publish"], "build_kb.py does not accept ['publish']"),
        (["make", "deploy"], "no Makefile target ['deploy']"),
        (["python", "-m", "pip", "install", "-r", "requirements-missing.txt"], "missing ['requirements-missing.txt']"),
        (["tools/missing.sh"], "tools/missing.sh is not an executable file of the project"),
        (["curl", "https://example.org"], "unknown command 'curl'"),
    ],
)
def test_command_checker_catches_what_does_not_exist(words: list[str], problem: str) -> None:
    assert _command_problem(words) == problem


# The pull-request summary


def _page(folder: Path, path: str, title: str, body: str = "") -> None:
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\ntitle: {yaml.safe_dump(title).strip()}\n---\n\n# {title}\n{body}", encoding="utf-8")


def test_summary_sentence_names_pages_by_title(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for docs in (base, head):
        _page(docs, "administrations/kishida.md", "Kishida administration", "old" if docs == base else "new")
        _page(docs, "themes/abductions.md", "Abductions of Japanese citizens", "old" if docs == base else "new")
        _page(docs, "themes/sanctions.md", "Sanctions and pressure")
    _page(head, "articles/2024-new.md", "A new article")
    (head / "articles" / "2024-new.json").write_text("{}", encoding="utf-8")
    diff = summary.compare(base, head)
    assert summary.sentence(diff) == "adds 1 article page; changes the Kishida administration and Abductions of Japanese citizens pages; removes nothing"
    assert diff.other_files == 1


def test_summary_counts_removals_and_many_changes(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for number in range(6):
        _page(base, f"themes/t{number}.md", f"Theme {number}", "old")
        _page(head, f"themes/t{number}.md", f"Theme {number}", "new")
    _page(base, "people/someone.md", "Someone")
    _page(base, "articles/gone.md", "Gone")
    assert summary.sentence(summary.compare(base, head)) == (
        "adds nothing; changes 6 pages, among them the Theme 0, Theme 1, Theme 2 and Theme 3 pages; removes 1 article page and 1 person page"
    )


def test_summary_escapes_titles(tmp_path: Path) -> None:
    _page(tmp_path / "head", "articles/x.md", "[click](https://evil.example) <img src=x> *bold* &amp; | pipe")
    text = summary.markdown(summary.compare(tmp_path / "base", tmp_path / "head"))
    assert "\\[click\\](https://evil.example) \\<img src=x\\> \\*bold\\* &amp; \\| pipe" in text
    assert not re.search(r"(?<!\\)\[click|(?<!\\)<img", text)


def test_diff_command_on_two_generated_trees(project_factory: Callable[..., Path]) -> None:
    project = project_factory("summary-trees")
    assert run_cli("build", cwd=project).returncode == 0
    base = project.parent / "base-docs"
    shutil.copytree(project / "docs", base)
    assert run_cli("new", "--from", str(CASES / "new" / "ishiba-liaison-offices.txt"), cwd=project).returncode == 0
    assert run_cli("build", cwd=project).returncode == 0
    result = run_cli("diff", str(base), "docs", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"This change adds 1 article page; changes \d+ pages, among them the Ishiba administration, ", result.stdout)
    assert "- Article: Ishiba's Liaison Office Idea Meets Old Obstacles (articles/2024-12-mori-ishiba-liaison-office-idea-meets.md)" in result.stdout
    assert "- Theme: Liaison offices (themes/liaison-offices.md)" in result.stdout
    assert "removes nothing." in result.stdout


def _git(*args: str, cwd: Path) -> str:
    identity = ("-c", "user.name=Contributor", "-c", "user.email=contributor@example.org", "-c", "commit.gpgsign=false")
    return subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pull_request_summary_step_runs_as_in_ci(tmp_path: Path) -> None:
    # A repository whose base commit is the project; the pull request adds an article.
    repo = copy_project(tmp_path / "repo")
    for name in ("build_kb.py", ".gitignore", "tools"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, repo / name)
    _git("init", "--quiet", cwd=repo)
    _git("add", ".", cwd=repo)
    _git("commit", "--quiet", "-m", "base", cwd=repo)
    base_sha = _git("rev-parse", "HEAD", cwd=repo).strip()
    assert run_cli("new", "--from", str(CASES / "new" / "ishiba-liaison-offices.txt"), cwd=repo).returncode == 0
    (step,) = [s for s in _load(WORKFLOWS / "pull-request.yml")["jobs"]["summary"]["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "BASE_SHA": base_sha,
        "GITHUB_STEP_SUMMARY": str(step_summary),
        "RUNNER_TEMP": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = step_summary.read_text(encoding="utf-8")
    assert text.startswith("## Changes to the site\n\nThis change adds 1 article page; changes ")
    assert "- Administration: Ishiba administration (administrations/ishiba.md)" in text
    assert "removes nothing." in text
    assert _git("worktree", "list", cwd=repo).count("\n") == 1  # the base checkout was removed
