"""Broken taxonomies are reported with every problem, naming the entry and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.problems import InputError
from kb.taxonomy import load_taxonomy
from tests.helpers import CASES

EXPECTED = {
    "id-shared-by-administration-and-theme": ["taxonomy.yml: themes.abe: id is used twice; ids must be unique across administrations and themes"],
    "term-ends-before-it-starts": [
        "taxonomy.yml: administrations.abe.terms: term ends (2012-12-26) before it starts (2020-09-16)",
        "taxonomy.yml: themes.abductions.related: unknown theme 'sanction'",
    ],
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_taxonomy(case: str, tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text((CASES / "bad_taxonomy" / f"{case}.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_taxonomy(path)
    lines = [p.format() for p in caught.value.problems]
    for expected in EXPECTED[case]:
        assert any(line.startswith(expected) for line in lines), lines
