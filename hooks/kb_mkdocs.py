"""MkDocs hooks: run the generator before each build, sanitise generated pages after rendering."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))

from kb.build import Project, generate  # noqa: E402
from kb.pages import OWNED  # noqa: E402
from kb.problems import InputError  # noqa: E402
from kb.sanitize import sanitize  # noqa: E402


def on_pre_build(config: MkDocsConfig) -> None:
    """Regenerate docs/ from sources/ and taxonomy.yml (only changed files are written)."""
    try:
        generate(Project(Path(config.config_file_path).resolve().parent))
    except InputError as err:
        messages = "\n".join(problem.format() for problem in err.problems)
        raise PluginError(f"{messages}\n{err}") from None


def on_page_content(html: str, page: Page, **_: object) -> str:
    """Last line of defence: generated pages lose anything that could run as script."""
    if page.file.src_uri.split("/", 1)[0] in OWNED:
        return sanitize(html)
    return html
