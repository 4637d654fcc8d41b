"""Measure `new`'s capture reading on the labelled captures of tests/cases/new/captures/.

Usage: python tools/capture_report.py [FOLDER]

Each `<name>.txt` there is a capture and `<name>.yml` what a careful contributor
makes of it (see the folder's README.md). Printed per capture and in total, for
all captures and for each `set:` (`dev`, written with the rules; `held-out-N`, written
after round N of the rules and measured before any change):
furniture found (share of furniture lines flagged as furniture), false flags
(article paragraphs flagged, a real section heading flagged as one excepted),
and whether title, date, authors, publisher and paragraph joins came out right.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb.capture import Capture, Kind, read_capture  # noqa: E402
from kb.new import add_arguments, options  # noqa: E402

CAPTURES = ROOT / "tests" / "cases" / "new" / "captures"
FIELDS = ("title", "date", "authors", "publisher")


@dataclass(frozen=True)
class Result:
    """How one capture was read, against its labels."""

    name: str
    set: str
    furniture: frozenset[int]  # capture lines labelled furniture
    found: frozenset[int]  # of those, lines flagged as furniture
    false_flags: tuple[tuple[int, Kind], ...]  # article paragraphs flagged: first line, note
    wrong: tuple[str, ...]  # fields (and "joins") that differ from the labels

    @property
    def missed(self) -> frozenset[int]:
        return self.furniture - self.found


def load_case(yml: Path) -> dict[str, object]:
    """The labels of one capture."""
    case = yaml.safe_load(yml.read_text(encoding="utf-8"))
    assert isinstance(case, dict), yml
    return case


def read_case(txt: Path, case: dict[str, object]) -> Capture:
    """Read the capture as `new --from` does, with the case's options."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([str(a) for a in case.get("args") or []])  # type: ignore[union-attr]
    return read_capture(txt.read_text(encoding="utf-8"), options(args))


def measure(txt: Path) -> Result:
    """Compare the reading of one capture with its labels."""
    case = load_case(txt.with_suffix(".yml"))
    capture = read_case(txt, case)
    furniture = frozenset(int(n) for n in case["furniture"])  # type: ignore[union-attr]
    headings = {int(n) for n in case.get("headings") or []}  # type: ignore[union-attr]
    found: set[int] = set()
    false_flags = []
    for note in capture.notes:
        para = capture.paragraphs[note.index]
        lines = set(range(para.source_line, para.source_line + len(para.lines)))
        if note.kind.is_furniture:
            found |= lines & furniture
        if not lines & furniture and not (note.kind is Kind.HEADING and para.source_line in headings):
            false_flags.append((para.source_line, note.kind))
    got = {"title": capture.title, "date": capture.date, "authors": [a.name for a in capture.authors], "publisher": capture.publisher}
    wrong = [f for f in FIELDS if got[f] != case[f]]
    joins = [[p.source_line, p.source_line + len(p.lines) - 1] for p in capture.paragraphs if len(p.lines) > 1]
    if joins != (case.get("joins") or []):
        wrong.append("joins")
    return Result(txt.stem, str(case["set"]), furniture, frozenset(found), tuple(false_flags), tuple(wrong))


def measure_all(folder: Path = CAPTURES) -> list[Result]:
    """Every labelled capture of the folder, by name."""
    return [measure(txt) for txt in sorted(folder.glob("*.txt"))]


def summary(results: list[Result]) -> str:
    """One line of figures for a set of captures."""
    furniture = sum(len(r.furniture) for r in results)
    found = sum(len(r.found) for r in results)
    flags = [len(r.false_flags) for r in results]
    right = {f: sum(f not in r.wrong for r in results) for f in (*FIELDS, "joins")}
    fields = ", ".join(f"{f} {n}/{len(results)}" for f, n in right.items())
    return (
        f"{len(results)} captures: furniture found {found}/{furniture} ({found / max(furniture, 1):.1%}); "
        f"false flags {sum(flags)} (at most {max(flags, default=0)} in a capture); right: {fields}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 0 always (the thresholds are held by tests/test_new.py)."""
    folder = Path(argv[0]) if argv else CAPTURES
    results = measure_all(folder)
    for r in results:
        missed = ", ".join(map(str, sorted(r.missed))) or "-"
        flags = ", ".join(f"{line} ({kind.name.lower()})" for line, kind in r.false_flags) or "-"
        print(f"{r.name} [{r.set}]: missed {missed}; false flags {flags}; wrong {', '.join(r.wrong) or '-'}")
    print("all: " + summary(results))
    for name in sorted({r.set for r in results}):
        print(f"{name}: " + summary([r for r in results if r.set == name]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
