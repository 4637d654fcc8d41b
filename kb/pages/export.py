"""Open data: the whole collection as JSON (schemas/collection.schema.json) and an Atom feed of articles.

Feed links are relative to the feed's own address (explore/feed.xml), which
Atom readers resolve against the URL they fetched the feed from; so the feed
is right wherever the site is deployed and needs no configured site URL.
Entry ids are name-based UUIDs of the article ids: permanent, and
independent of the deployment too.
"""

from __future__ import annotations

import functools
import json
import pickle
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from xml.etree import ElementTree as ET

from kb import memo
from kb.mentions import Mention
from kb.pages import Draft, Lines, sitemap
from kb.pages.citations import csl_item, reference
from kb.pages.plan import Plan
from kb.pages.topics import ids
from kb.tagging import TaggedArticle
from kb.timeline import Event

T = TypeVar("T")
SCHEMA_VERSION = "1"
ATOM = "http://www.w3.org/2005/Atom"
# Namespace for the name-based UUIDs of feed entries; never change it, or every
# feed reader will see every article as new.
_UUIDS = uuid.UUID("6f1c6a1e-3b57-5c1e-9a55-2d1a4f0b7c21")


# The feed carries the newest articles only, as feeds do; collection.json has them all.
FEED_ENTRIES = 100


def drafts(plan: Plan) -> Iterator[Draft]:
    """explore/collection.json (made from the whole collection) and explore/feed.xml (from its newest articles)."""
    yield Draft(sitemap.COLLECTION_JSON, None, functools.partial(collection_json, plan))
    yield Draft(sitemap.FEED, ids(plan.collection.articles[-FEED_ENTRIES:]), functools.partial(atom_feed, plan))


def collection_json(plan: Plan) -> str:
    """collection_data(plan) as JSON, one article, event or mention a line, made from fragments kept per item.

    Only the fragments of what changed since the last call are encoded again (a
    preview rebuilds after every save); the tests check the JSON reads back as
    collection_data(plan).
    """
    data = _small_parts(plan)
    mentions = plan.mentions
    # Articles' fragments also show their mentions' entities: other entities, other fragments.
    _FRAGMENTS.begin(mentions.entities)
    # A line an earlier build (or process) encoded is found by its article's results and,
    # for an article, the topic pages quoting it: everything else a line shows (mentions,
    # authors, publisher, entities, taxonomy) comes from its article's results or is in
    # every key (kb/keeper.py). A mention or event is its article's nth, in an order its
    # article's results fix.
    lines = plan.lines
    lists = {
        "articles": _FRAGMENTS.each(
            "article", plan.collection.articles, lambda t: _article_signature(plan, t), lambda t: _article(plan, t),
            Keyed(lines, lambda t: t.article.id, lambda t: pickle.dumps(plan.quotes_of(t.article.id), protocol=5)),
        ),
        "administrations": [_fragment(item) for item in data["administrations"]],
        "themes": [_fragment(item) for item in data["themes"]],
        "entities": [_fragment(item) for item in data["entities"]],
        "mentions": _FRAGMENTS.each("mention", mentions.mentions, None, _mention, Keyed(lines, lambda m: m.passage.article.id)),
        "events": _FRAGMENTS.each("event", plan.events, None, _event, Keyed(lines, lambda e: e.passage.article.id)),
    }  # fmt: skip
    _FRAGMENTS.finish()
    pieces = ["{\n", f' "version": {json.dumps(SCHEMA_VERSION)},\n']
    for number, (name, items) in enumerate(lists.items()):
        pieces.append(f" {json.dumps(name)}: ")
        if items:
            pieces += ["[\n", ",\n".join(items), "\n ]"]
        else:
            pieces.append("[]")
        pieces.append(",\n" if number < len(lists) - 1 else "\n")
    pieces.append("}\n")
    return "".join(pieces)


# What json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) builds on every call, built once.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _fragment(value: object) -> str:
    """One item of a top-level list, on a line of its own (the C encoder writes it: indented JSON is many times slower)."""
    return "  " + _ENCODE(value)


def _article_signature(plan: Plan, tagged: TaggedArticle) -> tuple[object, ...]:
    """Everything an article's JSON is made from besides the article itself and the entities."""
    article_id = tagged.article.id
    mentions = plan.mentions
    return (mentions.in_article(article_id), mentions.authors.get(article_id), mentions.publishers.get(article_id), plan.quotes_of(article_id))


