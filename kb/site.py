"""docs/ -> site/: a strict MkDocs build into a fresh folder, swapped in whole, so site/ is always one whole build."""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

from kb.build import Project, generate
from kb.output import OutputError, os_problem
from kb.problems import Problem
from kb.safefs import Busy, Folder, Lock, change, describe

LOCK = ".site.lock"
# Every folder named .site-* in the project root is a build of ours: a staging
# folder or the previous site/ of a run that was killed; the next run removes it.
_PREFIX = ".site-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1


def build_site(project: Project) -> int:
    """Generate, then `mkdocs build --strict` into a fresh folder that replaces site/ only on success."""
    root = project.root
    site = root / "site"
    with Folder(root) as folder:
        try:
            lock = Lock(folder, LOCK)
        except Busy as err:
            who = f"process {err.holder}" if err.holder else "another process"
            message = f"another `build_kb.py site` ({who}) is building site/ right now; wait for it to finish, then run again"
            raise OutputError([Problem(LOCK, None, "lock", message)]) from None
        try:
            recover_site(root)
            mode = folder.kind(("site",))
            if mode is not None and not stat.S_ISDIR(mode):
                message = f"is {describe(mode)}, not a folder; the build replaces site/ whole, never through a link: remove it (`rm site`) and run again"
                raise OutputError([Problem("site", None, "link" if stat.S_ISLNK(mode) else "file", message)])
            generate(project)
            return _build(root, site)
        except OSError as err:
            raise OutputError([os_problem("site", err, "site/ holds the previous build (or the next run restores it)")]) from None
        finally:
            lock.release()


def _build(root: Path, site: Path) -> int:
    staging = root / f"{_PREFIX}build-{os.getpid()}"
    change(f"mkdir {staging.name}")
    staging.mkdir()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
            cwd=root,
            check=False,
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),
        )
        if result.returncode != 0:
            print("mkdocs build failed; site/ was left as it was.", file=sys.stderr)
            return result.returncode
        swap_in(root, staging, site)
        print(f"Built the site into {site}.")
        return 0
    finally:
        _remove(staging)


def swap_in(root: Path, staging: Path, site: Path) -> None:
    """Make `staging` the new `site` in one step where the kernel allows; the old site is removed after."""
    if not os.path.lexists(site):
        change(f"rename {staging.name} site")
        os.rename(staging, site)
        return
    if _exchange(staging, site):
        _remove(staging)  # now holds the previous site
        return
    # No atomic exchange on this file system: two renames, and recover_site()
    # puts the previous site back if a kill lands between them.
    old = root / f"{_PREFIX}old-{os.getpid()}"
    change(f"rename site {old.name}")
    os.rename(site, old)
    change(f"rename {staging.name} site")
    os.rename(staging, site)
    _remove(old)


def recover_site(root: Path) -> None:
    """Undo what a killed run left: a missing site/ gets its previous build back; leftover builds are removed."""
    leftovers = sorted(p for p in root.iterdir() if p.name.startswith(_PREFIX))
    site = root / "site"
    if not os.path.lexists(site):
        previous = [p for p in leftovers if p.name.startswith(f"{_PREFIX}old-") and p.is_dir() and not p.is_symlink()]
        if previous:
            change(f"rename {previous[-1].name} site")
            os.rename(previous[-1], site)
            leftovers.remove(previous[-1])
    for path in leftovers:
        _remove(path)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    change(f"exchange {first.name} site")
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _remove(path: Path) -> None:
    """Delete a build folder of ours; a link is unlinked, never followed."""
    if path.is_symlink() or path.is_file():
        change(f"unlink {path.name}")
        path.unlink()
    elif path.is_dir():
        change(f"rmtree {path.name}")
        shutil.rmtree(path, ignore_errors=True)


def _die_with_parent(parent: int) -> None:
    # A build killed with -9 takes its MkDocs child with it, so no orphan keeps
    # writing into a staging folder the next run is removing.
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # killed between the fork and the line above: no signal will come
            os._exit(1)
