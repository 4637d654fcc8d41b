"""MkDocs hooks: run the generator before each build, sanitise generated pages after rendering."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))

from kb.build import Project, check, publish, source_date_epoch  # noqa: E402
from kb.pages import OWNED  # noqa: E402
from kb.problems import InputError  # noqa: E402
from kb.sanitize import sanitize  # noqa: E402

# A date given by whoever runs the build wins; otherwise each build (including
# each `mkdocs serve` reload) stamps the sitemap with the newest article's date.
_EPOCH_GIVEN = "SOURCE_DATE_EPOCH" in os.environ


def on_pre_build(config: MkDocsConfig) -> None:
    """Regenerate docs/ from sources/, taxonomy.yml and entities.yml (only changed files are written)."""
    project = Project(Path(config.config_file_path).resolve().parent)
    try:
        inputs = check(project)
        if not _EPOCH_GIVEN:
            os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(inputs.articles)
        publish(project, inputs)
    except InputError as err:
        messages = "\n".join(problem.format() for problem in err.problems)
        raise PluginError(f"{messages}\n{err}") from None


def on_page_content(html: str, page: Page, **_: object) -> str:
    """Last line of defence: generated pages lose anything that could run as script."""
    if page.file.src_uri.split("/", 1)[0] in OWNED:
        return sanitize(html)
    return html
