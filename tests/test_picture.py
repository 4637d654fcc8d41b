"""The timeline picture: inline SVG marks that link to their events, and an axis set by the taxonomy's era."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kb.mentions import no_mentions
from kb.pages import render_pages
from kb.pages.picture import drawn, event_id, figure, span
from kb.pages.plan import Plan
from kb.pages.timeline import when
from kb.sources import load_articles
from kb.tagging import tag_articles
from kb.taxonomy import load_taxonomy
from kb.timeline import extract_events
from tests.helpers import ROOT, TODAY

SVG = "{http://www.w3.org/2000/svg}"
HISTORY = """---
title: "Old wounds and new talks"
authors: []
publisher: null
date: "2003-02-10"
---

Colonial rule lasted from 1910 to 1945, and Japan normalised relations with South Korea in 1965.

Prime Minister Junichiro Koizumi visited Pyongyang in September 2002 and met Kim Jong Il.
"""


def _plan(tmp_path: Path) -> Plan:
    (tmp_path / "2003-02-old-wounds.md").write_text(HISTORY, encoding="utf-8")
    taxonomy = load_taxonomy(ROOT / "taxonomy.yml")
    collection = tag_articles(load_articles(tmp_path, taxonomy, TODAY), taxonomy)
    return Plan(collection, no_mentions(), extract_events(collection))


def test_events_before_the_first_administration_are_listed_but_do_not_set_the_axis(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    first_term = min(t.start for a in plan.taxonomy.administrations for t in a.terms)
    early = [e for e in plan.events if e.last.last_day < first_term]
    assert early, "the article's 1910 and 1965 dates are events"
    assert all(e.last.last_day >= first_term for e in drawn(plan))
    start, _ = span(drawn(plan))
    assert start == 2002
    html = figure(plan, lambda e: f"#{event_id(e)}", when)
    assert re.search(r"Dated events in the collection, 2002–2003", html)
    root = ET.fromstring(html)
    years = {t.text for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()}
    assert years and min(years) == "2002"
    page = {p.path: p.content for p in render_pages(plan.collection, plan.mentions, plan.events)}["explore/timeline.md"]
    assert f"*{len(early)} events before the first administration the taxonomy knows are listed below but not drawn.*" in page
    for event in early:  # listed, with the anchor a mark would link to
        assert f'id="{event_id(event)}"' in page


def test_every_mark_links_to_its_event_in_the_list(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    page = {p.path: p.content for p in render_pages(plan.collection, plan.mentions, plan.events)}["explore/timeline.md"]
    picture = next(line for line in page.splitlines() if line.startswith('<figure class="kb-timeline">'))
    root = ET.fromstring(picture)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links and len(links) == len(drawn(plan))
    for href, event in zip(links, drawn(plan), strict=True):
        assert href == f"#{event_id(event)}"
        assert f'<span class="kb-event" id="{event_id(event)}"></span>' in page
    for a in root.iter(f"{SVG}a"):
        assert a.get("tabindex") == "0"
        title = a.find(f"{SVG}title")
        assert title is not None and title.text and ":" in title.text
    # No colour is written into the picture: the page's CSS gives them, for both schemes.
    assert "fill=" not in picture and "stroke=" not in picture and "<style" not in picture


def test_event_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    ids = [event_id(e) for e in plan.events]
    assert len(set(ids)) == len(ids)
    assert ids == [event_id(e) for e in _plan(tmp_path).events]


def test_a_split_timeline_draws_one_mark_per_period_linking_to_its_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.pages import timeline

    monkeypatch.setattr(timeline, "EVENTS_PER_PAGE", 1)  # every year its own page
    plan = _plan(tmp_path)
    pages = {p.path: p.content for p in render_pages(plan.collection, plan.mentions, plan.events)}
    periods = sorted(p.removeprefix("explore/timeline/").removesuffix(".md") for p in pages if p.startswith("explore/timeline/"))
    assert len(periods) >= 2
    picture = next(line for line in pages["explore/timeline.md"].splitlines() if line.startswith('<figure class="kb-timeline">'))
    root = ET.fromstring(picture)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    # Periods before the first administration are pages too, but outside the axis they are not drawn.
    drawn_years = {e.date.year for e in drawn(plan)}
    assert links == [f"{p}/" for p in periods if int(p[:4]) in drawn_years]
    assert "in 1 period as marks, each a link to the page of its period" in picture
