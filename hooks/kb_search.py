"""MkDocs hook: index the built site with Pagefind after every build, `mkdocs serve` rebuilds included."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))

from kb.search import SearchIndexError, index_site  # noqa: E402


def on_post_build(config: MkDocsConfig) -> None:
    """Write the search bundle into <site>/pagefind/ (the site's pages are read, not changed)."""
    try:
        index_site(Path(config.site_dir))
    except SearchIndexError as err:
        raise PluginError(f"search: {err}") from None
