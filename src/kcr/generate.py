"""Generate the site's pages from the records into git-ignored folders under docs/.

Plain Python: used by ``kcr build`` and by the MkDocs hook alike, so the same
pages come out whichever way the site is built (and with tools that run no
MkDocs hooks at all).  Files are written only when their content changed, so
``mkdocs serve`` does not rebuild in a loop.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import check, setaside
from .cache import Cache
from .render import charts, cite, claim_page, downloads, index_pages, pagecite, preview, research_pages, withdrawn_page

from .paths import OWNED  # noqa: E402  (re-exported: the folders the generator owns)
DEFAULT_SITE_URL = "https://example.invalid/"
HOME_ANSWER = "assets/generated/.home-answer.html"
HOME_CHART = "assets/generated/.home-chart.html"


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


def render_all(review: check.Review) -> Output:
    """Every generated page of a checked review, in memory."""
    out = Output()
    refs = list(review.refs.values())
    formatted = cite.format_html(refs, Cache(review.root, "references"))
    plain = {k: cite.format_text(review.refs[k], v) for k, v in formatted.items()}
    url = site_url(review.root)
    accessed = pagecite.build_date(review.root)
    cards = {}
    for claim in review.claims:
        path = f"claims/{claim.id}.md"
        citation = pagecite.page_citation(claim, url, accessed)
        cards[f"{pagecite.PREVIEW_DIR}/{claim.id}.png"] = preview.card(citation)
        jsonld = pagecite.claim_review(claim, citation, url)
        out.pages[path] = claim_page.render(claim, review, formatted, plain, citation, jsonld,
                                            charts.claim_chart(claim))
        out.edit_paths[path] = claim.path
        for ext, body in (("txt", citation.text() + "\n"), ("bib", citation.bibtex()), ("ris", citation.ris()),
                          ("json", pagecite.dumps([citation.csl()]))):
            out.pages[f"data/cite/{claim.id}.{ext}"] = body
        for old in claim.data.get("former_ids") or []:
            out.pages[f"claims/{old}.md"] = claim_page.redirect(claim.id, citation.title)
            out.edit_paths[f"claims/{old}.md"] = claim.path
    for extra in (research_pages.pages(review), withdrawn_page.pages(review)):
        for path, (page, source) in extra.items():
            out.pages[path] = page
            out.edit_paths[path] = source
    out.pages["claims/index.md"] = index_pages.claims_index(review)
    out.edit_paths["claims/index.md"] = "claims/"
    for key, ref in review.refs.items():
        path = f"references/{key}.md"
        out.pages[path] = index_pages.reference_page(ref, review, formatted)
        out.edit_paths[path] = "references.bib"
    out.pages["references/index.md"] = index_pages.references_index(review, formatted)
    out.edit_paths["references/index.md"] = "references.bib"
    out.pages["coverage/index.md"] = index_pages.coverage_page(review, review.set_aside)
    out.edit_paths["coverage/index.md"] = setaside.PATH
    out.pages["evidence/index.md"] = index_pages.evidence_page(review, charts.evidence_map(review))
    out.edit_paths["evidence/index.md"] = "claims/"
    # parts of the hand-written home page, included by docs/index.md (pymdownx.snippets); dotfiles,
    # so MkDocs does not publish them as pages of their own
    out.pages[HOME_ANSWER] = index_pages.home_answer(review)
    out.pages[HOME_CHART] = charts.verdict_matrix(review)
    out.pages.update(downloads.files(review, formatted))
    cards[f"{pagecite.PREVIEW_DIR}/site.png"] = preview.site_card()
    out.pages.update(preview.images(cards, preview.ImageCache(review.root)))
    return out


MANIFEST = ".kcr-manifest.json"  # a dotfile: MkDocs does not publish it


def write(out: Output, docs: Path) -> None:
    """Write changed pages under ``docs``, remove stale files in the generated folders, and record
    which generated page comes from which source (the manifest) for the MkDocs adapter."""
    for rel, content in sorted(out.pages.items()):
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            if not target.exists() or target.read_bytes() != content:
                target.write_bytes(content)
                out.written.append(rel)
        elif not target.exists() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
            out.written.append(rel)
    home = docs / "index.md"
    if home.exists() and {HOME_ANSWER, HOME_CHART} & set(out.written):
        # the home page includes these parts; `mkdocs serve --dirty` rebuilds only pages whose own
        # file changed, so mark it changed (its content is left as it is)
        os.utime(home)
    manifest = docs / MANIFEST
    text = json.dumps(out.edit_paths, sort_keys=True, indent=0) + "\n"
    if not manifest.exists() or manifest.read_text(encoding="utf-8") != text:
        manifest.write_text(text, encoding="utf-8")
    for folder in OWNED:
        base = docs / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(docs).as_posix()
            if path.is_file() and rel not in out.pages:
                path.unlink()
                out.removed.append(rel)


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
