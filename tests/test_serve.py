"""The preview loop with the real `mkdocs serve --dirty`: one save, one build; a bad source is reported and the server keeps serving."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import CASES

pytestmark = pytest.mark.slow
ARTICLE = "2014-06-stockholm-talks"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Preview:
    """A running `mkdocs serve --dirty` on a project copy, and what it has printed so far."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = _free_port()
        self.log = project / "serve.log"
        handle = self.log.open("wb")
        env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "KB_PREVIEW")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
        handle.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=20) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def wait(self, condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"mkdocs serve stopped:\n{self.output()}"
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def settle(self, seconds: float = 3.0) -> None:
        """Let the watcher see anything the last build wrote (it polls every half second)."""
        time.sleep(seconds)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def preview(project_factory: Callable[..., Path]) -> Iterator[Preview]:
    project = project_factory("serve", sources=CASES / "collections" / "tiny")
    server = Preview(project)
    try:
        server.wait(lambda: "Serving on" in server.output() and server.get("")[0] == 200, "the first build")
        yield server
    finally:
        server.stop()


def _page(preview: Preview) -> str:
    return preview.get(f"articles/{ARTICLE}/")[1]


def _save(path: Path, text: str) -> None:
    """Save as an editor does, in one step: the watcher must not see a half-written file as a second change."""
    root = next(p for p in path.parents if (p / "mkdocs.yml").exists())
    temp = root / f".{path.name}.saving"  # outside every watched folder
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _add_paragraph(path: Path, words: str) -> None:
    _save(path, path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{words}\n")


def test_one_save_gives_one_build_and_the_page_shows_the_change(preview: Preview) -> None:
    preview.settle()
    assert preview.output().count("Building documentation") == 1
    source = preview.project / "sources" / f"{ARTICLE}.md"
    _add_paragraph(source, "A sentence added while the preview runs, about the abductions.")
    preview.wait(lambda: "A sentence added while the preview runs" in _page(preview), "the edited page")
    preview.settle()
    out = preview.output()
    assert out.count("Detected file changes") == 1, out
    assert out.count("Building documentation") == 2, out
    assert out.count("Reloading browsers") == 1, out


def test_a_bad_source_is_reported_line_by_line_and_the_server_recovers(preview: Preview) -> None:
    sources = preview.project / "sources"
    good = (sources / f"{ARTICLE}.md").read_text(encoding="utf-8")
    _save(sources / f"{ARTICLE}.md", good.replace('date: "2014-06"', 'date: "2014-13"'))
    other = sources / "2024-kishida-summit-hopes.md"
    _save(other, other.read_text(encoding="utf-8").replace("---\ntitle:", "---\ncolour: blue\ntitle:", 1))
    preview.wait(lambda: "Aborted with 2 errors in 2 files" in preview.output(), "the problems")
    lines = preview.output().splitlines()
    # Each problem on a line of its own, exactly as `build_kb.py check` prints it.
    assert any(re.fullmatch(rf"sources/{ARTICLE}\.md:\d+: date: .*2014-13.*", line) for line in lines), lines
    assert any(re.fullmatch(r"sources/2024-kishida-summit-hopes\.md:2: colour: unknown field.*", line) for line in lines), lines
    assert "Traceback" not in preview.output()
    # The server still answers, with the last good pages.
    status, page = preview.get(f"articles/{ARTICLE}/")
    assert status == 200 and "Talks in Stockholm" in page
    assert preview.get("")[0] == 200
    # Fixed (and edited): the preview comes back with the change.
    _save(sources / f"{ARTICLE}.md", good.rstrip("\n") + "\n\nWritten after the fix.\n")
    _save(other, other.read_text(encoding="utf-8").replace("colour: blue\n", ""))
    preview.wait(lambda: "Written after the fix." in _page(preview), "the fixed page")
    assert preview.process.poll() is None


def test_an_edit_of_the_generator_code_is_picked_up_in_one_build(preview: Preview) -> None:
    preview.settle()
    module = preview.project / "kb" / "pages" / "article.py"
    _save(
        module,
        module.read_text(encoding="utf-8") + "\n\n_unedited_article_page = article_page\n\n\n"
        "def article_page(plan, tagged):  # type: ignore[no-redef]\n"
        '    return _unedited_article_page(plan, tagged) + "\\n\\nWritten by the edited generator.\\n"\n',
    )
    preview.wait(lambda: "Written by the edited generator." in _page(preview), "the page from the new code")
    preview.settle()
    out = preview.output()
    assert out.count("Building documentation") == 2, out
    assert out.count("Detected file changes") == 1, out  # no bytecode written into the watched kb/


def test_an_edited_template_override_shows_in_the_next_build(preview: Preview) -> None:
    # The preview keeps compiled templates between builds: an edited one must be compiled again.
    # (Templates are not watched: the next save of a source rebuilds its page with the new one.)
    preview.settle()
    source = preview.project / "sources" / f"{ARTICLE}.md"
    _add_paragraph(source, "Saved before the template changed.")
    preview.wait(lambda: "Saved before the template changed." in _page(preview), "the first save")
    template = preview.project / "overrides" / "main.html"
    _save(template, template.read_text(encoding="utf-8").replace("{% block content %}\n", "{% block content %}\n  <p>Edited override.</p>\n", 1))
    _add_paragraph(source, "Saved after the template changed.")
    preview.wait(lambda: "Saved after the template changed." in _page(preview), "the second save")
    assert "Edited override." in _page(preview)
