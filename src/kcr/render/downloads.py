"""The whole review as data: JSON, BibTeX and CSL-JSON files for download."""

from __future__ import annotations

import json

from ..check import Review
from ..latex import to_bib
from ..render.cite import csl_item
from . import bibexport
from .pagecite import dumps

FORMAT_VERSION = 1


def review_json(review: Review) -> dict:
    """Claims with their evidence, and the references they cite, in one document."""
    return {
        "format_version": FORMAT_VERSION,
        "title": "Kratom Claims Review",
        "claims": [dict(c.data, url_path=f"claims/{c.id}/") for c in sorted(review.claims, key=lambda c: c.id)],
        "references": [
            # fields as BibTeX values, with TeX accents decoded to Unicode (braces and ``--`` kept)
            {"key": key, "entry_type": ref.entry_type, "csl": csl_item(ref),
             "fields": {k: v if k in ("url", "doi", "verified", "notice_url") else to_bib(v)
                        for k, v in sorted(ref.fields.items())}}
            for key, ref in sorted(review.refs.items())
        ],
    }


def files(review: Review, formatted: dict[str, str]) -> dict[str, str]:
    """Download files, by docs-relative path."""
    return {
        # compact: with an indent, json falls back to its pure-Python encoder (seconds for a large review)
        "data/review.json": json.dumps(review_json(review), ensure_ascii=False, sort_keys=True,
                                       separators=(",", ":")) + "\n",
        "data/references.bib": bibexport.dump(list(review.refs.values())),
        "data/references.json": dumps([csl_item(r) for _, r in sorted(review.refs.items())]),
    }
