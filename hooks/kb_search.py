"""MkDocs hook: index the built site with Pagefind after every build, `mkdocs serve` rebuilds included."""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from pathlib import Path
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))

from kb.search import SearchIndexError, index_site, replace_bundle  # noqa: E402

log = logging.getLogger("mkdocs.hooks.kb_search")

_serving = False
_count_lock = threading.Lock()  # guards _latest, held for an instant
_index_lock = threading.Lock()  # one indexer at a time
_latest = 0  # number of the newest build; an indexer that finishes after a newer build started is discarded


def on_startup(command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Remember whether this is `mkdocs serve`."""
    global _serving
    _serving = command == "serve"


def on_post_build(config: MkDocsConfig) -> None:
    """Write the search bundle into <site>/pagefind/ (the site's pages are read, not changed).

    `mkdocs build` waits for it, so a built site is complete. `mkdocs serve` indexes in the
    background, so a save's preview does not wait for the whole site's index; search shows the
    previous bundle until the new one is ready, a few seconds later.
    """
    site = Path(config.site_dir)
    if not _serving:
        try:
            index_site(site)
        except SearchIndexError as err:
            raise PluginError(f"search: {err}") from None
        return
    global _latest
    with _count_lock:
        _latest += 1
        number = _latest
    threading.Thread(target=_index_in_background, args=(site, number), daemon=True, name="kb-search").start()


def _index_in_background(site: Path, number: int) -> None:
    with _index_lock:  # a newer build makes this one's work moot
        if number != _latest:
            return
        # Inside the served folder, which `mkdocs serve` deletes when it stops.
        staging = site / f".pagefind-next-{number}"
        try:
            index_site(site, staging)
            if number == _latest:
                replace_bundle(site, staging)
                log.info("Search index updated.")
        except (SearchIndexError, OSError) as err:
            if number == _latest:
                log.error(f"search: {err}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
