"""The docs/ writer under faults: a kill at every step, a full disk, a read-only folder, links, hand-written files, two builds."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kb import journal, output, safefs
from kb.output import OutputError, Page, write_pages

ROOT = Path(__file__).resolve().parent.parent


def pages(version: str, count: int) -> list[Page]:
    """A synthetic collection: `old` and `new` differ by created, rewritten, deleted and unchanged pages, and new and emptied folders."""
    out = [Page("themes/index.md", f"# Themes {version}\n")]
    for n in range(count):
        if (version == "old" and n % 6 == 4) or (version == "new" and n % 6 == 0):
            continue  # deleted in new / created in new
        body = f"article {n}\n" * (1 + n % 7)
        if n % 6 == 1 and version == "new":
            body += "an added paragraph\n" * (1 + n % 3)  # grows
        if n % 6 == 2 and version == "new":
            body = body[: len(body) // 2]  # shrinks (3 and 5 stay the same)
        out.append(Page(f"articles/{n:04d}.md", body))
    if version == "old":
        out.append(Page("explore/gone/only.md", "a folder that empties\n"))
    else:
        out.append(Page("people/new/one.md", "a new folder\n"))
    return out


def snapshot(docs: Path) -> dict[str, str]:
    """Every file under docs/ (dot files included) by path, with the hash of its bytes."""
    return {p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(docs.rglob("*")) if p.is_file() or p.is_symlink()}


def pages_only(state: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in state.items() if not k.startswith(".")}


def mtimes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}


@pytest.fixture()
def states(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], dict[str, str], Path]]:
    """A docs/ holding the old pages (template kept aside), and the snapshots of the old and the new state."""
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    write_pages(pages("old", 20), old_dir / "docs")
    write_pages(pages("old", 20), new_dir / "docs")
    write_pages(pages("new", 20), new_dir / "docs")
    old, new = snapshot(old_dir / "docs"), snapshot(new_dir / "docs")
    assert pages_only(old) != pages_only(new)
    yield old_dir / "docs", old, new, tmp_path / "work" / "docs"


def reset(template: Path, docs: Path) -> None:
    shutil.rmtree(docs.parent, ignore_errors=True)
    docs.parent.mkdir(parents=True)
    shutil.copytree(template, docs, copy_function=shutil.copy2)


class Steps:
    """A fault hook acting at the nth change to the file system."""

    def __init__(self, at: int, act: Callable[[str], None]) -> None:
        self.at, self.act, self.seen = at, act, 0

    def __call__(self, what: str) -> None:
        self.seen += 1
        if self.seen == self.at:
            self.act(what)


def count_steps(template: Path, docs: Path, new_pages: list[Page]) -> int:
    reset(template, docs)
    counter = Steps(0, lambda _: None)
    safefs.FAULT = counter
    try:
        write_pages(new_pages, docs)
    finally:
        safefs.FAULT = None
    return counter.seen


def in_child(run: Callable[[], None]) -> int:
    """Run `run` in a forked child; return its wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            run()
            os._exit(0)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return status


