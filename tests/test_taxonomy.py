"""Broken taxonomies are reported with every problem, located at its line, naming the entry and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.problems import InputError
from kb.taxonomy import load_taxonomy, read_taxonomy
from tests.helpers import CASES, TODAY

# Each case with its expected report; the other files of the folder are ids that clash
# with the site's own pages, which `check` finds (tests/test_clashes.py).
BAD = sorted(p.with_suffix(".yml") for p in (CASES / "bad_taxonomy").glob("*.expected"))


def _report(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_taxonomy(path, "taxonomy.yml", TODAY)
    return "\n".join(p.format() for p in caught.value.problems) + "\n" + str(caught.value) + "\n"


@pytest.mark.parametrize("case", BAD, ids=[p.stem for p in BAD])
def test_broken_taxonomy_reports_exactly(case: Path) -> None:
    assert _report(case) == case.with_suffix(".expected").read_text(encoding="utf-8")


def test_a_broken_entry_keeps_its_id_for_checking_sources() -> None:
    checked = read_taxonomy(CASES / "bad_taxonomy" / "terms-overlap.yml", "taxonomy.yml", TODAY)
    assert not checked.ok
    assert [a.id for a in checked.value.administrations] == ["abe", "suga"]
    assert checked.value.unchecked == frozenset()


def test_a_lost_entry_marks_its_section_unchecked() -> None:
    checked = read_taxonomy(CASES / "bad_taxonomy" / "id-too-long.yml", "taxonomy.yml", TODAY)
    assert checked.value.unchecked == {"administrations"}
    assert [t.id for t in checked.value.themes] == ["abductions"]
