"""The whole generator killed at steps spread over its write phase: docs/ is the old or the new site, and the next run succeeds."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import sys
from pathlib import Path

from kb import output, safefs
from kb.build import Project, generate
from tests.conftest import copy_project
from tests.helpers import ROOT, TODAY, run_cli

# Paragraphs written for this test, reshuffled into articles.
POOL = [
    "Prime Minister Kishida said on Monday that he was ready to meet Kim Jong Un without preconditions.",
    "The abduction issue remains the first item on Tokyo's agenda, officials in the Cabinet Office said.",
    "Talks in Stockholm in May 2014 produced an agreement on a special investigation committee.",
    "Pyongyang launched two ballistic missiles into the Sea of Japan, the defence ministry reported.",
    "Families of the abductees asked the government to set a deadline for the return of all victims.",
    "Sanctions adopted by the Security Council limit the trade Japan could offer in any settlement.",
    "A liaison office in Pyongyang was discussed and then dropped in the negotiations of 2014.",
    "Koizumi's visit in September 2002 ended with the Pyongyang Declaration and an apology.",
    "The trilateral meeting with Seoul and Washington stressed deterrence over dialogue.",
    "Analysts in Seoul doubt that a summit can happen before the election in the autumn.",
    "Back channels in Mongolia and Southeast Asia were used for contacts in 2023, reports said.",
    "Kim Yo Jong rejected any talks that start from the abduction issue, state media said.",
    "Ishiba proposed liaison offices in both capitals during his campaign for the party leadership.",
    "Suga repeated the pledge to meet the North Korean leader but no meeting took place.",
    "The fishing ban and port closures remained in force after the latest extension by the cabinet.",
    "Observers noted that public opinion in Japan favours pressure over concessions.",
]


def snapshot(docs: Path) -> dict[str, str]:
    return {p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(docs.rglob("*")) if p.is_file()}


class Steps:
    def __init__(self, at: int) -> None:
        self.at, self.seen = at, 0

    def __call__(self, what: str) -> None:
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def test_generator_killed_across_its_write_phase(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import synthesise

    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "sources")
    synthesise(project / "sources", 30, pool=POOL)
    generate(Project(project), TODAY)
    old = snapshot(project / "docs")
    template = tmp_path / "old-docs"
    shutil.copytree(project / "docs", template)

    sources = sorted((project / "sources").glob("*.md"))
    for path in sources[:3]:
        path.unlink()
    for path in sources[3:8]:
        path.write_text(path.read_text(encoding="utf-8") + "\nA closing paragraph added on review, about Kishida and the abductions.\n", encoding="utf-8")
    extra = synthesise(tmp_path / "extra", 3, seed=7, pool=POOL[::-1])
    for path in extra.sources.glob("*.md"):
        shutil.copy(path, project / "sources" / ("2025-added-" + path.name.split("-", 1)[1]))

    counter = Steps(0)
    safefs.FAULT = counter
    try:
        generate(Project(project), TODAY)
    finally:
        safefs.FAULT = None
    new, total = snapshot(project / "docs"), counter.seen
    assert total > 50 and new != old

    def reset() -> None:
        shutil.rmtree(project / "docs")
        shutil.copytree(template, project / "docs")

    spread = sorted({1, 2, 3, total - 2, total - 1, total, *range(1, total + 1, max(1, total // 25))})
    outcomes = []
    for at in spread:
        reset()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                safefs.FAULT = Steps(at)
                generate(Project(project), TODAY)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"step {at} of {total} was never reached"
        output.recover(project / "docs")
        state = snapshot(project / "docs")
        assert state in (old, new), f"killed at step {at} of {total}: docs/ is neither the old nor the new site"
        outcomes.append("old" if state == old else "new")
        if at % 4 == 0 or at == total:
            generate(Project(project), TODAY)
            assert snapshot(project / "docs") == new
            assert sorted(p.name for p in (project / "docs").iterdir() if p.name.startswith(".")) == [".kb-lock", ".kb-manifest.json"]
    assert "old" in outcomes and "new" in outcomes, outcomes


def test_a_second_build_started_while_one_writes_says_so(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    generate(Project(project), TODAY)
    holder = os.open(project / "docs" / ".kb-lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        result = run_cli("build", cwd=project)
    finally:
        os.close(holder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"docs/.kb-lock: lock: another build (process {os.getpid()}) is writing docs/ right now; wait for it to finish" in result.stderr
    assert run_cli("build", cwd=project).returncode == 0
