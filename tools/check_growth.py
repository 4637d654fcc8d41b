#!/usr/bin/env python3
"""Copy the repository, add one new valid article, and run there the checks a pull request runs.

Usage: tools/check_growth.py [--skip-browser] [--keep]

The checks are the `run:` steps of .github/workflows/checks.yml that call the
project (installation steps left out), read from the workflow itself so that
this proof follows the workflow when it changes. Every test of the suite runs
on the grown copy, so a test that pins the live collection (its count of
articles, its authors, its timeline) fails here, while the tests on the frozen
seed collection under tests/data/seed-collection/ keep passing.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTION = ROOT / "tests" / "data" / "new-contribution"
ARTICLE = CONTRIBUTION / "2026-02-okada-takaichi-abductions-first-months.md"
ENTITY = CONTRIBUTION / "entities-addition.yml"
CHECKS = Path(".github") / "workflows" / "checks.yml"


@dataclass(frozen=True)
class Step:
    """One command of the pull-request checks: its name in the workflow and its words."""

    name: str
    words: tuple[str, ...]


def tracked_files(root: Path) -> list[str]:
    """The files git tracks in `root`, as a fresh clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [name for name in listed.decode("utf-8").split("\0") if name]


def copy_tracked(root: Path, target: Path) -> Path:
    """Copy the tracked files of `root` into `target`: the repository as a pull request checks it out."""
    for name in tracked_files(root):
        source = root / name
        if source.is_symlink() or not source.is_file():
            continue  # deleted in the working tree, or not a regular file
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    if (root / "node_modules").is_dir():  # installed by npm, needed by the browser tests only
        (target / "node_modules").symlink_to(root / "node_modules", target_is_directory=True)
    return target


def add_contribution(target: Path) -> Path:
    """Add the new article to `target`'s sources/ and its author to its entities.yml, as a contributor would."""
    article = target / "sources" / ARTICLE.name
    if article.exists():
        raise FileExistsError(f"{article}: the collection already holds the new article of the growth check")
    shutil.copy2(ARTICLE, article)
    with (target / "entities.yml").open("a", encoding="utf-8") as entities:
        entities.write(ENTITY.read_text(encoding="utf-8"))
    return target


def pull_request_steps(root: Path, skip_browser: bool = False) -> list[Step]:
    """The `python ...` steps of the checks workflow that are not installations, with this interpreter."""
    workflow = yaml.safe_load((root / CHECKS).read_text(encoding="utf-8"))
    steps = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            words = shlex.split(step.get("run", ""))
            if words[:1] != ["python"] or "pip" in words[:3]:
                continue
            if skip_browser and words[1:3] == ["-m", "pytest"]:
                words += ["-m", "not browser"]
            steps.append(Step(step.get("name", " ".join(words)), (sys.executable, *words[1:])))
    return steps


def run_steps(project: Path, steps: list[Step]) -> list[str]:
    """Run each step in `project`; the names of the steps that failed."""
    failed = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for step in steps:
        print(f"--- {step.name}: {' '.join(step.words[1:])}", flush=True)
        if subprocess.run(step.words, cwd=project, env=env, check=False).returncode != 0:
            failed.append(step.name)
    return failed


def main(argv: list[str] | None = None) -> int:
    """Build the grown copy, run the checks, report; the exit status is non-zero if any check failed."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--skip-browser", action="store_true", help="leave out the browser tests (they never read sources/)")
    options.add_argument("--keep", action="store_true", help="keep the copy and print where it is")
    args = options.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kb-growth-"))
    try:
        project = add_contribution(copy_tracked(ROOT, work / "repo"))
        failed = run_steps(project, pull_request_steps(project, args.skip_browser))
    finally:
        if args.keep:
            print(f"The grown copy is in {work / 'repo'}.")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failed:
        print(f"With one new article, these pull-request checks fail: {', '.join(failed)}.", file=sys.stderr)
        print("A test that pins the live collection must use the frozen seeds instead (see CONTRIBUTING.md).", file=sys.stderr)
        return 1
    print(f"With one new article ({ARTICLE.name}), every pull-request check passes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
