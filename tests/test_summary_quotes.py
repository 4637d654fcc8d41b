"""The pull-request summary says when the quote limit drops a passage of an article already in the collection."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from kb import summary
from kb.build import Project, generate
from kb.pages.markup import plural, quotes
from kb.pages.plan import KEY_PASSAGES
from tests.helpers import TODAY

ARTICLE = """---
title: "Kishida on the abductions, part {n}"
authors: []
publisher: "An Invented Daily"
date: "2022-{month:02d}"
---

Prime Minister Fumio Kishida said on visit number {n} that resolving the abduction issue remains the top priority of his government.
"""


def _write(sources: Path, n: int) -> None:
    (sources / f"2022-{n:02d}-kishida-abductions-{n}.md").write_text(ARTICLE.format(n=n, month=n), encoding="utf-8")


def test_a_new_article_that_pushes_an_old_quote_out_is_reported(project_factory: Callable[..., Path], tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for n in range(1, KEY_PASSAGES + 1):  # exactly as many as a section quotes
        _write(sources, n)
    project = project_factory("quote-limit", sources=sources)
    generate(Project(project), TODAY)
    base = tmp_path / "base-docs"
    shutil.copytree(project / "docs", base)
    _write(project / "sources", KEY_PASSAGES + 1)  # a newer article on the same topic
    generate(Project(project), TODAY)
    diff = summary.compare(base, project / "docs")
    oldest = "Kishida on the abductions, part 1"
    assert summary.Unquoted(oldest, 1, "Kishida administration") in diff.unquoted
    assert {u.article for u in diff.unquoted} == {oldest}
    text = summary.markdown(diff)
    assert f"### No longer quoted ({len(diff.unquoted)})" in text
    assert f"- ¶ 1 of “{oldest}”: no longer quoted on the Kishida administration page" in text
    assert f"at most {KEY_PASSAGES} passages per section" in text


def test_no_note_when_nothing_lost_its_place(project_factory: Callable[..., Path], tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    _write(sources, 1)
    project = project_factory("quote-limit-small", sources=sources)
    generate(Project(project), TODAY)
    base = tmp_path / "base-docs"
    shutil.copytree(project / "docs", base)
    _write(project / "sources", 2)
    generate(Project(project), TODAY)
    diff = summary.compare(base, project / "docs")
    assert diff.unquoted == () and "No longer quoted" not in summary.markdown(diff)


def test_one_more_passage_is_singular() -> None:
    assert list(quotes([], 1, "themes/x.md")) == ["*1 more passage: see the articles below.*", ""]
    assert list(quotes([], 3, "themes/x.md")) == ["*3 more passages: see the articles below.*", ""]
    assert plural(1, "more event") == "1 more event" and plural(0, "article") == "0 articles"
