"""In-process memos: what a long-lived process (mkdocs serve) keeps between builds, and forgets on request.

Each memo holds values of the last build so that the next one, after a save, redoes
only what changed. A one-shot build forgets them once its pages are written, so
that MkDocs and the search indexer have the memory (kb.build.forget).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable

_FORGET: list[Callable[[], None]] = []


def kept(forget: Callable[[], None]) -> None:
    """Register how to empty one memo."""
    _FORGET.append(forget)


def forget() -> None:
    """Empty every memo: the next build computes everything again (the same bytes, more slowly)."""
    for one in _FORGET:
        one()


def give_back() -> None:
    """Return the memory freed since to the operating system, where the C library can (glibc's malloc_trim)."""
    # Freed Python objects leave the process's heap as large as it was; the search
    # indexer that runs next is then measured, and run, on top of it.
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