def kill_self(_: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_kill_at_every_step_leaves_old_or_new_and_the_next_run_succeeds(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    template, old, new, docs = states
    new_pages = pages("new", 20)
    total = count_steps(template, docs, new_pages)
    assert total > 30, total  # journal, created, rewritten, deleted files, folders, manifest
    same = {k for k in old if not k.startswith(".") and new.get(k) == old[k]}
    assert len(same) > 5
    outcomes = {"old": 0, "new": 0}
    for at in range(1, total + 1):
        reset(template, docs)
        before = mtimes(docs)

        def run(at: int = at) -> None:
            safefs.FAULT = Steps(at, kill_self)
            write_pages(new_pages, docs)

        status = in_child(run)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"step {at}: the child was not killed"
        output.recover(docs)
        state = snapshot(docs)
        assert state in (old, new), f"killed at step {at} of {total}: docs/ is neither the old nor the new state"
        outcomes["old" if state == old else "new"] += 1
        now = mtimes(docs)
        assert all(now[k] == before[k] for k in same), f"step {at}: a page that does not change lost its mtime"
        report = write_pages(new_pages, docs)
        assert snapshot(docs) == new, f"step {at}: the next run did not produce the new state"
        assert report.recovered is None
        assert not [p for p in docs.rglob("*") if p.name.startswith(".") and p.name not in (".kb-lock", ".kb-manifest.json")]
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes


def test_kill_during_recovery_is_recovered_by_the_next_run(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    template, old, new, docs = states
    new_pages = pages("new", 20)
    total = count_steps(template, docs, new_pages)
    for first in (total // 3, total // 2, total - 5):
        reset(template, docs)

        def crash(first: int = first) -> None:
            safefs.FAULT = Steps(first, kill_self)
            write_pages(new_pages, docs)

        in_child(crash)
        crashed = docs.parent / "crashed"
        shutil.rmtree(crashed, ignore_errors=True)
        shutil.copytree(docs, crashed, copy_function=shutil.copy2)
        second = 1
        while True:
            shutil.rmtree(docs)
            shutil.copytree(crashed, docs, copy_function=shutil.copy2)

            def crash_recovery(second: int = second) -> None:
                safefs.FAULT = Steps(second, kill_self)
                output.recover(docs)

            status = in_child(crash_recovery)
            output.recover(docs)
            assert snapshot(docs) in (old, new), f"killed at step {first}, then at step {second} of the recovery"
            if not os.WIFSIGNALED(status):
                break
            second += 1
        assert second > 2, "the recovery took no steps"


@pytest.mark.parametrize(("fault", "every"), [(errno.ENOSPC, 1), (errno.EROFS, 3), (errno.EACCES, 4), (errno.EIO, 5)])
def test_error_at_every_step_leaves_old_or_new_with_a_clear_message(states: tuple[Path, dict[str, str], dict[str, str], Path], fault: int, every: int) -> None:
    template, old, new, docs = states
    new_pages = pages("new", 20)
    total = count_steps(template, docs, new_pages)
    words = {errno.ENOSPC: "no space left on device", errno.EROFS: "read-only file system", errno.EACCES: "permission denied"}
    for at in range(1, total + 1, every):
        reset(template, docs)

        def fail(_: str) -> None:
            raise OSError(fault, os.strerror(fault))

        safefs.FAULT = Steps(at, fail)
        try:
            with pytest.raises(OutputError) as caught:
                write_pages(new_pages, docs)
        finally:
            safefs.FAULT = None
        message = caught.value.problems[0].format()
        assert message.startswith("docs/: write: ") and words.get(fault, os.strerror(fault)) in message, message
        state = snapshot(docs)
        if state == old:
            assert "left as it was" in message
        else:  # failed after the commit: every new page is in place, the next run removes what is stale
            assert pages_only(new).items() <= pages_only(state).items(), f"step {at}"
            assert set(state) - set(new) <= set(old) - set(new) | {journal.NAME}, f"step {at}"
            assert "next run" in message, message
        write_pages(new_pages, docs)
        assert snapshot(docs) == new


def test_interrupt_with_ctrl_c_rolls_back_in_process(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    template, old, new, docs = states
    new_pages = pages("new", 20)
    total = count_steps(template, docs, new_pages)
    for at in range(1, total + 1, 3):
        reset(template, docs)

        def interrupt(_: str) -> None:
            raise KeyboardInterrupt

        safefs.FAULT = Steps(at, interrupt)
        try:
            with pytest.raises(KeyboardInterrupt):
                write_pages(new_pages, docs)
        finally:
            safefs.FAULT = None
        output.recover(docs)
        assert snapshot(docs) in (old, new), at


def test_unchanged_pages_keep_their_mtime(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    template, _, _, docs = states
    reset(template, docs)
    before = mtimes(docs)
    time.sleep(0.01)
    report = write_pages(pages("new", 20), docs)
    after = mtimes(docs)
    same = [p for p in before if p in after and p.startswith(("articles/", "themes/")) and p not in report.written]
    assert same and all(before[p] == after[p] for p in same)
    assert all(after[p] != before.get(p) for p in report.written if p in before)


def test_no_temporary_file_per_page(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    template, _, _, docs = states
    reset(template, docs)
    created: list[str] = []

    def watch(what: str) -> None:
        if what.startswith("open "):
            created.append(what.removeprefix("open "))

    safefs.FAULT = watch
    try:
        report = write_pages(pages("new", 20), docs)
    finally:
        safefs.FAULT = None
    assert sorted(set(created) - {journal.NAME, journal.MANIFEST}) == sorted(report.written)


def test_kill_9_at_spread_instants_in_a_real_process(tmp_path: Path) -> None:
    """A separate process writing 800 pages, killed with SIGKILL or SIGTERM at 20 instants across its write phase."""
    script = tmp_path / "writer.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from kb.output import Page, write_pages\n"
        "version = sys.argv[2]\n"
        "pages = [Page(f'articles/{n:05d}.md', f'{version} {n}\\n' * (40 + n % 50 + (7 if version == 'new' and n % 3 else 0)))\n"
        "         for n in range(800) if not (version == 'new' and n % 11 == 0 or version == 'old' and n % 13 == 0)]\n"
        "print('ready', flush=True)\n"
        "start = time.perf_counter()\n"
        "write_pages(pages, __import__('pathlib').Path(sys.argv[1]))\n"
        "print(time.perf_counter() - start, flush=True)\n",
        encoding="utf-8",
    )

    def run(docs: Path, version: str) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, str(script), str(docs), version], stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        return process

    template, reference = tmp_path / "old" / "docs", tmp_path / "new" / "docs"
    for docs, versions in ((template, ["old"]), (reference, ["old", "new"])):
        for version in versions:
            process = run(docs, version)
            process.wait()
            assert process.returncode == 0
    old, new = snapshot(template), snapshot(reference)
    docs = tmp_path / "work" / "docs"
    reset(template, docs)
    process = run(docs, "new")
    out, _ = process.communicate()
    span = float(out.strip())
    assert snapshot(docs) == new
    seen = {"old": 0, "new": 0, "mid-write": 0}
    for n in range(20):
        reset(template, docs)
        process = run(docs, "new")
        time.sleep(span * 1.2 * n / 19)
        process.send_signal(signal.SIGTERM if n % 4 == 3 else signal.SIGKILL)
        process.wait()
        seen["mid-write"] += (docs / journal.NAME).exists()
        output.recover(docs)
        state = snapshot(docs)
        assert state in (old, new), f"kill {n} at {span * 1.2 * n / 19:.3f}s of a {span:.3f}s write"
        seen["old" if state == old else "new"] += 1
        if n % 5 == 2:
            final = run(docs, "new")
            final.communicate()
            assert final.returncode == 0 and snapshot(docs) == new
    assert seen["mid-write"] >= 3, f"too few kills landed while pages were being written: {seen}, write phase {span:.3f}s"


def test_second_build_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_pages(pages("old", 5), docs)
    before = snapshot(docs)
    holder = os.open(docs / ".kb-lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(OutputError) as caught:
            write_pages(pages("new", 5), docs)
    finally:
        os.close(holder)
    message = caught.value.problems[0].format()
    assert message.startswith("docs/.kb-lock: lock: another build") and f"process {os.getpid()}" in message, message
    assert snapshot(docs) == before
    write_pages(pages("new", 5), docs)  # released: the next one goes


def test_lock_of_a_killed_build_does_not_block(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_pages(pages("old", 5), docs)
    lock = docs / ".kb-lock"
    hold = f"import fcntl, os, time; fd = os.open({str(lock)!r}, os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(OutputError) as caught:
        write_pages(pages("new", 5), docs)
    assert f"another build (process {holder.pid})" in caught.value.problems[0].message
    holder.kill()
    holder.wait()
    write_pages(pages("new", 5), docs)


def test_kept_pages_are_left_as_they_are_and_a_vanished_one_stops_the_run(states: tuple[Path, dict[str, str], dict[str, str], Path]) -> None:
    from kb.pages import Kept

    template, _, _, docs = states
    reset(template, docs)
    old = pages("old", 20)
    write_pages(old, docs)
    before = snapshot(docs)
    # The first page kept: its file stays as it is, and nothing is rewritten.
    kept = [Kept(old[0].path), *old[1:]]
    report = write_pages(kept, docs)
    assert report.written == () and snapshot(docs) == before
    (docs / old[0].path).unlink()
    with pytest.raises(OutputError) as caught:
        write_pages(kept, docs)
    assert "disappeared while the generator ran; run again" in caught.value.problems[0].message
    assert (docs / old[1].path).read_text(encoding="utf-8") == old[1].content  # nothing else was touched


def _copied(tmp_path: Path, data: bytes) -> bytes:
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(data)
    with open(source, "rb") as src, open(target, "wb") as out:
        out.write(b"head:")
        out.flush()
        assert safefs.copy_all(src.fileno(), out.fileno()) == len(data)
    return target.read_bytes()


@pytest.mark.parametrize("kernel", ["copies", "refuses", "stops early"])
def test_old_bytes_reach_the_journal_whole_whatever_the_kernel_copy_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str) -> None:
    data = bytes(range(256)) * 9000  # over 2 MB: more than one plain read
    real = os.copy_file_range
    if kernel == "refuses":

        def fake(*_: object) -> int:
            raise OSError(errno.EXDEV, "cross-device copy")

        monkeypatch.setattr(os, "copy_file_range", fake)
    elif kernel == "stops early":
        calls = []

        def fake(src: int, dst: int, count: int, *rest: object) -> int:
            calls.append(count)
            return real(src, dst, 1000) if len(calls) == 1 else 0  # a file system that reports the end too soon

        monkeypatch.setattr(os, "copy_file_range", fake)
    assert _copied(tmp_path, data) == b"head:" + data


def test_a_page_of_another_length_is_rolled_back_from_the_copied_bytes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    big = "".join(f"line {n}\n" for n in range(300_000))  # about 3 MB, the size class of collection.json
    write_pages([Page("explore/collection.json", big)], docs)
    before = (docs / "explore/collection.json").read_bytes()

    failed = []

    def fail_after_journal(what: str) -> None:
        if what == "write explore/collection.json" and not failed:  # opened, so already truncated; once
            failed.append(what)
            raise OSError(errno.ENOSPC, "no space left on device")

    safefs.FAULT = fail_after_journal
    try:
        with pytest.raises(OutputError):
            write_pages([Page("explore/collection.json", big + "one more line\n")], docs)
    finally:
        safefs.FAULT = None
    assert failed
    assert (docs / "explore/collection.json").read_bytes() == before
    assert not (docs / journal.NAME).exists()


@pytest.mark.parametrize("size", [0, 10, 2_500_000, 9_000_000])
def test_reading_a_file_whole_whatever_size_it_was_said_to_have(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * 12_000  # about 3 MB
    path = tmp_path / "page"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        assert safefs.read_all(handle.fileno(), None, size) == data  # a size hint too small, too large or none: all of it
    with open(path, "rb") as handle:
        assert safefs.read_all(handle.fileno(), 1_500_000, size) == data[:1_500_000]
