"""The search index: how Pagefind (its extended build, shipped in the pagefind-bin-extended wheel) reads the built site."""

from __future__ import annotations

from pathlib import Path

BUNDLE = "pagefind"  # folder of the search bundle inside the built site

# What Pagefind indexes: the page's article, less the links around the text that
# would make every page match every tag name (paragraph tags, permalinks).
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = (".kb-ptags", ".headerlink", ".kb-permalink", ".kb-filters")


def executable() -> Path:
    """The Pagefind binary of the installed wheel; the extended build, which segments Japanese and Chinese."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(
            "the pagefind-bin-extended package is missing: run `make .venv/.installed` "
            "(or `pip install -r requirements.txt -c constraints.txt`)"
        ) from None
    path: Path = get_executable()
    return path


def pagefind_command(site: Path) -> list[str]:
    """The command that writes the search bundle of a built site into <site>/pagefind/."""
    command = [str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--root-selector", ROOT_SELECTOR, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command
