"""Small helpers shared by tests (not fixtures)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
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
