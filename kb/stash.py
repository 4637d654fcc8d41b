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


def write(path: Path, payload: bytes) -> None:
    """payload, with its digest in front, into `path` via a temporary file; a failure only costs time."""
    digest = hashlib.blake2b(payload, digest_size=DIGEST).digest()
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
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
