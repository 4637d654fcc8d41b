"""MkDocs hooks: run the generator before each build, sanitise generated pages after rendering.

In `mkdocs serve` the hook also keeps the preview loop at one build per save:
the generated folders are not watched (the generator writes them during the
build, and watching them made every save build twice), and the generator's
modules are imported again when its code changed.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of the package
    sys.path.insert(0, str(ROOT))


def _kb(module: str) -> Any:
    """A module of the generator, as currently loaded."""
    return importlib.import_module(module)


def _forget_changed_generator() -> None:
    # `mkdocs serve` loads this hook once, and Python keeps the kb modules it
    # imported first: without this, an edit of the generator would be watched,
    # rebuilt with the old code, and cached under the new code's hash.
    loaded = sys.modules.get("kb.cache")
    if loaded is not None and loaded.code_hash() != loaded.LOADED_CODE:
        for name in [n for n in sys.modules if n == "kb" or n.startswith("kb.")]:
            del sys.modules[name]


# A date given by whoever runs the build wins; otherwise each build (including
# each `mkdocs serve` reload) stamps the sitemap with the newest article's date.
_EPOCH_GIVEN = "SOURCE_DATE_EPOCH" in os.environ
# MkDocs warns on every dirty build; in the preview the hook regenerates every page
# whose inputs changed before MkDocs looks at modification times, so the warning
# says nothing the author can act on (and would stop a `strict` preview).
_DIRTY_WARNING = "A 'dirty' build is being performed"
_PREVIEW = {"on": False, "warm": False}  # whether this process is `mkdocs serve`, and its generator warmed up


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)


def on_startup(command: str, dirty: bool, **_: object) -> None:
    """In the preview, no bytecode files are written into the watched kb/ folder."""
    if command == "serve":
        _PREVIEW["on"] = True
        sys.dont_write_bytecode = True
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())


def on_serve(server: Any, config: MkDocsConfig, **_: object) -> Any:
    """Watch the hand-written parts of docs/, not what the generator writes during each build (one save, one build)."""
    docs = Path(config.docs_dir)
    server.unwatch(str(docs))
    # The generated folders, and the writer's hidden journal, lock and manifest at
    # the top of docs/ (MkDocs never builds hidden files), change during every
    # build. A hand-written page added at the top of docs/ is seen after a restart.
    for child in sorted(docs.iterdir()):
        if not child.name.startswith(".") and child.name not in _kb("kb.pages").OWNED:
            server.watch(str(child))
    return server


class _Compiled(jinja2.BytecodeCache):
    """The theme's compiled templates, kept in memory between the builds of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


def on_env(env: jinja2.Environment, **_: object) -> jinja2.Environment:
    """In the preview, templates are compiled once, not on every build (MkDocs makes a new environment each time).

    Jinja keys each entry by the template's name and a checksum of its source, so an
    edited template (an override) is compiled again.
    """
    if _PREVIEW["on"]:
        env.bytecode_cache = _COMPILED
    return env


def on_pre_build(config: MkDocsConfig) -> None:
    """Regenerate docs/ from sources/, taxonomy.yml and entities.yml (only changed files are written)."""
    _forget_changed_generator()
    build, problems = _kb("kb.build"), _kb("kb.problems")
    project = build.Project(Path(config.config_file_path).resolve().parent)
    try:
        inputs = build.check(project)
        if not _EPOCH_GIVEN:
            os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch(inputs.articles)
        # The first build of a preview renders the collection-wide pages even where they
        # are unchanged, so that what they keep in memory serves the first save already.
        build.publish(project, inputs, warm=_PREVIEW["on"] and not _PREVIEW["warm"])
        _PREVIEW["warm"] = _PREVIEW["on"]
        if not _PREVIEW["on"]:
            build.forget()  # a one-shot build: MkDocs and the search indexer get the memory
    except problems.InputError as err:
        # One problem per line, as `build_kb.py check` prints them: MkDocs' log
        # would indent and wrap them to the terminal's width.
        for problem in err.problems:
            print(problem.format(), file=sys.stderr)
        if not _PREVIEW["on"]:
            sys.stderr.flush()
            raise PluginError(str(err)) from None
        # In the preview a failed build would leave the server waiting, page requests
        # unanswered, until the next good one; instead the build goes on with the
        # pages of the last good generation, which the generator left untouched.
        print(f"{err} The preview shows the last good build; fix the lines above and save.", file=sys.stderr)
        sys.stderr.flush()


def on_page_content(html: str, page: Page, **_: object) -> str:
    """Last line of defence: generated pages lose anything that could run as script."""
    if page.file.src_uri.split("/", 1)[0] in _kb("kb.pages").OWNED:
        return str(_kb("kb.sanitize").sanitize(html))
    return html
