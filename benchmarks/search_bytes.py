"""What the site's search downloads: bytes fetched in Chromium on a page view, and up to a query's first results.

    .venv/bin/python benchmarks/search_bytes.py SITE_DIR [QUERY ...]

serves SITE_DIR on 127.0.0.1, opens its home page in Debian's /usr/bin/chromium, types each
query (in a fresh page) into the search box and waits for the results. Every response is
counted as its gzip size (level 6, what a static host sends; Pagefind's own files are
already compressed and are counted as they are). Prints one JSON object per query.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# What researchers of the field type: names of administrations, people and authors, themes in
# one, two and three words, a year, and Japanese and Korean names.
QUERIES = (
    "Kishida", "Abe", "Takaichi", "Kim Jong Un", "Megumi Yokota", "Watanabe",
    "abductions", "sanctions", "summit", "Stockholm agreement", "liaison offices", "nuclear missile",
    "normalization talks", "Koizumi Pyongyang", "2014", "拉致", "납치", "김정은",
)  # fmt: skip


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _wire_bytes(body: bytes) -> int:
    """Bytes on the wire: gzip level 6, unless the file is gzip already (a host would not compress it again)."""
    return len(body) if body[:2] == b"\x1f\x8b" else len(gzip.compress(body, compresslevel=6, mtime=0))


def _file_bytes(site: Path, base: str, url: str) -> int:
    """Wire bytes of the file a URL of the served site names (0 for anything else)."""
    path = url.removeprefix(base).split("?", 1)[0].split("#", 1)[0].lstrip("/")
    target = site / path
    if target.is_dir():
        target = target / "index.html"
    return _wire_bytes(target.read_bytes()) if target.is_file() else 0


def _is_code(url: str) -> bool:
    """Pagefind's scripts and WebAssembly, as opposed to the index, filters and page fragments."""
    return _part(url) == "code"


def _part(url: str) -> str:
    """What a fetched file of the bundle is: code, meta (page list), index, filter, fragment or other."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    if name.endswith(".js") or name.startswith("wasm."):
        return "code"
    for part in ("meta", "index", "filter", "fragment"):
        if name.endswith(f".pf_{part}"):
            return part
    return "other"


def measure(site: Path, queries: tuple[str, ...] = QUERIES) -> list[dict[str, Any]]:
    """For each query: bytes fetched by the page view alone, and for the search up to its first results."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    out = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                fetched: list[tuple[str, int]] = []
                # On the context, not the page: Pagefind fetches from a web worker too. Sizes are
                # read from the served files (a response body is not always available to Playwright).
                context.on("request", lambda request, fetched=fetched: fetched.append((request.url, _file_bytes(site, base, request.url))))
                page.goto(base + "/")
                page.wait_for_load_state("networkidle")
                viewed = len(fetched)
                box = page.locator(".md-search__input")
                box.click()
                box.fill(query)
                # The first results are all shown: as many as were found, or a "more" button after them.
                page.wait_for_function(
                    "() => { const meta = document.querySelector('.md-search-result__meta').textContent.trim();"
                    " const found = /^(\\d+|No) matching page/.exec(meta); if (!found) return false;"
                    " const total = found[1] === 'No' ? 0 : Number(found[1]);"
                    " const shown = document.querySelectorAll('.md-search-result__item:not(.kb-search-more)').length;"
                    " return shown === total || !!document.querySelector('.kb-search-more'); }"
                )
                page.wait_for_load_state("networkidle")
                search = [(url, size) for url, size in fetched[viewed:]]
                out.append({
                    "query": query,
                    "page_view_search_bytes": sum(size for url, size in fetched[:viewed] if "/pagefind/" in url),
                    "first_query_bytes": sum(size for _, size in search),
                    "first_query_code_bytes": sum(size for url, size in search if _is_code(url)),
                    "first_query_files": len(search),
                    "by_part": {part: sum(size for url, size in search if _part(url) == part) for part in sorted({_part(url) for url, _ in search})},
                    "results": page.locator(".md-search-result__meta").inner_text().strip(),
                    "largest": sorted(((size, url.removeprefix(base)) for url, size in search), reverse=True)[:5],
                })
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=list(QUERIES))
    args = parser.parse_args()
    for row in measure(args.site, tuple(args.queries)):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
