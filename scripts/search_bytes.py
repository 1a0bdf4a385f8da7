"""Measure what a reader downloads to open a claim page and run one search, in Chromium.

    python scripts/search_bytes.py SITE [--page claims/<id>/] [--query WORD] [--json]

Serves the built site folder SITE on a loopback port, opens the page in Debian's
Chromium (Playwright, /usr/bin/chromium), types the query into the header's
search box and waits for the results.  Counts the bytes of every response body
(as served, uncompressed), split into the page's own load and the search, and
leaves out the theme's assets (Material's scripts, stylesheets and images under
assets/javascripts/, assets/stylesheets/, assets/images/, which the browser
caches across the site).  With no --page, the first claim page in the site is
used; with no --query, a word of that page's title.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import sys
import threading
from pathlib import Path

THEME = re.compile(r"^assets/(javascripts|stylesheets|images)/")
CHROMIUM = os.environ.get("KCR_CHROMIUM", "/usr/bin/chromium")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(site: Path, page: str, query: str) -> dict:
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    got: list[tuple[str, int]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_context().new_page()

            def on_response(response):
                try:
                    got.append((response.url[len(base):], len(response.body())))
                except Exception:
                    got.append((response.url[len(base):], 0))

            tab.on("response", on_response)
            tab.goto(base + page)
            tab.wait_for_load_state("networkidle")
            loaded = len(got)
            tab.fill("input.md-search__input", query)
            tab.locator(".md-search-result__item a").first.wait_for(timeout=60_000)
            tab.wait_for_load_state("networkidle")
            hits = tab.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
            browser.close()
    finally:
        httpd.shutdown()
    own = [(u, n) for u, n in got if not THEME.match(u.split("?")[0])]
    page_bytes = sum(n for u, n in got[:loaded] if not THEME.match(u.split("?")[0]))
    search_bytes = sum(n for u, n in got[loaded:] if not THEME.match(u.split("?")[0]))
    return {"page": page, "query": query, "page_bytes": page_bytes, "search_bytes": search_bytes,
            "total_bytes": page_bytes + search_bytes, "results": len(hits), "first_result": hits[0][len(base):] if hits else "",
            "theme_bytes": sum(n for u, n in got if THEME.match(u.split("?")[0])),
            "requests": [[u, n] for u, n in own]}


def first_claim(site: Path) -> tuple[str, str]:
    for path in sorted((site / "claims").glob("*/index.html")):
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a redirect from a former id
        title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        words = re.findall(r"[A-Za-z]{6,}", re.sub(r"<[^>]+>", " ", title.group(1) if title else ""))
        return f"claims/{path.parent.name}/", (words[-1] if words else "kratom")
    raise SystemExit(f"{site}: no claim pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--page")
    parser.add_argument("--query")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    page, query = first_claim(args.site)
    result = measure(args.site, args.page or page, args.query or query)
    if args.json:
        print(json.dumps(result))
    else:
        for url, n in result["requests"]:
            print(f"{n:>10,}  {url}")
        print(f"{result['page']}: page {result['page_bytes'] / 1024:,.1f} KB + search for "
              f"'{result['query']}' {result['search_bytes'] / 1024:,.1f} KB = {result['total_bytes'] / 1024:,.1f} KB "
              f"(theme assets left out: {result['theme_bytes'] / 1024:,.1f} KB); {result['results']} results, "
              f"first {result['first_result']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
