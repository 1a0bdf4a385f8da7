"""The whole review as data: JSON, BibTeX and CSL-JSON files for download."""

from __future__ import annotations

import json

from ..bib import NOTICE_LABELS
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
        "withdrawn": [{k: v for k, v in (("id", w.id), ("statement", w.statement), ("date", w.date), ("reason", w.reason),
                                         ("replaced_by", w.replaced_by)) if v is not None}
                      for w in sorted(review.withdrawn, key=lambda w: w.id)],
        "search_logs": {k: r.data for k, r in sorted(review.search_logs.items()) if r.valid},
        "second_reviews": {k: r.data for k, r in sorted(review.second_reviews.items()) if r.valid},
        "references": [
            # fields as BibTeX values, with TeX accents decoded to Unicode (braces and ``--`` kept)
            {"key": key, "entry_type": ref.entry_type, "csl": csl_item(ref),
             "fields": {k: v if k in ("url", "doi", "verified", "notice_url") else to_bib(v)
                        for k, v in sorted(ref.fields.items())}}
            for key, ref in sorted(review.refs.items())
        ],
    }


def _with_notice(ref) -> dict:
    """The CSL-JSON item, with any retraction, correction or concern notice as its note (CSL has no field for it)."""
    item = csl_item(ref)
    if not ref.notice_type:
        return item
    when = ref.get("notice_date").strip()
    note = f"{NOTICE_LABELS.get(ref.notice_type, ref.notice_type)}{f' {when}' if when else ''}: {ref.get('notice_url').strip()}"
    return dict(item, note=note)


def files(review: Review, formatted: dict[str, str]) -> dict[str, str]:
    """Download files, by docs-relative path."""
    return review_files(review) | reference_files(review)


def review_files(review: Review) -> dict[str, str]:
    """The download files made from the whole review."""
    # compact: with an indent, json falls back to its pure-Python encoder (seconds for a large review)
    return {"data/review.json": json.dumps(review_json(review), ensure_ascii=False, sort_keys=True,
                                           separators=(",", ":")) + "\n"}


def reference_files(review: Review) -> dict[str, str]:
    """The download files made from references.bib alone."""
    return {
        "data/references.bib": bibexport.dump(list(review.refs.values())),
        "data/references.json": dumps([_with_notice(r) for _, r in sorted(review.refs.items())]),
    }
