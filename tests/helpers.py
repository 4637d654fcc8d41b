"""Small helpers shared by tests (not fixtures)."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
import sys
from pathlib import Path

import yaml

from kb.build import Inputs
from kb.entities import load_entities
from kb.sources import load_articles
from kb.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
# The five seed articles and the entities they were written with, frozen for the
# tests: the live sources/ and entities.yml grow with every contribution, so a
# test may read them only to say "valid and builds strict". The live taxonomy.yml
# is read by the tests of its rules, since the rules are what those tests test.
SEED_COLLECTION = Path(__file__).resolve().parent / "data" / "seed-collection"
SEED_SOURCES = SEED_COLLECTION / "sources"
SEED_ENTITIES = SEED_COLLECTION / "entities.yml"
# A fixed "today" so that date checks do not depend on the day the tests run.
TODAY = dt.date(2026, 11, 22)


def load_yaml(path: Path) -> object:
    """A test case file (trusted, so the plain safe loader is fine)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python build_kb.py ARGS` in a project folder, as a contributor would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build_kb.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@functools.cache
def seed_inputs() -> Inputs:
    """The frozen seed collection, validated with the live taxonomy, as `check` would return it."""
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    return Inputs(taxonomy, load_articles(SEED_SOURCES, taxonomy, TODAY), load_entities(SEED_ENTITIES))
