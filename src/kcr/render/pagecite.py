"""How to cite a claim page: text, BibTeX, RIS, CSL-JSON, ``citation_*`` meta tags, link-preview tags and
ClaimReview JSON-LD — all built from one :class:`PageCitation`, so they cannot disagree.

A claim page reviews a claim; it never asserts it.  Every title a reader, a search engine, a link preview
or a reference manager sees is therefore the *framed* title from :func:`framed_title` —
``Claim review: “<statement>” — <verdict>`` — never the bare statement (which stays only where it
means "the claim reviewed": ClaimReview ``claimReviewed``).

Values here are plain text; escaping happens where they are written (the template escapes meta
values, JSON goes through ``tojson``, :func:`cite_block` through ``esc``).  What each reference
manager does with the tags was measured with Zotero's translation-server (``scripts/zotero_check.py``;
``tests/fixtures/zotero/``).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..claims import Claim
from .html import CERTAINTY, VERDICTS, esc, link

SITE_NAME = "Kratom Claims Review"
SITE_TITLE = "Kratom Claims Review: a claim-by-claim evidence review of an article on kratom and opioid withdrawal"
# In citation_author Zotero splits a name without a comma at its last space ("Review, K. C."); with a
# trailing comma it saves the whole name as one field: an organisation (tests/fixtures/zotero/).
ZOTERO_ORG_AUTHOR = SITE_NAME + ","
GENRE = "Claim review"
ARTICLE_NAME = "Untitled web article on kratom and opioid withdrawal (author, publisher, address and date unknown)"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
BIB_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
PREVIEW_DIR = "assets/generated/preview"
# where the accessed date goes in each format, filled in by PageCitation._fill (files) or cite_block (page)
_ACCESSED = {fmt: f"\x00accessed-{fmt}\x00" for fmt in ("long", "iso", "ris")}
PREVIEW_SIZE = (1200, 630)


def verdict_label(verdict: str | None) -> str:
    """The verdict as shown on the page ("Unsupported"), or "Not checkable" for advice and opinion."""
    return VERDICTS[verdict][0] if verdict else "Not checkable"


def framed_title(statement: str, verdict: str | None) -> str:
    """The one title of a claim page, everywhere: the claim quoted, framed as our review of it, with the verdict."""
    return f"Claim review: “{statement}” — {verdict_label(verdict)}"


def _long_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{MONTHS[int(m) - 1]} {int(d)}, {y}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


@dataclass(frozen=True)
class PageCitation:
    """Everything a citation of one claim page needs."""

    claim_id: str
    statement: str
    verdict: str | None
    certainty: str | None
    version: int
    reviewed: str  # YYYY-MM-DD
    first_published: str
    url: str
    abstract: str
    bottom_line: str = ""
    site_url: str = ""
    accessed: str | None = None  # YYYY-MM-DD: the build date (the page updates it to the reader's day)

    @property
    def title(self) -> str:
        return framed_title(self.statement, self.verdict)

    @property
    def short_title(self) -> str:
        return f"“{self.statement}” — {self.verdict_label}"

    @property
    def key(self) -> str:
        return f"kcr-{self.claim_id}-v{self.version}"

    @property
    def year(self) -> str:
        return self.reviewed[:4]

    @property
    def verdict_label(self) -> str:
        return verdict_label(self.verdict)

    @property
    def certainty_label(self) -> str:
        return CERTAINTY[self.certainty] if self.certainty else ""

    @property
    def image_url(self) -> str:
        return f"{self.site_url.rstrip('/')}/{PREVIEW_DIR}/{self.claim_id}.png"

    def description(self) -> str:
        """Verdict and certainty, then the bottom line: what a search result or a link preview shows."""
        if self.verdict:
            head = f"Verdict: {self.verdict_label} (certainty: {self.certainty_label.lower()})."
        else:
            head = "Not checkable (advice or opinion)."
        return _shorten(f"{head} {self.bottom_line or self.abstract}", 300)

    def image_alt(self) -> str:
        cert = f"; certainty: {self.certainty_label.lower()}" if self.certainty else ""
        return f"{SITE_NAME} card. Claim reviewed: “{self.statement}”. Verdict: {self.verdict_label}{cert}."

    # --- the four formats -------------------------------------------------------------------------
    def _fill(self, body: str, mark: bool = False) -> str:
        """Put the accessed date where the format has one (``mark``: as spans the page script updates)."""
        if not self.accessed:
            return body
        for fmt, token in _ACCESSED.items():
            shown = {"long": _long_date(self.accessed), "iso": self.accessed,
                     "ris": self.accessed.replace("-", "/")}[fmt]
            body = body.replace(esc(token) if mark else token,
                                f'<span class="kcr-accessed" data-format="{fmt}">{esc(shown)}</span>' if mark else shown)
        return body

    def text(self) -> str:
        return self._fill(self._text())

    def bibtex(self) -> str:
        return self._fill(self._bibtex())

    def ris(self) -> str:
        return self._fill(self._ris())

    def _text(self) -> str:
        """APA 7 style (an organisation's web page, versioned); the retrieval date where one is known."""
        y = self.reviewed[:4]
        m, d = (int(x) for x in self.reviewed.split("-")[1:])
        out = f"{SITE_NAME}. ({y}, {MONTHS[m - 1]} {d}). {self.title} (Version {self.version}). "
        if self.accessed:
            return out + f"Retrieved {_ACCESSED['long']}, from {self.url}"
        return out + self.url

    def _bibtex(self) -> str:
        """A @techreport, as Zotero's own BibTeX export writes a report and its import reads one back
        (type, number and institution kept; a @misc came back as a "document" without them); BibTeX
        reads year and month, biblatex the full date and urldate.  Version as the report number
        ("Claim review Version 1" in print), so biblatex does not print it twice.  The organisation and
        the title are braced whole, so no style splits the name or changes the case of the quoted claim."""

        def b(v: str) -> str:  # braces are the only special characters inside {…}: no contributor text may unbalance them
            return v.replace("{", "(").replace("}", ")").replace("\\", "/")

        m = int(self.reviewed[5:7])
        fields: list[tuple[str, str]] = [
            ("author", f"{{{SITE_NAME}}}"), ("title", f"{{{b(self.title)}}}"), ("type", GENRE),
            ("number", f"Version {self.version}"), ("institution", SITE_NAME), ("date", self.reviewed),
            ("year", self.year), ("month", BIB_MONTHS[m - 1]), ("url", self.url)]
        if self.accessed:
            fields.append(("urldate", _ACCESSED["iso"]))
        fields.append(("langid", "english"))
        lines = [f"@techreport{{{self.key},"]
        for name, value in fields:
            lines.append(f"  {name.ljust(11)} = {value if name == 'month' else '{' + value + '}'},")
        return "\n".join(lines) + "\n}\n"

    def _ris(self) -> str:
        """RIS as Zotero, EndNote and Mendeley import it: a report (RPRT) by an organisation (no comma);
        the version as edition (ET) and as the report number (SN, which is where Zotero keeps it)."""
        lines = [("TY", "RPRT"), ("TI", self.title), ("AU", SITE_NAME), ("PY", self.year),
                 ("DA", self.reviewed.replace("-", "/")), ("ET", f"Version {self.version}"),
                 ("SN", f"Version {self.version}"), ("M3", GENRE),
                 ("PB", SITE_NAME), ("UR", self.url)]
        if self.accessed:
            lines.append(("Y2", _ACCESSED["ris"]))
        lines += [("AB", self.abstract), ("LA", "en"), ("ER", "")]
        return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)

    def csl(self) -> dict:
        y, m, d = (int(x) for x in self.reviewed.split("-"))
        item = {"id": self.key, "type": "report", "title": self.title, "author": [{"literal": SITE_NAME}],
                "issued": {"date-parts": [[y, m, d]]}, "publisher": SITE_NAME, "genre": GENRE,
                "version": str(self.version), "URL": self.url, "abstract": self.abstract, "language": "en"}
        if self.accessed:
            item["accessed"] = {"date-parts": [[int(x) for x in self.accessed.split("-")]]}
        return item

    # --- what the page's <head> carries -----------------------------------------------------------
    def meta(self) -> list[tuple[str, str]]:
        """``<meta name=…>`` tags read by Zotero (Embedded Metadata translator) and Google Scholar."""
        return [("citation_title", self.title), ("citation_author", ZOTERO_ORG_AUTHOR),
                ("citation_publication_date", self.reviewed.replace("-", "/")),
                ("citation_technical_report_institution", SITE_NAME),
                ("citation_technical_report_number", f"Version {self.version}"),
                ("citation_publisher", SITE_NAME), ("citation_public_url", self.url),
                ("citation_language", "en"), ("citation_abstract", self.abstract),
                # Zotero types the report from DC.type; without a short title it would cut one at the colon,
                # "Claim review", the same for every claim
                ("DC.type", GENRE), ("bibo.shortTitle", self.short_title)]

    def social(self) -> list[tuple[str, str]]:
        """OpenGraph (``property=og:…``) and Twitter (``name=twitter:…``) link-preview tags."""
        return social_tags(self.title, self.description(), self.url, self.image_url, self.image_alt(), "article",
                           published=self.first_published, modified=self.reviewed)


