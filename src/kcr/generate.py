"""Generate the site's pages from the records into git-ignored folders under docs/.

Plain Python: used by ``kcr build`` and by the MkDocs hook alike, so the same
pages come out whichever way the site is built (and with tools that run no
MkDocs hooks at all).  Files are written only when their content changed, so
``mkdocs serve`` does not rebuild in a loop.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import check, setaside
from .cache import Cache, digest
from .paths import OWNED
from .records import fingerprint
from .render import charts, cite, claim_page, downloads, index_pages, pagecite, preview, research_pages, withdrawn_page
from .render.sentences import reading_numbers

DEFAULT_SITE_URL = "https://example.invalid/"
HOME_ANSWER = "assets/generated/.home-answer.html"
HOME_CHART = "assets/generated/.home-chart.html"
# hand-written pages that include generated parts (so they change when those parts do)
INCLUDED_BY = {HOME_ANSWER: "index.md", HOME_CHART: "index.md"}


def site_url(root: Path) -> str:
    """The site's address from mkdocs.yml (used for permalinks and structured data)."""
    try:
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return DEFAULT_SITE_URL
    url = config.get("site_url") if isinstance(config, dict) else None
    return url if isinstance(url, str) and url.startswith("https://") else DEFAULT_SITE_URL


class BuildError(Exception):
    """The records have problems; the message lists every one."""


