"""Shared fixtures: a throwaway copy of the project, and the real site built from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import SEED_ENTITIES, SEED_SOURCES

ROOT = Path(__file__).resolve().parent.parent
# What a project needs to build; generated folders and caches are left behind.
PROJECT_FILES = ("mkdocs.yml", "taxonomy.yml", "entities.yml", "sources", "docs", "hooks", "overrides", "kb")


def copy_project(target: Path, sources: Path | None = None) -> Path:
    """Copy the project with the frozen seed collection (or another sources/ folder) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = {"sources": sources or SEED_SOURCES, "entities.yml": SEED_ENTITIES}.get(name, ROOT / name)
        if src.is_dir():
            generated = ("administrations", "themes", "articles", "explore", "people", ".kb-*")  # and the writer's own files
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__", *generated))
        elif src.exists():
            shutil.copy2(src, target / name)
    return target


def mkdocs_build(project: Path, site: Path | None = None, site_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict` on a project folder (published at `site_url` when given)."""
    site = site or project / "site"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "SOURCE_DATE_EPOCH": "1700000000", **({"KB_SITE_URL": site_url} if site_url else {})},
    )


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Make a fresh project copy: project_factory(name, sources=None)."""

    def make(name: str, sources: Path | None = None) -> Path:
        return copy_project(tmp_path_factory.mktemp(name), sources)

    return make


@pytest.fixture(scope="session")
def built_site(project_factory: Callable[..., Path]) -> Path:
    """The frozen seed collection built once per test session with `mkdocs build --strict`; returns site/."""
    project = project_factory("seed-site")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


# A GitHub Pages project site's address: the site is served under a path, not at the root.
PROJECT_SITE = "https://example-owner.github.io/kb-repo/"


@pytest.fixture(scope="session")
def addressed_site(project_factory: Callable[..., Path]) -> Path:
    """The frozen seed collection built as the deploy workflow builds it, for PROJECT_SITE; returns site/."""
    project = project_factory("addressed-site")
    result = mkdocs_build(project, site_url=PROJECT_SITE)
    assert result.returncode == 0, result.stderr
    return project / "site"