def social_tags(title: str, description: str, url: str, image: str, alt: str, kind: str = "website",
                published: str = "", modified: str = "") -> list[tuple[str, str]]:
    tags = [("og:type", kind), ("og:site_name", SITE_NAME), ("og:title", title), ("og:description", description),
            ("og:url", url), ("og:locale", "en_GB"), ("og:image", image), ("og:image:type", "image/png"),
            ("og:image:width", str(PREVIEW_SIZE[0])), ("og:image:height", str(PREVIEW_SIZE[1])),
            ("og:image:alt", alt)]
    if published:
        tags.append(("article:published_time", published))
    if modified:
        tags.append(("article:modified_time", modified))
    tags += [("twitter:card", "summary_large_image"), ("twitter:title", title),
             ("twitter:description", description), ("twitter:image", image), ("twitter:image:alt", alt)]
    return tags


def build_date(root: Path) -> str | None:
    """The date of this build (UTC), as the footer shows it: ``SOURCE_DATE_EPOCH`` if set, else the date of
    the checked-out commit (so two builds of one commit agree); None outside a git checkout.  Citation
    files give it as the accessed date; on the page a script replaces it with the reader's own day."""
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not stamp.isdigit():
        try:
            stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                                   timeout=10, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    if not stamp.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).strftime("%Y-%m-%d")


