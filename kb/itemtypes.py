"""What kind of item an article is, for citations: one type per article, the same in every export.

The type comes from the article's front-matter `type:`, else from the
`publishes:` of its publisher's entry in entities.yml, else the default:
a web page when the article has an address, a generic document when not
(nothing is claimed that the sources do not say).
"""

from __future__ import annotations

from typing import Literal, get_args

ItemType = Literal["report", "newspaper", "magazine", "webpage", "document"]
ITEM_TYPES: tuple[str, ...] = get_args(ItemType)
# What each type is for, as CONTRIBUTING and error messages explain it.
MEANING = {
    "report": "a think-tank brief, policy paper or working paper",
    "newspaper": "a newspaper or wire story",
    "magazine": "a magazine article, print or online",
    "webpage": "any other web page",
    "document": "anything else, the default without an address",
}


def item_type(declared: str | None, published: str | None, has_url: bool) -> ItemType:
    """The article's type: front matter first, then the publisher's, then the default."""
    for value in (declared, published):
        if value in ITEM_TYPES:
            return value  # type: ignore[return-value]
    return "webpage" if has_url else "document"
