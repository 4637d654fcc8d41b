"""Built site -> its search bundle: Pagefind's extended build (from the pagefind-bin-extended wheel), made byte-reproducible."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from kb import cbor

BUNDLE = "pagefind"  # folder of the search bundle inside the built site

# What Pagefind indexes: the page's article, less the links around the text that
# would make every page match every tag name (paragraph tags, permalinks).
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE_SELECTORS = (".kb-ptags", ".headerlink", ".kb-permalink", ".kb-filters")

_SIGNATURE = b"pagefind_dcd"  # every Pagefind binary file starts with it once decompressed


class SearchIndexError(Exception):
    """Pagefind is missing, failed, or wrote files this code does not understand."""


def executable() -> Path:
    """The Pagefind binary of the installed wheel; the extended build, which segments Japanese and Chinese."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise SearchIndexError(
            "the pagefind-bin-extended package is missing: run `make .venv/.installed` "
            "(or `pip install -r requirements.txt -c constraints.txt`)"
        ) from None
    path: Path = get_executable()
    return path


def pagefind_command(site: Path) -> list[str]:
    """The command that writes the search bundle of a built site into <site>/pagefind/ (the command to run by hand)."""
    command = [str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--root-selector", ROOT_SELECTOR, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def index_site(site: Path, output: Path | None = None) -> Path:
    """Index the built site into `output` (by default <site>/pagefind/, replacing any older bundle); returns it."""
    bundle = output or site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # a rebuild must not keep stale chunks
    command = pagefind_command(site)
    command[command.index("--output-subdir") : command.index("--output-subdir") + 2] = ["--output-path", str(bundle)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-3000:]
        raise SearchIndexError(f"Pagefind failed on {site} (exit {result.returncode}):\n{detail}")
    normalise(bundle)
    return bundle


def replace_bundle(site: Path, fresh: Path) -> None:
    """Put a bundle built elsewhere in place of <site>/pagefind/ (a served site keeps a whole bundle at all times but an instant)."""
    target = site / BUNDLE
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    shutil.move(str(fresh), str(target))
    shutil.rmtree(old, ignore_errors=True)


# --- reproducible bytes ----------------------------------------------------------------
# Pagefind 1.5 writes each filter's values, and the list of filters, in hash-map order,
# which changes from run to run (the rest of the bundle is already reproducible). The
# values are put in sorted order here, and the files renamed after their new contents.


def _read(path: Path) -> cbor.Value:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind file (no signature); is this the Pagefind version of constraints.txt?")
    return cbor.loads(data[len(_SIGNATURE) :])


def _write(path: Path, value: cbor.Value) -> None:
    path.write_bytes(gzip.compress(_SIGNATURE + cbor.dumps(value), compresslevel=9, mtime=0))


def _digest(value: cbor.Value, length: int) -> str:
    return hashlib.sha256(cbor.dumps(value)).hexdigest()[:length]


def _pair(item: cbor.Value, where: Path) -> tuple[str, cbor.Value]:
    """A [text, value] pair of a Pagefind file, or an error naming the file."""
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise SearchIndexError(f"{where}: unexpected layout; is this the Pagefind version of constraints.txt?")
    return item[0], item[1]


def normalise(bundle: Path) -> None:
    """Rewrite the bundle's filter files and their index in an order independent of the run."""
    entry_path = bundle / "pagefind-entry.json"
    text = entry_path.read_text(encoding="utf-8")
    for language, info in sorted(json.loads(text)["languages"].items()):
        old_hash = info["hash"]
        meta_path = bundle / f"pagefind.{old_hash}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise SearchIndexError(f"{meta_path}: unexpected layout; is this the Pagefind version of constraints.txt?")
        filters: list[cbor.Value] = []
        for name, file_hash in (_pair(item, meta_path) for item in meta[3]):
            old = bundle / "filter" / f"{file_hash!s}.pf_filter"
            filter_name, values = _pair(_read(old), old)
            if not isinstance(values, list):
                raise SearchIndexError(f"{old}: unexpected layout; is this the Pagefind version of constraints.txt?")
            content: cbor.Value = [filter_name, sorted(values, key=lambda item: _pair(item, old)[0])]
            new_hash = f"{language}_{_digest(content, 7)}"
            old.unlink()
            _write(bundle / "filter" / f"{new_hash}.pf_filter", content)
            filters.append([name, new_hash])
        meta[3] = sorted(filters, key=lambda item: _pair(item, meta_path)[0])
        new_hash = f"{language}_{_digest(meta, 10)}"
        meta_path.unlink()
        _write(bundle / f"pagefind.{new_hash}.pf_meta", meta)
        if f'"hash":"{old_hash}"' not in text:
            raise SearchIndexError(f"{entry_path}: no hash {old_hash!r}; is this the Pagefind version of constraints.txt?")
        text = text.replace(f'"hash":"{old_hash}"', f'"hash":"{new_hash}"')
    entry_path.write_text(text, encoding="utf-8")