def page_citation(claim: Claim, site_url: str, accessed: str | None = None) -> PageCitation:
    d = claim.data
    dates = [e["date"] for e in d["changelog"]]
    return PageCitation(claim.id, d["statement"], d.get("verdict"), (d.get("certainty") or {}).get("level"),
                        d["version"], d["reviewed"], min(dates), f"{site_url.rstrip('/')}/claims/{claim.id}/",
                        d.get("conclusion") or d.get("not_checkable_reason", ""), d.get("bottom_line", ""),
                        site_url, accessed)


def claim_review(claim: Claim, cite: PageCitation, site_url: str) -> dict | None:
    """schema.org ClaimReview for a checkable claim (None for advice and opinion)."""
    d = claim.data
    if not d.get("checkable") or not d.get("verdict"):
        return None
    label, score = VERDICTS[d["verdict"]]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": cite.url,
        "name": cite.title,
        "headline": cite.title,
        "image": cite.image_url,
        "claimReviewed": d["statement"],
        "datePublished": cite.first_published,
        "dateModified": cite.reviewed,
        "version": str(cite.version),
        "author": {"@type": "Organization", "name": SITE_NAME, "url": site_url},
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": site_url},
        "reviewRating": {"@type": "Rating", "ratingValue": score, "bestRating": 6, "worstRating": 1,
                         "alternateName": label},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Unknown (the reviewed article names no author)"},
            "appearance": {"@type": "CreativeWork", "name": ARTICLE_NAME},
            "text": " … ".join(q["text"] for q in d["quotes"])[:1000],
        },
    }


def heading(cite: PageCitation) -> str:
    """The page's <h1>: the framed title, with the parts marked for styling (its text is ``cite.title``)."""
    return (f'<h1 class="kcr-claim-title"><span class="kcr-claim-kicker">Claim review: </span>'
            f'<span class="kcr-claim-statement">“{esc(cite.statement)}”</span>'
            f'<span class="kcr-claim-verdict"> — {esc(cite.verdict_label)}</span></h1>\n\n')


def cite_block(c: PageCitation) -> str:
    """Cite this page: the formatted citation with a copy button; BibTeX, RIS and CSL-JSON one click away
    in a ``<details>``; every format downloadable.  Hidden in print (``.kcr-cite``)."""
    base = f"../../data/cite/{c.claim_id}"

    def csl_marked() -> str:
        # the accessed date in CSL-JSON is a list of numbers: the span wraps that object
        body = dumps([c.csl()])
        m = re.search(r'"accessed": \{[^{}]*\}', body)
        if not m:
            return esc(body)
        return (esc(body[:m.start()]) + f'<span class="kcr-accessed" data-format="csl">{esc(m.group(0))}</span>'
                + esc(body[m.end():]))

    def buttons(ext: str) -> str:
        return (f'<button type="button" class="md-button kcr-copy" data-copy="cite-{ext}">Copy</button> '
                + link(f"{base}.{ext}", "Download", class_="md-button", download=f"{c.claim_id}.{ext}"))

    out = ['<section class="kcr-cite" aria-labelledby="cite">'
           '<h2 id="cite" data-search-exclude>Cite this page</h2>\n\n<div class="kcr-cite-box" data-search-exclude>'
           f'<p class="kcr-cite-text kcr-cite-formatted" id="cite-txt">{c._fill(esc(c._text()), mark=True)}</p>'
           f'<p class="kcr-cite-label">{buttons("txt")}</p>'
           f'<p class="kcr-cite-meta">Permalink: {link(c.url, esc(c.url), class_="kcr-permalink")}<br>'
           f"Version {esc(c.version)}, last reviewed {esc(c.reviewed)}. The address never changes; "
           "earlier versions are listed in the version history above.</p>"
           '<details class="kcr-cite-more"><summary>BibTeX, RIS and CSL-JSON</summary>']
    for label, ext, body in (("BibTeX", "bib", c._fill(esc(c._bibtex()), mark=True)),
                             ("RIS", "ris", c._fill(esc(c._ris()), mark=True)), ("CSL-JSON", "json", csl_marked())):
        out.append(f'<div class="kcr-cite-format"><p class="kcr-cite-label"><strong>{label}</strong> {buttons(ext)}</p>'
                   f'<pre class="kcr-cite-text" id="cite-{ext}">{body}</pre></div>')
    out.append("</details></div></section>\n\n")
    return "".join(out)


def dumps(obj: object) -> str:
    """Stable JSON for downloads."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
