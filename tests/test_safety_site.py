"""site/ is one whole build after a kill at any step, never replaced through a link, and built by one process at a time."""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kb import safefs, site
from kb.build import Project
from kb.output import OutputError
from tests.conftest import copy_project
from tests.helpers import ROOT


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def fill(folder: Path, version: str) -> None:
    for n in range(40):
        path = folder / f"page-{n % 4}" / f"{n}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{version} {n}</p>\n", encoding="utf-8")


class Steps:
    def __init__(self, at: int) -> None:
        self.at, self.seen = at, 0

    def __call__(self, what: str) -> None:
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames"])
def test_kill_at_every_step_of_the_swap_leaves_one_whole_site(tmp_path: Path, exchange: bool) -> None:
    for at in range(1, 8):
        root = tmp_path / f"step-{at}"
        fill(root / "site", "old")
        staging = root / ".site-build-1"
        fill(staging, "new")
        old, new = snapshot(root / "site"), snapshot(staging)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                if not exchange:
                    site._exchange = lambda first, second: False  # type: ignore[assignment]
                safefs.FAULT = Steps(at)
                site.swap_in(root, staging, root / "site")
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        site.recover_site(root)
        assert snapshot(root / "site") in (old, new), f"killed at step {at}"
        assert sorted(p.name for p in root.iterdir()) == ["site"], f"leftovers after a kill at step {at}"
        if not os.WIFSIGNALED(status):
            assert snapshot(root / "site") == new
            break
    else:
        pytest.fail("the swap never completed")
    assert at >= 2 + (not exchange)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a built site/."""
    project = copy_project(tmp_path_factory.mktemp("site-safety"))
    result = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), "site"], cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return project


def test_site_that_is_a_link_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("not ours\n", encoding="utf-8")
    real = project / "site"
    real.rename(project / "site-real")
    try:
        real.symlink_to(outside)
        with pytest.raises(OutputError) as caught:
            site.build_site(Project(project))
        assert caught.value.problems[0].format().startswith("site: link: is a symbolic link, not a folder")
        assert snapshot(outside) == {"keep.html": hashlib.sha256(b"not ours\n").hexdigest()}
    finally:
        real.unlink()
        (project / "site-real").rename(real)


def test_second_site_build_is_refused_while_the_first_holds_the_lock(project: Path) -> None:
    holder = os.open(project / ".site.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(OutputError) as caught:
            site.build_site(Project(project))
    finally:
        os.close(holder)
    assert f"another `build_kb.py site` (process {os.getpid()})" in caught.value.problems[0].message


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_kill_9_during_the_mkdocs_build_keeps_the_old_site_and_the_next_build_cleans_up(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("not ours\n", encoding="utf-8")
    (project / "site" / "linked").symlink_to(outside)  # a link inside the old site is removed, never followed
    before = snapshot(project / "site")
    for files_written in (0, 5):  # killed as MkDocs starts, and once it has written some pages
        process = subprocess.Popen([sys.executable, str(ROOT / "build_kb.py"), "site"], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        staging = project / f".site-build-{process.pid}"
        staged = _wait_for(lambda: staging.is_dir() and len(snapshot(staging)) >= files_written, 180)  # noqa: B023
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert staged, "the build never started writing"
        assert snapshot(project / "site") == before
        # MkDocs died with its parent: the staging folder stops changing at once.
        first = snapshot(staging)
        time.sleep(1.5)
        assert snapshot(staging) == first, "an orphaned MkDocs kept writing"
    result = subprocess.run([sys.executable, str(ROOT / "build_kb.py"), "site"], cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [".site.lock"]
    assert snapshot(outside) == {"keep.html": hashlib.sha256(b"not ours\n").hexdigest()}
    assert not (project / "site" / "linked").exists()
    assert (project / "site" / "index.html").is_file()
