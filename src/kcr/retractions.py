"""``kcr retractions CSV``: every cited work found in the Retraction Watch database.

The database is distributed by Crossref (which acquired it in 2023) as one CSV
file.  Its columns, in order, as quoted from the file's header in public code
that reads it (seen with the search tool: egonw/ons-wikidata,
RetractionWatch/quickstatements.groovy, quoting the output of
api.labs.crossref.org/data/retractionwatch; the same header, with a trailing
comma, in a 2026 probe of that address quoted in another reader's source)::

    Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,
    RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,
    OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes

Dates are written like ``8/16/2023 0:00``; a missing PubMed ID is ``0`` and a
missing DOI ``unavailable`` (as filtered out by scienceverse/metacheck,
data-raw/retractionwatch.R).  Only the columns below are read, by name, so the
order does not matter; a file without them is refused, never guessed at.
Nothing is downloaded: the file is named on the command line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import bib, textfile
from .problems import Problems

COLUMNS = ("Record ID", "RetractionDate", "RetractionDOI", "OriginalPaperDOI", "OriginalPaperPubMedID",
           "RetractionNature")
NATURES = {"retraction": "retraction", "correction": "correction", "expression of concern": "expression-of-concern"}
_MISSING = {"", "0", "unavailable", "na", "n/a", "none"}


class RetractionsError(Exception):
    """The file cannot be read as a Retraction Watch export."""


@dataclass(frozen=True)
class Hit:
    """A cited work found in the database."""

    key: str
    line: int
    matched: str  # "DOI 10.…" or "PMID 123"
    nature: str  # as written in the database, e.g. "Retraction"
    date: str  # YYYY-MM-DD, or as written when it cannot be read
    record: str
    notice_doi: str
    recorded: bool  # references.bib already records a notice of this kind

    def __str__(self) -> str:
        notice = f", notice DOI {self.notice_doi}" if self.notice_doi else ""
        what = (f"'{self.key}' ({self.matched}) is in the Retraction Watch database: {self.nature}, {self.date} "
                f"(record {self.record}{notice})")
        if self.recorded:
            todo = "already recorded in references.bib; check that the stance and verdict take it into account"
        else:
            kind = NATURES.get(self.nature.strip().lower())
            todo = (f"check the notice and record it: notice_type = {{{kind}}}, notice_url and notice_date in "
                    "references.bib" if kind else "check the notice on the publisher's page and record what it says")
            if kind == "retraction":
                todo += "; a retracted work supports nothing: recode the evidence that cites it"
        return f"{bib.PATH}:{self.line}:1: {what} — {todo}"


def _date(value: str) -> str:
    value = value.strip()
    for fmt in ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value or "date not given"


def _pmid(value: str) -> str:
    v = value.strip()
    return "" if v.lower() in _MISSING or not re.fullmatch(r"[0-9]+", v) else str(int(v))


def _doi(value: str) -> str:
    v = value.strip()
    return "" if v.lower() in _MISSING else bib.normalise_doi(v)


def find(csv_path: Path, refs: dict[str, bib.Reference]) -> tuple[list[Hit], int]:
    """Every reference whose DOI or PMID is the original paper of a database record, and the number of
    records read.  Raises :class:`RetractionsError` when the file is not a Retraction Watch export."""
    by_doi = {r.doi: r for r in refs.values() if r.doi}
    by_pmid = {str(int(r.pmid)): r for r in refs.values() if r.pmid.isdigit()}
    hits: list[Hit] = []
    csv.field_size_limit(16 * 1024 * 1024)
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise RetractionsError(f"not a Retraction Watch export: no column {', '.join(missing)}")
            reader.fieldnames = header
            rows = 0
            for row in reader:
                rows += 1
                found = []
                doi = _doi(row.get("OriginalPaperDOI") or "")
                if doi and doi in by_doi:
                    found.append((by_doi[doi], f"DOI {doi}"))
                pmid = _pmid(row.get("OriginalPaperPubMedID") or "")
                if pmid and pmid in by_pmid and all(ref is not by_pmid[pmid] for ref, _ in found):
                    found.append((by_pmid[pmid], f"PMID {pmid}"))
                for ref, matched in found:
                    nature = (row.get("RetractionNature") or "").strip() or "notice"
                    kind = NATURES.get(nature.lower())
                    hits.append(Hit(ref.key, ref.line, matched, nature, _date(row.get("RetractionDate") or ""),
                                    (row.get("Record ID") or "").strip(), _doi(row.get("RetractionDOI") or ""),
                                    kind is not None and ref.notice_type == kind))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RetractionsError(f"cannot be read ({exc})") from None
    return sorted(hits, key=lambda h: (h.line, h.record)), rows


def cited_refs(root: Path) -> dict[str, bib.Reference]:
    """The entries of references.bib (structure checked; the values are `kcr check`'s business)."""
    problems = Problems()
    text = textfile.read(root / bib.PATH, bib.PATH, problems, bib.MAX_BYTES)
    if text is None:
        raise RetractionsError(f"{bib.PATH} cannot be read: {problems[0] if problems else 'unknown reason'}")
    return bib.parse(text, problems, check=False)