@dataclass(frozen=True)
class Keyed(Generic[T]):
    """How the lines of one list are found in a build's kb.pages.Lines: the article each value comes from, and what else a line depends on."""

    lines: Lines | None
    owner: Callable[[T], str]
    extra: Callable[[T], bytes] | None = None


class _Fragments:
    """JSON fragments of the last call, by the identity of the (immutable) value they encode and a signature of the rest."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget every fragment."""
        self._context: object = None
        self._last: dict[tuple[str, int], tuple[object, object, str]] = {}
        self._next: dict[tuple[str, int], tuple[object, object, str]] = {}

    def begin(self, context: object) -> None:
        """Start a call; what every fragment depends on besides its value and signature is `context` (compared once)."""
        if not (context is self._context or context == self._context):
            self._last = {}
        self._context = context

    def each(
        self, kind: str, values: Sequence[T], signature: Callable[[T], tuple[object, ...]] | None, encode: Callable[[T], object], keyed: Keyed[T],
    ) -> list[str]:  # fmt: skip
        """The fragment of every value: the last call's for the same value and signature, else the stored line, else encoded."""
        out = []
        last, following = self._last, self._next
        lines, tag = keyed.lines, kind.encode()
        nths: dict[int, int] | None = None  # id(value) -> how many values of its article come before it; made at the first miss
        for value in values:
            slot = (kind, id(value))
            mark = signature(value) if signature is not None else None
            found = last.get(slot)
            if found is None or found[0] is not value or found[1] != mark:
                if lines is None:
                    line = _fragment(encode(value))
                else:
                    if nths is None:
                        nths = _nths(values, keyed.owner)
                    extra = keyed.extra(value) if keyed.extra is not None else b""
                    key = lines.key(keyed.owner(value), tag, b"%d" % nths[id(value)], extra)
                    stored = lines.get(key) if key is not None else None
                    line = stored if stored is not None else _fragment(encode(value))
                    if key is not None and stored is None:
                        lines.put(key, line)
                found = (value, mark, line)
            following[slot] = found
            out.append(found[2])
        if lines is not None:
            lines.seen(len(out))
        return out

    def finish(self) -> None:
        """Keep only what this call used (the values it holds stay alive, so their ids stay theirs)."""
        self._last, self._next = self._next, {}


def _nths(values: Iterable[T], owner: Callable[[T], str]) -> dict[int, int]:
    """Each value's place among the values of its article (by identity), in one pass."""
    counts: dict[str, int] = {}
    found = {}
    for value in values:
        article_id = owner(value)
        nth = counts.get(article_id, 0)
        counts[article_id] = nth + 1
        found[id(value)] = nth
    return found


_FRAGMENTS = _Fragments()
memo.kept(_FRAGMENTS.clear)


def collection_data(plan: Plan) -> dict[str, object]:
    """Articles, paragraphs, taxonomy, entities, mentions (and events when the plan has them)."""
    data = _small_parts(plan)
    return {
        "version": SCHEMA_VERSION,
        "articles": [_article(plan, tagged) for tagged in plan.collection.articles],
        **{name: data[name] for name in ("administrations", "themes", "entities")},
        "mentions": [_mention(m) for m in plan.mentions.mentions],
        "events": [_event(event) for event in plan.events],
    }


def _small_parts(plan: Plan) -> dict[str, list[dict[str, object]]]:
    """The taxonomy and the entities as collection.json lists them."""
    taxonomy = plan.taxonomy
    mentions = plan.mentions
    return {
        "administrations": [
            {
                "id": a.id, "name": a.name, "ja": a.ja, "ko": a.ko, "page": sitemap.served(sitemap.administration(a.id)),
                "terms": [{"from": t.start.isoformat(), "to": t.end.isoformat() if t.end else None} for t in a.terms],
            }
            for a in taxonomy.administrations
        ],
        "themes": [
            {
                "id": t.id, "name": t.name, "ja": t.ja, "ko": t.ko, "description": t.description, "related": list(t.related),
                "page": sitemap.served(sitemap.theme(t.id)),
            }
            for t in taxonomy.themes
        ],
        "entities": [
            {
                "id": e.id, "name": e.name, "kind": e.kind, "author": e.author, "role": e.role,
                "ja": e.ja, "ko": e.ko, "aliases": list(e.aliases), "page": sitemap.served(sitemap.person(e.id)),
            }
            for e in mentions.entities.entities
        ],
    }  # fmt: skip


