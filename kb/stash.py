"""The generator's own files outside docs/ (packs of cache entries, page records): written whole or not at all, read back only when whole.

Each file holds a digest of its payload in front of it, and is written to a
temporary file renamed into place; a torn, truncated or garbled file reads as
missing. Losing one only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

DIGEST = 32
# A temporary file older than this was left by a write that was cut short; a younger one
# may be another process's write in progress, which deleting it would make fail.
ABANDONED_S = 600.0


def _own() -> str:
    """How the names of this process's temporary files end."""
    return f".{os.getpid()}.tmp"


def temporary(name: str, age_s: float) -> bool:
    """Whether `name` is a temporary file of write() this process owns, or one a write left `age_s` seconds ago (no write takes that long)."""
    return name.endswith(_own()) or (name.endswith(".tmp") and age_s > ABANDONED_S)


def read(path: Path) -> bytes | None:
    """The payload of a whole file written by write(), or None (missing, unreadable, torn or garbled)."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    digest, payload = blob[:DIGEST], blob[DIGEST:]
    if len(blob) <= DIGEST or hashlib.blake2b(payload, digest_size=DIGEST).digest() != digest:
        return None
    return payload


def write(path: Path, payload: bytes) -> bool:
    """payload, with its digest in front, into `path` via a temporary file; whether it was written (a failure only costs time)."""
    digest = hashlib.blake2b(payload, digest_size=DIGEST).digest()
    temp = path.with_name(f".{path.name}{_own()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            # Two writes, not digest + payload: a payload of tens of MB (kb/keeper.py's lines) is not copied.
            handle.write(digest)
            handle.write(payload)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    return True
