"""The site search: a Pagefind index, split into small chunks that a reader's browser fetches only when searching.

Material's own search plugin writes one index of every page, which every page
downloads as it opens (13 MB at 5,000 claims).  Pagefind writes an index split
by word, and page excerpts split by page, into ``assets/pagefind/`` of the
built site; ``docs/assets/kcr-search.js`` loads it when the reader first uses
the search box in the header, and fetches only the chunks a query needs.

Only pages whose content carries ``data-pagefind-body`` are indexed (the hook
marks every page but the listing pages, whose every item has its own page).
The index is written by the ``pagefind`` binary (PyPI: ``pagefind[bin]``);
nothing is fetched from the network.  Files of Pagefind's own ready-made
interfaces, which the site does not use, are removed, so that every script in
the site is the theme's or named in the allow-list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OUTPUT = "assets/pagefind"
# what the site uses of Pagefind's output: its search library (run in the page: no worker), the WebAssembly for English,
# the entry and metadata files, and the index and excerpt chunks
KEEP = ("pagefind.js", "pagefind-entry.json", "wasm.en.pagefind", "index", "fragment")
KEEP_SUFFIXES = (".pf_meta",)
# listing pages: not indexed (every claim and reference they list has its own page), nor their further pages
LISTING_PAGES = ("claims/index.md", "references/index.md", "evidence/index.md", "coverage/index.md")
BODY = 'class="md-content__inner md-typeset"'
# the pages Pagefind reads: hand-written pages, claims and references. Not the search logs and second reviews
# (research/): each is linked from its claim page, and at 5,000 claims they would add 8,800 pages to the
# index (Pagefind's memory 2.4 -> 3.3 GB, the metadata every search loads 104 -> 160 KB). The listing pages
# are read but not indexed (no data-pagefind-body).
GLOB = "{index.html,*/index.html,claims/*/index.html,references/*/index.html}"


class SearchIndexError(Exception):
    """Pagefind could not write the index; the message says why."""


def is_listing(src_uri: str) -> bool:
    """A listing page: its first page (:data:`LISTING_PAGES`) or a further page (``claims/page/2.md``)."""
    folder, _, rest = src_uri.partition("/page/")
    return src_uri in LISTING_PAGES or (f"{folder}/index.md" in LISTING_PAGES and rest.removesuffix(".md").isdigit())


def mark_body(html: str, src_uri: str) -> str:
    """The page with its content marked for the index (``data-pagefind-body``), unless it is a listing page."""
    if is_listing(src_uri) or BODY not in html:
        return html
    return html.replace(BODY, BODY + " data-pagefind-body", 1)


def index(site: Path) -> str:
    """Write the search index of the built ``site`` into ``site/assets/pagefind``; return Pagefind's summary."""
    out = site / OUTPUT
    new = out.with_name(f".pagefind-{os.getpid()}-new")  # written aside, then put in place at once
    shutil.rmtree(new, ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(new), "--glob", GLOB,
           "--force-language", "en", "--exclude-selectors", "[data-search-exclude]", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # the return code is read below
    if proc.returncode != 0 or not (new / "pagefind.js").is_file():
        shutil.rmtree(new, ignore_errors=True)
        raise SearchIndexError(" ".join((proc.stdout + proc.stderr).split())[-500:] or
                               "pagefind wrote no index (is pagefind[bin] installed?)")
    for path in new.iterdir():
        if path.name not in KEEP and not path.name.endswith(KEEP_SUFFIXES):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    old = out.with_name(f".pagefind-{os.getpid()}-old")
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return proc.stdout.strip()