@dataclass
class Output:
    """What one generation produced."""

    pages: dict[str, str | bytes] = field(default_factory=dict)  # docs-relative path -> content (bytes: images)
    edit_paths: dict[str, str] = field(default_factory=dict)  # docs-relative path -> repo-relative source
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class _Memo:
    """Pages rendered in this process, by everything they are made from (``kcr serve`` renders again only
    what an edit changed).  Each part of a key names content: a record's or references.bib's cache key (see
    :mod:`kcr.records`), the article's digest, kcr's code; a key with an unknown part ("", no cache) is not
    remembered.  Entries not used by a generation are dropped after it.  The key is the tuple of parts
    itself (hashing a digest of each, 34,000 at 5,000 claims, took 0.2 s of every rebuild)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], Any] = {}
        self.used: set[tuple[str, ...]] = set()
        self.off = os.environ.get("KCR_NO_CACHE") == "1"

    def get(self, parts: tuple[str, ...], make: Callable[[], Any]) -> Any:
        if self.off or not all(parts):
            return make()
        key = parts
        self.used.add(key)
        if key not in self.entries:
            self.entries[key] = make()
        return self.entries[key]

    def done(self) -> None:
        self.entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.used = set()


_MEMO = _Memo()
_IMAGES: dict[str, bytes] = {}  # preview images drawn or read in this process, by the fingerprint of their card


def render_all(review: check.Review, per_page: int | None = None, records_only: bool = False) -> Output:
    """Every generated page of a checked review, in memory.

    ``per_page``: rows a page of every listing, instead of :data:`kcr.render.pager.ROWS` (tests cut small
    reviews into pages with it). ``records_only``: only each record's own pages and files (claims, research
    records, withdrawals, references), not the pages and files made from the whole review (the listings, the
    home page's parts, the downloads, the preview images): `kcr serve` shows an edited record's page first,
    then the pages that list it."""
    out = Output()
    _MEMO.off = os.environ.get("KCR_NO_CACHE") == "1"
    bib_key, art_key = review.keys.get("bib", ""), review.keys.get("article", "")
    code = fingerprint()
    refs = list(review.refs.values())

    def formatting() -> tuple[dict[str, str], dict[str, str]]:
        formatted = cite.format_html(refs, Cache(review.root, "references"))
        return formatted, {k: cite.format_text(review.refs[k], v) for k, v in formatted.items()}

    # what depends on references.bib alone is also kept for the next process (the next `kcr build`)
    formatted, plain = _MEMO.get((code, "formatted", bib_key),
                                 _from(review.root, "formatted", (code, bib_key), formatting))
    url = site_url(review.root)
    accessed = pagecite.build_date(review.root)
    cards = {}
    context = (code, bib_key, art_key, url, accessed or "-")
    # a claim page links to the sentences it quotes on the coverage listing, which a large review cuts into pages
    covered = index_pages.coverage(review)
    coverage_at = {n: k for n, k in index_pages.coverage_pages(review, per_page, covered).items() if k > 1}
    sentences: dict[str, set[int]] = {}
    if coverage_at and review.article is not None:
        reading = reading_numbers(review.article)
        for number, cs in covered.items():
            for c in cs:
                sentences.setdefault(c.id, set()).add(reading.get(number, 0))
    for claim in review.claims:
        log, second = review.search_logs.get(claim.id), review.second_reviews.get(claim.id)
        at = ",".join(f"{n}:{coverage_at[n]}" for n in sorted(sentences.get(claim.id, ())) if n in coverage_at)
        parts = (*context, "claim", claim.key, log.key if log else "-", second.key if second else "-", at or "-")
        pages, edit_paths, card = _MEMO.get(parts, functools.partial(_claim_outputs, claim, review, formatted, plain,
                                                                     url, accessed, coverage_at))
        out.pages.update(pages)
        out.edit_paths.update(edit_paths)
        cards[f"{pagecite.PREVIEW_DIR}/{claim.id}.png"] = card
    by_id = {c.id: c for c in review.claims}
    research = {}
    for records_, page in ((review.search_logs, research_pages.search_log_page),
                           (review.second_reviews, research_pages.second_review_page)):
        for claim_id, record in records_.items():
            owner = by_id.get(claim_id)
            if record.valid and owner is not None:
                research[(page, claim_id)] = _MEMO.get(
                    (*context, page.__name__, record.key, owner.key),
                    functools.partial(page, owner, record, review))
    for path, (text, source) in research_pages.pages(review, rendered=research).items():
        out.pages[path] = text
        out.edit_paths[path] = source
    for path, (text, source) in withdrawn_page.pages(review).items():
        out.pages[path] = text
        out.edit_paths[path] = source
    for key, ref in review.refs.items():
        path = f"references/{key}.md"
        citing = ",".join(c.key or "?" for c, _ in review.citing(key))
        out.pages[path] = _MEMO.get((*context, "reference", key, digest(citing) if "?" not in citing else ""),
                                    functools.partial(index_pages.reference_page, ref, review, formatted))
        out.edit_paths[path] = "references.bib"
    if records_only:
        return out  # (the memo keeps its entries: the whole review's pages are rendered next)
    # the listings, each one page or (a large review) several pages, and the claims index's data files
    for pages, source in ((index_pages.claims_index(review, per_page), "claims/"),
                          (index_pages.references_index(review, formatted, per_page), "references.bib"),
                          (index_pages.coverage_page(review, review.set_aside, per_page, covered), setaside.PATH),
                          (index_pages.evidence_page(review, per_page), "claims/")):
        out.pages.update(pages)
        out.edit_paths.update({path: source for path in pages if path.endswith(".md")})
    # parts of the hand-written home page, included by docs/index.md (pymdownx.snippets); dotfiles,
    # so MkDocs does not publish them as pages of their own
    out.pages[HOME_ANSWER] = index_pages.home_answer(review)
    out.pages[HOME_CHART] = charts.verdict_matrix(review)
    out.pages.update(downloads.review_files(review))
    out.pages.update(_MEMO.get((code, "reference files", bib_key),
                               _from(review.root, "reference-files", (code, bib_key),
                                     lambda: downloads.reference_files(review))))
    cards[f"{pagecite.PREVIEW_DIR}/site.png"] = preview.site_card()
    out.pages.update(_images(cards, preview.ImageCache(review.root)))
    _MEMO.done()
    return out


def _from(root: Path, name: str, parts: tuple[str, ...], make: Callable[[], Any]) -> Callable[[], Any]:
    """``make``, its result kept in the user's cache folder (``generated-<name>``, one result) by a digest of
    ``parts``, each naming content (kcr's code, references.bib's cache key), so another process (the next
    ``kcr build``) reads it back instead of making it again.  Results are JSON: a tuple comes back as a tuple."""

    def get() -> Any:
        if not all(parts) or os.environ.get("KCR_NO_CACHE") == "1":
            return make()
        stored = Cache(root, f"generated-{name}")
        key = digest(*parts)
        value = stored.get(key)
        if value is None:
            value = make()
            stored.put(key, value)
            stored.save()
        return tuple(value) if isinstance(value, list) else value

    return get


def _claim_outputs(claim: Any, review: check.Review, formatted: dict[str, str], plain: dict[str, str], url: str,
                   accessed: str | None, coverage_at: dict[int, int]) -> tuple[dict[str, str], dict[str, str], Any]:
    """A claim's page, its citation files and redirects from its former ids (with their sources), and its card."""
    pages: dict[str, str] = {}
    edit_paths: dict[str, str] = {}
    path = f"claims/{claim.id}.md"
    citation = pagecite.page_citation(claim, url, accessed)
    jsonld = pagecite.claim_review(claim, citation, url)
    pages[path] = claim_page.render(claim, review, formatted, plain, citation, jsonld, charts.claim_chart(claim),
                                    coverage_at)
    edit_paths[path] = claim.path
    for ext, body in (("txt", citation.text() + "\n"), ("bib", citation.bibtex()), ("ris", citation.ris()),
                      ("json", pagecite.dumps([citation.csl()]))):
        pages[f"data/cite/{claim.id}.{ext}"] = body
    for old in claim.data.get("former_ids") or []:
        pages[f"claims/{old}.md"] = claim_page.redirect(claim.id, citation.title)
        edit_paths[f"claims/{old}.md"] = claim.path
    return pages, edit_paths, preview.card(citation)


def _images(cards: dict[str, Any], cache: preview.ImageCache) -> dict[str, bytes]:
    """:func:`preview.images`, drawing (or reading from the cache) only the cards this process has not seen."""
    if os.environ.get("KCR_NO_CACHE") == "1":
        return preview.images(cards, cache)
    prints = {name: card.fingerprint() for name, card in cards.items()}
    todo = {name: card for name, card in cards.items() if prints[name] not in _IMAGES}
    for name, data in preview.images(todo, cache).items():
        _IMAGES[prints[name]] = data
    wanted = set(prints.values())
    for key in [k for k in _IMAGES if k not in wanted]:
        del _IMAGES[key]
    return {name: _IMAGES[prints[name]] for name in cards}


MANIFEST = ".kcr-manifest.json"  # a dotfile: MkDocs does not publish it
# in this process: docs folder -> page -> (content written, size and modification time left)
_WRITTEN: dict[str, dict[str, tuple[str | bytes, int, int]]] = {}


def write(out: Output, docs: Path, partial: bool = False) -> None:
    """Write changed pages under ``docs``, remove stale files in the generated folders, and record
    which generated page comes from which source (the manifest) for the MkDocs adapter.

    A page this process wrote before, whose file has the same size and modification time as it
    left it, and whose new content is the very same object (a remembered render) or equal, is not
    read again (``kcr serve`` at thousands of pages).  ``partial``: ``out`` holds only some of the
    pages (:func:`render_all`'s ``records_only``): they are written, nothing is removed."""
    last = _WRITTEN.setdefault(str(docs.resolve()), {})
    keep = os.environ.get("KCR_NO_CACHE") != "1"
    made: set[str] = set()
    base = str(docs)
    for rel, content in sorted(out.pages.items()):
        target = os.path.join(base, rel)
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            made.add(folder)
        before = last.get(rel)
        if before is not None and (before[0] is content or before[0] == content):
            try:
                st = os.stat(target)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns) == before[1:]:
                continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        try:
            with open(target, "rb") as f:
                same = f.read() == data
        except OSError:
            same = False
        if not same:
            with open(target, "wb") as f:
                f.write(data)
            out.written.append(rel)
        if keep:
            st = os.stat(target)
            last[rel] = (content, st.st_size, st.st_mtime_ns)
    for page in sorted({INCLUDED_BY[rel] for rel in out.written if rel in INCLUDED_BY}):
        home = docs / page
        if home.exists():
            # the page includes these parts; `mkdocs serve --dirty` rebuilds only pages whose own
            # file changed, so mark it changed (its content is left as it is)
            os.utime(home)
    if partial:
        return
    for rel in [r for r in last if r not in out.pages]:
        del last[rel]
    manifest = docs / MANIFEST
    text = json.dumps(out.edit_paths, sort_keys=True, indent=0) + "\n"
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != text:
        manifest.write_text(text, encoding="utf-8")
    start = len(str(docs)) + 1
    for folder in OWNED:
        base_ = docs / folder
        if not base_.exists():
            continue
        for dirpath, _, names in os.walk(base_):
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                rel = path[start:].replace(os.sep, "/")
                if rel not in out.pages:
                    os.unlink(path)
                    out.removed.append(rel)
    out.removed.sort()


def read_manifest(docs: Path) -> dict[str, str]:
    """Generated page → its source, as the last generation wrote it ({} if none)."""
    try:
        data = json.loads((docs / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def generate(root: Path, docs: Path | None = None) -> Output:
    """Check the review under ``root``; if clean, write its pages into ``docs``.

    Raises:
        BuildError: listing every problem, when the records do not pass the checker.
    """
    review = check.load(root)
    if not review.ok:
        raise BuildError("\n".join(str(p) for p in review.problems))
    out = render_all(review)
    write(out, docs or root / "docs")
    return out
