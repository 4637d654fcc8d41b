"""Where each generated page lives under docs/, how pages link to each other, and which names are taken.

Renderers ask this module for every path and every link between pages, so that
a page's place is decided once; `check` asks it which ids would clash with the
site's own pages or anchors.
"""

from __future__ import annotations

import functools
import posixpath

# Folders under docs/ that the generator owns: it writes, rewrites and deletes
# files there, and nowhere else.
OWNED = ("administrations", "themes", "articles", "explore", "people")

# The site's own pages, whatever the collection holds.
ADMINISTRATIONS_INDEX = "administrations/index.md"
THEMES_INDEX = "themes/index.md"
ARTICLES_INDEX = "articles/index.md"
PEOPLE_INDEX = "people/index.md"
MATRIX = "explore/matrix.md"
TAGS = "explore/tags.md"
TIMELINE = "explore/timeline.md"
COLLECTION_JSON = "explore/collection.json"
FEED = "explore/feed.xml"
LISTINGS = (ADMINISTRATIONS_INDEX, THEMES_INDEX, ARTICLES_INDEX, PEOPLE_INDEX, MATRIX, TAGS, TIMELINE, COLLECTION_JSON, FEED)
# Folders of the pages a large collection is split into.
ARTICLES_BY_PERIOD = "articles/by-period"
TIMELINE_BY_PERIOD = "explore/timeline"
SUBFOLDERS = (ARTICLES_BY_PERIOD, TIMELINE_BY_PERIOD)

# Anchors the generator puts on administration, theme and timeline pages, where
# administration and theme ids are anchors too: written ones, and the ones MkDocs
# gives to the pages' fixed headings.
OTHER_PASSAGES = "other-passages"
NO_ADMINISTRATION = "no-administration"
OTHER_DATES = "other-dates"
TIMELINE_SECTION = "timeline"
HEADING_ANCHORS = ("passages-by-theme", "passages-by-administration", "articles", "by-period")
ANCHORS = frozenset({OTHER_PASSAGES, NO_ADMINISTRATION, OTHER_DATES, TIMELINE_SECTION, *HEADING_ANCHORS})


def administration(admin_id: str) -> str:
    """`administrations/<id>.md`."""
    return f"administrations/{admin_id}.md"


def theme(theme_id: str) -> str:
    """`themes/<id>.md`."""
    return f"themes/{theme_id}.md"


def article(article_id: str) -> str:
    """`articles/<id>.md`."""
    return f"articles/{article_id}.md"


def reference(article_id: str, extension: str) -> str:
    """`articles/<id>.<bib|ris|json>`: a reference file of one article."""
    return f"articles/{article_id}.{extension}"


def person(entity_id: str) -> str:
    """`people/<id>.md`: the page of a person or organisation."""
    return f"people/{entity_id}.md"


def articles_period(period: str) -> str:
    """`articles/by-period/<YYYY or YYYY-MM>.md`."""
    return f"{ARTICLES_BY_PERIOD}/{period}.md"


def timeline_period(period: str) -> str:
    """`explore/timeline/<YYYY or YYYY-MM>.md`."""
    return f"{TIMELINE_BY_PERIOD}/{period}.md"


def link(here: str, target: str, anchor: str | None = None) -> str:
    """The relative link from the page at `here` to the file `target` (both under docs/), with `#anchor`."""
    relative = _relative(target, posixpath.dirname(here) or ".")
    return f"{relative}#{anchor}" if anchor else relative


@functools.lru_cache(maxsize=1 << 16)
def _relative(target: str, folder: str) -> str:
    # posixpath.relpath asks for the working directory on every call; pages make
    # hundreds of thousands of links between a few thousand paths.
    return posixpath.relpath(target, folder)


def served(target: str) -> str:
    """The address of the built page of `target` from the site's root (MkDocs' directory URLs): `articles/<id>/`."""
    stem = target.removesuffix(".md")
    return stem.removesuffix("index") if posixpath.basename(stem) == "index" else f"{stem}/"


def url(here: str, target: str) -> str:
    """The relative address from the file `here` to the built page of `target`."""
    relative = _relative(served(target), posixpath.dirname(here) or ".")
    return relative if relative.endswith("/") else f"{relative}/"


def reserved(folder: str) -> frozenset[str]:
    """The names the site's own pages and subfolders take in `folder`: an id there would clash with them."""
    taken = [p for p in (*LISTINGS, *SUBFOLDERS) if posixpath.dirname(p) == folder]
    return frozenset(posixpath.splitext(posixpath.basename(p))[0] for p in taken)
