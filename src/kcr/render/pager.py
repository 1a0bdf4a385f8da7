"""Index pages split into pages of rows, each page light enough for a phone at thousands of claims.

A listing's first page keeps the listing's address (``claims/``); page k > 1 is
``claims/page/k/`` (a page ``claims/page/k.md`` in the docs folder).  The pages
are cut by a row count and a byte budget, whichever is reached first, so that
no page of rows grows past the budget however long its rows are.  A review
small enough for one page gets exactly one page and no pager.

Links inside a page are relative: a row rendered for page k is given the prefix
from that page's folder to the listing's folder (:func:`up`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from .html import attr

# rows a page: the claims index and references at most 250 (about 180 KB of rows at 5,000 claims), the evidence
# map 100 (its rows are the largest), the coverage page as many sentences as fit the byte budget
ROWS = {"claims": 250, "references": 250, "evidence": 100, "coverage": 1000}
BUDGET = 300_000  # bytes of rows a page at most (the theme's page around them adds about 30 KB)
ENV = "KCR_ROWS_PER_PAGE"  # tests: every listing cut at this many rows


def rows_per_page(kind: str, override: int | None = None) -> int:
    """Rows a page for a listing (``override``, else ``$KCR_ROWS_PER_PAGE``, else :data:`ROWS`)."""
    if override:
        return override
    env = os.environ.get(ENV, "")
    return int(env) if env.isdigit() and int(env) > 0 else ROWS[kind]


def split(sizes: Sequence[int], per_page: int, budget: int = BUDGET) -> list[range]:
    """Rows (by their sizes in bytes) cut into pages of at most ``per_page`` rows and ``budget`` bytes
    (a single larger row gets a page of its own); always at least one page."""
    pages: list[range] = []
    start, used = 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= per_page or used + size > budget):
            pages.append(range(start, i))
            start, used = i, 0
        used += size
    pages.append(range(start, len(sizes)))
    return pages


def path(folder: str, k: int) -> str:
    """The docs-relative source of page ``k`` (from 1) of the listing in ``folder``."""
    return f"{folder}/index.md" if k == 1 else f"{folder}/page/{k}.md"


def up(k: int) -> str:
    """From page ``k``'s folder back to the listing's folder (prefix of every relative link)."""
    return "" if k == 1 else "../../"


def href(current: int, k: int) -> str:
    """A link from page ``current`` to page ``k`` of the same listing."""
    if k == 1:
        return "./" if current == 1 else "../../"
    return f"page/{k}/" if current == 1 else f"../{k}/"


def nav(n_pages: int, current: int, labels: Callable[[int], str] | None = None) -> str:
    """The pager: previous, every page by number (the current one marked), next; "" for a single page.
    ``labels(k)`` names what page k holds (e.g. "claims 251–500"), said to screen readers and on hover."""
    if n_pages <= 1:
        return ""

    def a(k: int, text: str, rel: str = "") -> str:
        label = labels(k) if labels else f"page {k}"
        extra = (f' rel="{rel}"' if rel else "") + (' aria-current="page"' if k == current and not rel else "")
        return f'<a href="{attr(href(current, k))}" title="{attr(label)}"{extra}>{text}</a>'

    prev = a(current - 1, "← Previous", "prev") if current > 1 else \
        '<span class="kcr-pager-off">← Previous</span>'
    nxt = a(current + 1, "Next →", "next") if current < n_pages else '<span class="kcr-pager-off">Next →</span>'
    numbers = "".join(f"<li>{a(k, str(k))}</li>" for k in range(1, n_pages + 1))
    return (f'<nav class="kcr-pager" aria-label="Pages"><span class="kcr-pager-step">{prev}</span>'
            f'<ol class="kcr-pager-pages">{numbers}</ol><span class="kcr-pager-step">{nxt}</span></nav>')


def status(what: str, rows: range, total: int, current: int, n_pages: int) -> str:
    """The line above a page's rows: which rows it holds ("" for a single page)."""
    if n_pages <= 1:
        return ""
    return (f'<p class="kcr-pager-status">{what.capitalize()} {rows.start + 1}–{rows.stop} of {total:,} '
            f"(page {current} of {n_pages}); the pager below lists every page.</p>")
