"""Rendered HTML of generated pages -> HTML that cannot run script, whatever the sources held."""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"svg", "title", "desc", "rect", "line", "circle", "text", "g"}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "aria-label", "aria-hidden", "role", "lang", "dir"},
    "a": {"href", "tabindex"},  # tabindex: the timeline picture's marks are links
    "img": {"src", "alt", "width", "height"},
    "th": {"style", "scope"},
    "td": {"style"},
    # The articles index: filter options, and each row's values (read by docs/assets/filters.js).
    "div": {"data-kb-options"},
    "span": {"data-kb-administration", "data-kb-theme", "data-kb-year", "data-kb-publisher"},
    "svg": {"viewBox", "width", "height", "xmlns"},
    "rect": {"x", "y", "width", "height", "rx"},
    "line": {"x1", "y1", "x2", "y2"},
    "circle": {"cx", "cy", "r"},
    "text": {"x", "y", "text-anchor"},
    "g": {"transform"},
}


def sanitize(html: str) -> str:
    """Keep structure, ids, classes and safe links; drop script, handlers and script URLs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
    )
