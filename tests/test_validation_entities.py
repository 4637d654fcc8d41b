"""Broken entities files are reported with every problem, located at its line; names shared with prime ministers too."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.entities import read_entities
from kb.problems import InputError
from kb.taxonomy import load_taxonomy
from tests.helpers import CASES, TODAY

FOLDER = CASES / "bad_entities"
BAD = sorted(p.with_suffix(".yml") for p in FOLDER.glob("*.expected"))


@pytest.mark.parametrize("case", BAD, ids=[p.stem for p in BAD])
def test_broken_entities_report_exactly(case: Path) -> None:
    taxonomy = load_taxonomy(FOLDER / "taxonomy.yml", "taxonomy.yml", TODAY)
    with pytest.raises(InputError) as caught:
        read_entities(case, "entities.yml", taxonomy).get()
    report = "\n".join(p.format() for p in caught.value.problems) + "\n" + str(caught.value) + "\n"
    assert report == case.with_suffix(".expected").read_text(encoding="utf-8")


def test_every_entity_case_has_its_expected_report() -> None:
    cases = sorted(p for p in FOLDER.glob("*.yml") if p.name != "taxonomy.yml")
    assert cases == BAD
