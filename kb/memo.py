"""In-process memos: what a long-lived process (mkdocs serve) keeps between builds, and forgets on request.

Each memo holds values of the last build so that the next one, after a save, redoes
only what changed. A one-shot build forgets them once its pages are written, so
that MkDocs and the search indexer have the memory (kb.build.forget).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable, Iterator

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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a build without the cyclic garbage collector (restored as it was afterwards)."""
    # A build allocates millions of objects and makes no reference cycles to speak of
    # (gc.get_stats() counts none collected), yet each full collection walks the
    # whole heap: in a preview process holding 5,000 articles, that was a third
    # of a save's time. Reference counting still frees everything as usual.
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            # Everything the build allocated is still in the youngest generation, and the
            # first collection after enabling would walk all of it (0.2 s per pause, twice,
            # in a fresh process at 5,000 articles). Freezing and unfreezing moves every
            # tracked object into the oldest generation at once: full collections, which
            # run rarely, still look at them, and nothing else changes.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
