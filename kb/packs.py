"""The cache's entries on disk, many to a file: packs written whole (kb/stash.py), read whole, pruned and merged as entries fall out of use.

A pack holds the pickled entries one build computed, at most PACK_ENTRIES of
them, under a name made of the build's base key and a digest of the pack's
keys. Only packs of the current base are read. A torn or garbled pack reads as
missing (its entries are computed again); a pack none of whose entries a build
used is deleted, and packs mostly made of entries no longer used, or too
small, are merged into a new one, so the folder holds about as many bytes as
the entries in use and about PACK_ENTRIES times fewer files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

from kb import stash

SUFFIX = ".pack"
# Entries per pack. Every file created costs the kernel a new inode and a directory entry,
# and under a steady stream of writes (a build from nothing writes some 250 MB at 5,000
# articles) a file's creation can wait for the file system's journal: 5,000 files of one
# entry took 0.35 s to write on a quiet disk and 4.2 s on a busy one, 20 packs of 250
# 0.15-0.16 s either way (benchmarks/RESULTS.md). The tagging workers hand back runs of
# this many articles (kb/stages.py RUN).
PACK_ENTRIES = 250
# A pack whose entries in use fell to less than this share of what it holds is merged
# into a new pack at the end of the build (its bytes are mostly dead).
LIVE_SHARE = 0.5
# Builds after small edits each leave a pack of one entry or a few: beyond this many packs
# of fewer than SMALL entries, the smallest are merged, at most PACK_ENTRIES entries per build.
SMALL = 32
SMALL_PACKS = 16
_FORMAT = b"kb-pack-1"


class Packs:
    """The pack files of one cache folder: which keys each holds, and the payloads read and not taken yet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.torn = 0  # packs this build found torn, garbled or of another format (a missing one is not torn)
        self._base = b""
        self._keys: dict[str, frozenset[bytes]] = {}  # pack name -> its keys (the packs of the current base)
        self._where: dict[bytes, str] = {}  # key -> the pack holding it
        self._payloads: dict[bytes, bytes] = {}  # key -> its pickled entry, read in this build and not taken yet
        self._opened: set[str] = set()  # packs read in this build
        self._listed = False  # whether this build looked for packs it did not know
        self._pending: dict[bytes, bytes] = {}  # key -> payload, computed in this build, written by finish()
        self._torn: set[str] = set()  # packs of the current base that could not be read: deleted by finish()
        self._rejected: set[str] = set()  # packs that gave a damaged entry: merged by finish()

    def begin(self, base: bytes) -> None:
        """Start a build whose entries are keyed under `base` (packs of another base are never read)."""
        if base != self._base:
            self._keys, self._where, self._base = {}, {}, base
        self.torn = 0
        self._payloads, self._opened, self._listed, self._pending, self._torn, self._rejected = {}, set(), False, {}, set(), set()

    def get(self, key: bytes) -> bytes | None:
        """The pickled entry stored under `key`, or None; a pack is read once a build, when first needed (and again if finish() merges it)."""
        holder = self._where.get(key)
        if holder is not None and holder not in self._opened:
            self._open(holder)
        if key not in self._payloads and not self._listed:
            # A key no pack known holds (or one since gone): look once for packs another build wrote.
            self._listed = True
            names = set(self._names(self._base))
            for gone in set(self._keys) - names:
                self._forget(gone)
            for new in sorted(names - set(self._keys) - self._opened):
                self._open(new)
        return self._payloads.pop(key, None)

    def reject(self, key: bytes) -> None:
        """The entry get() gave for `key` was damaged or filed under another key: finish() merges its pack away, with the entry computed again."""
        holder = self._where.get(key)
        if holder is not None:
            self._rejected.add(holder)

    def _open(self, name: str) -> None:
        self._opened.add(name)
        path = self.folder / name
        found = _read(path)
        if found is None:
            self._forget(name)
            if path.exists():  # (a pack another process merged away since is not damaged)
                self.torn += 1
                self._torn.add(name)
            return
        self._keys[name] = frozenset(found)
        self._where.update(dict.fromkeys(found, name))
        self._payloads.update(found)

    def _forget(self, name: str) -> None:
        for key in self._keys.pop(name, ()):
            if self._where.get(key) == name:
                del self._where[key]

    def add(self, key: bytes, payload: bytes) -> None:
        """An entry computed in this build, written by finish()."""
        self._pending[key] = payload

    def finish(self, used: set[bytes]) -> None:
        """Write this build's new entries as packs; delete the torn and other bases' packs; merge away the small, the mostly unused and the damaged."""
        merge: list[str] = []
        for name, keys in sorted(self._keys.items()):
            live = len(keys & used)
            if live == 0 or live < LIVE_SHARE * len(keys) or name in self._rejected:
                merge.append(name)
        small = sorted((len(keys), name) for name, keys in self._keys.items() if name not in merge and len(keys) < SMALL)
        if len(small) > SMALL_PACKS:
            total = 0
            for size, name in small:
                if total + size > PACK_ENTRIES:
                    break
                merge.append(name)
                total += size
        carried = self._carry(merge, used)
        fresh = {key: payload for key, payload in self._pending.items() if key in used}
        self._pending, self._payloads = {}, {}
        entries = sorted({**carried, **fresh}.items())
        written = [self._write(entries[start : start + PACK_ENTRIES]) for start in range(0, len(entries), PACK_ENTRIES)]
        # A pack just written can bear an old one's name (the same keys): it is the new one, kept.
        # If a pack could not be written, the packs it was to replace stay: nothing is lost.
        doomed = self._torn if None in written else set(merge) | self._torn
        for name in sorted(doomed - set(written)):
            self._delete(name)
        self._torn, self._rejected = set(), set()
        for name in self._names(None):
            if not name.startswith(self._prefix(self._base)):
                self._delete(name)

    def _carry(self, names: Iterable[str], used: set[bytes]) -> dict[bytes, bytes]:
        """The payloads in use of packs about to be merged, read again from disk (a pack that since went missing carries nothing)."""
        carried: dict[bytes, bytes] = {}
        for name in names:
            if not self._keys[name] & used:
                continue
            found = _read(self.folder / name) or {}
            carried.update((key, payload) for key, payload in found.items() if key in used)
        return carried

    def _write(self, entries: list[tuple[bytes, bytes]]) -> str | None:
        """Write one pack; its name, or None if it could not be written."""
        digest = hashlib.blake2b(digest_size=16)
        for key, _ in entries:
            digest.update(key)
        name = f"{self._prefix(self._base)}{digest.hexdigest()}{SUFFIX}"
        if not stash.write(self.folder / name, pickle.dumps((_FORMAT, entries), protocol=pickle.HIGHEST_PROTOCOL)):
            return None
        self._keys[name] = frozenset(key for key, _ in entries)
        self._where.update(dict.fromkeys(self._keys[name], name))
        return name

    def _delete(self, name: str) -> None:
        self._forget(name)
        with contextlib.suppress(OSError):
            (self.folder / name).unlink(missing_ok=True)

    def _names(self, base: bytes | None) -> list[str]:
        """The pack files in the folder (of `base` only, unless None)."""
        prefix = self._prefix(base) if base is not None else ""
        try:
            with os.scandir(self.folder) as found:
                return [e.name for e in found if e.name.endswith(SUFFIX) and e.name.startswith(prefix) and e.is_file(follow_symlinks=False)]
        except OSError:
            return []

    @staticmethod
    def _prefix(base: bytes) -> str:
        return f"{base.hex()[:32]}-"


def _read(path: Path) -> dict[bytes, bytes] | None:
    """A pack's entries by key, or None when it is missing, torn, garbled or of another format."""
    payload = stash.read(path)
    if payload is None:
        return None
    try:
        form, entries = pickle.loads(payload)
        if form != _FORMAT:
            return None
        return {key: data for key, data in entries if isinstance(key, bytes) and isinstance(data, bytes)}
    except Exception:  # damaged, or written by another version of the code
        return None
