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

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
           "--force-language", "en", "--exclude-selectors", EXCLUDE, "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # the return code is read below
    if proc.returncode != 0 or not (new / "pagefind.js").is_file():
        shutil.rmtree(new, ignore_errors=True)
        raise SearchIndexError(" ".join((proc.stdout + proc.stderr).split())[-500:] or
                               "pagefind wrote no index (is pagefind[bin] installed?)")
    _put_in_place(new, out)
    return proc.stdout.strip()


EXCLUDE = "[data-search-exclude]"
_INDEXED = re.compile(r"^(index\.html|[^/]+/index\.html|(claims|references)/[^/]+/index\.html)$")  # GLOB, as a pattern


def indexed(dest: str) -> bool:
    """Whether the page written at ``dest`` (its path in the site) is one that Pagefind reads (GLOB)."""
    return bool(_INDEXED.match(dest))


class Streaming:
    """The search index of a full build, fed each page as it is written.

    Pagefind runs as a service in its own process (its Python API), so it indexes
    on the machine's other core while MkDocs renders the next pages; the pages
    are not read back from disk. :meth:`finish` writes the index as :func:`index`
    does (the same files for the same pages). Any failure is kept and raised by
    :meth:`finish` as :class:`SearchIndexError`.
    """

    def __init__(self) -> None:
        import asyncio
        import threading

        from pagefind.index import PagefindIndex

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kcr-pagefind", daemon=True)
        self._thread.start()
        self._pending: list[Any] = []
        self._error: str | None = None
        self._index = PagefindIndex(config={"force_language": "en", "exclude_selectors": [EXCLUDE]})
        try:
            self._index = self._call(self._start())
        except Exception as exc:  # reported as the index's failure
            self._error = f"pagefind did not start: {exc}"

    async def _start(self) -> Any:
        """What ``async with PagefindIndex()`` does on entry, with :func:`_service`'s service."""
        service = await _service()().launch()
        return await service.create_index({"force_language": "en", "exclude_selectors": [EXCLUDE]})

    def _call(self, coro: Any) -> Any:
        import asyncio

        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def add(self, dest: str, html: str) -> None:
        """Index the page written at ``dest`` (its path in the site), if it is one Pagefind reads."""
        import asyncio

        if self._error is not None or not indexed(dest):
            return
        url = "/" + dest.removesuffix("index.html")
        self._pending.append(asyncio.run_coroutine_threadsafe(
            self._index.add_html_file(content=html, url=url), self._loop))

    def finish(self, site: Path) -> None:
        """Write the index into ``site/assets/pagefind`` and stop the service."""
        out = site / OUTPUT
        new = out.with_name(f".pagefind-{os.getpid()}-new")
        shutil.rmtree(new, ignore_errors=True)
        try:
            if self._error is None:
                for pending in self._pending:
                    pending.result()
                self._call(self._index.write_files(output_path=str(new)))
        except Exception as exc:  # every failure of the service is the index's failure
            self._error = f"pagefind failed: {exc}"
        finally:
            self.close()
        if self._error is not None or not (new / "pagefind.js").is_file():
            shutil.rmtree(new, ignore_errors=True)
            raise SearchIndexError(self._error or "pagefind wrote no index")
        _put_in_place(new, out)

    def close(self) -> None:
        """Stop the service (its index is dropped unless written)."""
        service = self._index._service  # PagefindIndex closes it only from its context manager
        if service is not None:
            with contextlib.suppress(Exception):
                self._call(service.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


def _service() -> type:
    """Pagefind's service (pagefind.service.PagefindService), reading each response as soon as it arrives.

    The library waits 0.1 s before reading each response (pagefind 1.5.2), which is 0.1 s a page when pages
    are added one by one: 5 minutes at 3,000 pages. This reads them as they come, and resolves each request
    as the library does (an error response fails its request, and so the build)."""
    import base64
    import json

    from pagefind.service import PagefindService

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            stdout = self._backend.stdout
            assert stdout is not None  # the service is started with a pipe
            while True:
                output = await stdout.readuntil(b",")
                resp = json.loads(base64.b64decode(output[:-1]))
                if resp is None:
                    continue
                message_id = resp.get("message_id")
                payload = resp.get("payload") or {}
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.get(message_id) if message_id is not None else None
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(SearchIndexError(f"pagefind: {payload.get('message')}"))
                else:
                    future.set_result(payload)  # type: ignore[arg-type]

    return Service


def _put_in_place(new: Path, out: Path) -> None:
    """Keep what the site uses of Pagefind's output in ``new``, then put it at ``out`` at once."""
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
