"""How to cite a claim page: text, BibTeX, RIS, CSL-JSON, ``citation_*`` meta tags and ClaimReview JSON-LD.

All four formats are built from one :class:`PageCitation`, so they cannot
disagree.  Values here are plain text; escaping happens where they are written
(the template escapes meta values, JSON goes through ``tojson``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..claims import Claim
from .html import VERDICTS

SITE_NAME = "Kratom Claims Review"
ARTICLE_NAME = "Untitled web article on kratom and opioid withdrawal (author, publisher, address and date unknown)"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass(frozen=True)
class PageCitation:
    """Everything a citation of one claim page needs."""

    claim_id: str
    title: str
    version: int
    reviewed: str  # YYYY-MM-DD
    first_published: str
    url: str
    abstract: str

    @property
    def key(self) -> str:
        return f"kcr-{self.claim_id}-v{self.version}"

    @property
    def year(self) -> str:
        return self.reviewed[:4]

    def text(self) -> str:
        """APA-like reference text."""
        y, m, d = self.reviewed.split("-")
        return (f"{SITE_NAME}. ({y}, {MONTHS[int(m) - 1]} {int(d)}). {self.title} (Version {self.version}) "
                f"[Claim review]. {self.url}")

    def bibtex(self) -> str:
        def b(v: str) -> str:  # BibTeX-safe: braces are the only special characters inside {…}
            return v.replace("{", "(").replace("}", ")").replace("\\", "/")

        return (f"@misc{{{self.key},\n"
                f"  title        = {{{b(self.title)}}},\n"
                f"  author       = {{{{{SITE_NAME}}}}},\n"
                f"  year         = {{{self.year}}},\n"
                f"  howpublished = {{Claim review, version {self.version}}},\n"
                f"  note         = {{Last reviewed {self.reviewed}}},\n"
                f"  url          = {{{self.url}}},\n"
                f"}}\n")

    def ris(self) -> str:
        lines = [("TY", "RPRT"), ("TI", self.title), ("AU", SITE_NAME), ("PY", self.year),
                 ("DA", self.reviewed.replace("-", "/")), ("ET", f"Version {self.version}"), ("M3", "Claim review"),
                 ("PB", SITE_NAME), ("UR", self.url), ("AB", self.abstract), ("LA", "en"), ("ER", "")]
        return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)

    def csl(self) -> dict:
        y, m, d = (int(x) for x in self.reviewed.split("-"))
        return {"id": self.key, "type": "report", "title": self.title, "author": [{"literal": SITE_NAME}],
                "issued": {"date-parts": [[y, m, d]]}, "publisher": SITE_NAME, "genre": "Claim review",
                "version": str(self.version), "URL": self.url, "abstract": self.abstract, "language": "en"}

    def meta(self) -> list[tuple[str, str]]:
        """``citation_*`` tags as read by Zotero and Google Scholar (one author: the organisation)."""
        return [("citation_title", self.title), ("citation_author", SITE_NAME),
                ("citation_publication_date", self.reviewed.replace("-", "/")),
                ("citation_technical_report_institution", SITE_NAME), ("citation_publisher", SITE_NAME),
                ("citation_public_url", self.url), ("citation_language", "en"), ("citation_abstract", self.abstract)]


def page_citation(claim: Claim, site_url: str) -> PageCitation:
    d = claim.data
    dates = [e["date"] for e in d["changelog"]]
    return PageCitation(claim.id, d["statement"], d["version"], d["reviewed"], min(dates),
                        f"{site_url.rstrip('/')}/claims/{claim.id}/",
                        d.get("conclusion") or d.get("not_checkable_reason", ""))


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
        "claimReviewed": d["statement"],
        "datePublished": cite.first_published,
        "dateModified": cite.reviewed,
        "author": {"@type": "Organization", "name": SITE_NAME, "url": site_url},
        "reviewRating": {"@type": "Rating", "ratingValue": score, "bestRating": 6, "worstRating": 1,
                         "alternateName": label},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Unknown (the reviewed article names no author)"},
            "appearance": {"@type": "CreativeWork", "name": ARTICLE_NAME},
            "text": " … ".join(q["text"] for q in d["quotes"])[:1000],
        },
    }


def dumps(obj: object) -> str:
    """Stable JSON for downloads."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
