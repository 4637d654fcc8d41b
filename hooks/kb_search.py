"""MkDocs hook: index the built site with Pagefind after every build, `mkdocs serve` rebuilds included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))

from kb.search import pagefind_command  # noqa: E402


def on_post_build(config: MkDocsConfig) -> None:
    """Write the search bundle into <site>/pagefind/ (the site's HTML is read, not changed)."""
    try:
        command = pagefind_command(Path(config.site_dir))
    except ImportError as err:
        raise PluginError(f"search: {err}") from None
    # The indexer's own output goes to the terminal only when it fails, so a
    # `--strict` build stays silent and its log readable.
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-3000:]
        raise PluginError(f"search: Pagefind failed on {config.site_dir} (exit {result.returncode}):\n{detail}")