def _mention(mention: Mention) -> dict[str, object]:
    return {"entity": mention.entity, "article": mention.passage.article.id, "anchor": mention.passage.anchor, "words": list(mention.words)}


def _article(plan: Plan, tagged: TaggedArticle) -> dict[str, object]:
    article = tagged.article
    passages = {p.anchor: p for p in tagged.passages}
    blocks = []
    for block in article.blocks:
        entry: dict[str, object] = {
            "id": f"{article.id}#{block.anchor}",
            "anchor": block.anchor,
            "kind": block.kind,
            "number": block.number,
            "text": block.text,
        }
        passage = passages.get(block.anchor)
        if passage is not None:
            entry["administrations"] = list(passage.administrations)
            entry["themes"] = list(passage.themes)
            entry["entities"] = list(plan.mentions.in_passage(article.id, block.anchor))
            # The topic pages that quote it (each quotes a few passages per section, newest articles first).
            entry["quoted_on"] = [sitemap.served(page) for page in plan.quoted_on.get((article.id, block.anchor), [])]
        blocks.append(entry)
    authors = plan.mentions.authors.get(article.id, ())
    return {
        "id": article.id,
        "title": article.title,
        "authors": [{"name": name, "entity": authors[i] if i < len(authors) else None} for i, name in enumerate(article.authors)],
        "publisher": article.publisher,
        "date": article.date.iso(),
        "date_precision": article.date.precision,
        "url": article.url,
        "series": article.series,
        "affiliation": article.affiliation,
        "summary": article.summary,
        "rights": article.rights,
        "page": sitemap.served(sitemap.article(article.id)),
        "administrations": list(tagged.administrations),
        "themes": list(tagged.themes),
        "csl": csl_item(reference(article, plan.mentions)),
        "paragraphs": blocks,
    }


def _event(event: Event) -> dict[str, object]:
    """One timeline event as JSON data; its paragraph by reference (`article-id#anchor`)."""
    return {
        "date": event.date.iso(),
        "end": event.end.iso() if event.end else None,
        "kind": event.kind,
        "qualifier": event.qualifier,
        "words": event.words,
        "sentence": event.sentence,
        "passage": f"{event.passage.article.id}#{event.passage.anchor}",
        "administration": event.administration,
        "administrations": list(event.administrations),
        "themes": list(event.themes),
    }


def _timestamp(tagged: TaggedArticle) -> str:
    # Atom needs a full date-time; a month or year stands for its first day.
    return f"{tagged.article.date.first_day.isoformat()}T00:00:00Z"


def atom_feed(plan: Plan) -> str:
    """An Atom feed of the newest FEED_ENTRIES articles, newest first; `updated` is the newest article's date."""
    ET.register_namespace("", ATOM)
    newest_first = list(reversed(plan.collection.articles[-FEED_ENTRIES:]))
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", "Articles of the collection")
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(_UUIDS, 'feed')}")
    _sub(feed, "updated", _timestamp(newest_first[0]) if newest_first else "1970-01-01T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href="feed.xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=sitemap.url(sitemap.FEED, sitemap.ARTICLES_INDEX))
    for tagged in newest_first:
        article = tagged.article
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "title", article.title)
        _sub(entry, "id", f"urn:uuid:{uuid.uuid5(_UUIDS, article.id)}")
        _sub(entry, "updated", _timestamp(tagged))
        _sub(entry, "published", _timestamp(tagged))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=sitemap.url(sitemap.FEED, sitemap.article(article.id)))
        if article.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=article.url)
        # Atom wants an author on every entry; an unknown one is said to be unknown
        # rather than borrowed from the feed.
        for name in article.authors or ("Unknown author",):
            _sub(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        summary = article.summary or ", ".join(x for x in (", ".join(article.authors), article.publisher, article.date.human()) if x)
        _sub(entry, "summary", summary)
        for tag in (*tagged.administrations, *tagged.themes):
            ET.SubElement(entry, f"{{{ATOM}}}category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _sub(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = value
    return element
