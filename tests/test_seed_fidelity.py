"""Fidelity of the seed sources to their web captures.

For each seed article, the capture (tests/data/seeds/<id>.txt, a byte-for-byte
copy of the web capture) minus its furniture (tests/data/seeds/<id>.furniture.txt,
one removed capture line per line, in capture order) must equal the body of
the frozen seed tests/data/seed-collection/sources/<id>.md, up to whitespace and Markdown heading markers. So nothing of the
article's text may be lost, added, reordered or reworded.

The front matter of each source must agree with tests/data/seeds/metadata.yml.

This test deliberately imports no project module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).parent
SEEDS = HERE / "data" / "seeds"
SOURCES = HERE / "data" / "seed-collection" / "sources"

ARTICLE_IDS = [
    "2024-11-lee-ishiba-north-korea-policy",
    "2014-06-maslow-pragmatism-returns",
    "2024-north-korea-statements-to-kishida",
    "2023-07-kishida-north-korea-summit-challenging",
    "2024-03-lee-japan-north-korea-dialogue",
]

NBSP = "\u00a0"
# Characters stripped around a capture line: ordinary whitespace and NBSP.
STRIP = " \t\r\n\f\v" + NBSP


def normalize(text: str) -> str:
    """Remove heading markers, NBSP -> space, collapse whitespace runs, strip."""
    text = re.sub(r"(?m)^[ \t]*## ", "", text)
    text = text.replace(NBSP, " ")
    return re.sub(r"\s+", " ", text).strip()


def norm_line(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace(NBSP, " ")).strip()


def read_furniture(article_id: str) -> list[str]:
    path = SEEDS / f"{article_id}.furniture.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    return [norm_line(line) for line in lines if line.strip(STRIP)]


def capture_text_without_furniture(article_id: str) -> str:
    raw = (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")
    lines = [line.strip(STRIP) for line in raw.split("\n")]
    lines = [line for line in lines if line]
    furniture = read_furniture(article_id)
    kept: list[str] = []
    i = 0
    for line in lines:
        if i < len(furniture) and norm_line(line) == furniture[i]:
            i += 1
            continue
        kept.append(line)
    assert i == len(furniture), (
        f"{article_id}: furniture entry #{i + 1} not found (in order) in the capture: "
        f"{furniture[i]!r}"
    )
    return normalize("\n".join(kept))


def split_source(article_id: str) -> tuple[str, str]:
    text = (SOURCES / f"{article_id}.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0] == "---", f"{article_id}: source must start with a '---' line"
    try:
        end = lines.index("---", 1)
    except ValueError:  # pragma: no cover - reported as failure
        pytest.fail(f"{article_id}: front matter is not closed by a '---' line")
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])


def diff_message(expected: str, actual: str, context: int = 80) -> str:
    n = min(len(expected), len(actual))
    pos = next((k for k in range(n) if expected[k] != actual[k]), n)
    lo = max(0, pos - context)
    return (
        f"first difference at character {pos} "
        f"(capture {len(expected)} chars, source {len(actual)} chars)\n"
        f"  capture: ...{expected[lo:pos + context]!r}...\n"
        f"  source:  ...{actual[lo:pos + context]!r}..."
    )


def load_metadata() -> dict:
    return yaml.safe_load((SEEDS / "metadata.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("article_id", ARTICLE_IDS, ids=ARTICLE_IDS)
def test_body_matches_capture_minus_furniture(article_id: str) -> None:
    expected = capture_text_without_furniture(article_id)
    _, body = split_source(article_id)
    actual = normalize(body)
    assert expected, f"{article_id}: capture has no text left"
    assert actual == expected, f"{article_id}: " + diff_message(expected, actual)


@pytest.mark.parametrize("article_id", ARTICLE_IDS, ids=ARTICLE_IDS)
def test_body_layout(article_id: str) -> None:
    """One paragraph per line, paragraphs separated by exactly one blank line."""
    _, body = split_source(article_id)
    assert body.startswith("\n") and not body.startswith("\n\n\n"), (
        f"{article_id}: exactly one blank line expected after the front matter"
    )
    body = body.strip("\n")
    assert "\n\n\n" not in body, f"{article_id}: more than one blank line between paragraphs"
    for k, block in enumerate(body.split("\n\n")):
        assert "\n" not in block, f"{article_id}: paragraph {k + 1} spans several lines"
        assert block == block.strip(STRIP), (
            f"{article_id}: paragraph {k + 1} has surrounding whitespace/NBSP: {block[:60]!r}"
        )


@pytest.mark.parametrize("article_id", ARTICLE_IDS, ids=ARTICLE_IDS)
def test_front_matter_matches_metadata(article_id: str) -> None:
    meta = load_metadata()[article_id]
    front_text, _ = split_source(article_id)
    fm = yaml.safe_load(front_text)
    assert isinstance(fm, dict), f"{article_id}: front matter is not a mapping"

    # Title: from metadata; where metadata has none, an editors' title in [brackets].
    if meta.get("title") is None:
        assert isinstance(fm.get("title"), str)
        assert fm["title"].startswith("[") and fm["title"].endswith("]"), (
            f"{article_id}: a supplied title must be in square brackets"
        )
    else:
        assert fm.get("title") == meta["title"]

    assert fm.get("authors") == list(meta.get("authors") or [])
    assert "publisher" in fm, f"{article_id}: publisher must be present (null when unknown)"
    assert fm["publisher"] == meta.get("publisher")

    # Date: always a quoted string in the source, at metadata's precision.
    assert isinstance(fm.get("date"), str), f"{article_id}: date must be a quoted string"
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", fm["date"])
    assert fm["date"] == str(meta["date"])

    for key in ("url", "series"):
        if meta.get(key) is None:
            assert key not in fm, f"{article_id}: {key} is unknown in metadata; must be absent"
        else:
            assert fm.get(key) == meta[key]

    if meta.get("author_affiliation") is None:
        assert "affiliation" not in fm
    else:
        assert fm.get("affiliation") == meta["author_affiliation"]

    if meta.get("rights") is not None:
        assert fm.get("rights") == meta["rights"]
