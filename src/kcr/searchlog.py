"""Search logs: ``research/search-logs/<claim-id>.yaml``, every search run for a claim and every work screened.

The log and the claim record are checked against each other, so neither can
drift: every included work is cited by the claim's evidence, and every work the
evidence cites is an included record of the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import cache, records
from .problems import Problems
from .records import cited_refs

DIR = "research/search-logs"
SCHEMA = "schema/search-log.schema.json"
WHAT = "search log"


@dataclass(frozen=True)
class Summary:
    """What the claim page says about a log: queries run, works screened, works included."""

    queries: int
    screened: int
    included: int


def load(root: Path, problems: Problems, store: cache.LineCache | None = None) -> dict[str, records.Record]:
    """Every search log by claim id (its file name), each already checked against the schema."""
    return records.load_folder(root, DIR, SCHEMA, problems, store=store, what=WHAT)


def summary(log: records.Record) -> Summary:
    recs = log.data.get("records") or []
    return Summary(len(log.data.get("searches") or []), len(recs),
                   sum(1 for r in recs if r.get("decision") == "include"))


def _record_file(claims_by_id: dict, claim_id: str) -> str:
    return claims_by_id[claim_id].path if claim_id in claims_by_id else f"claims/{claim_id}.yaml"


def check(log: records.Record, claims_by_id: dict, problems: Problems) -> None:
    """The log names its claim, has a valid date, and agrees with the claim's evidence."""
    if not log.valid:
        return
    d, p = log.data, log.path
    claim = records.claim_of(log, claims_by_id, problems, "search log for")
    if claim is None:
        return
    refs = cited_refs(claim.data)
    if refs is None:
        return  # the record's evidence cannot be read (the schema says why)
    cited = {ref: i for i, ref in reversed(list(enumerate(refs)))}
    included: dict[str, int] = {}
    for i, r in enumerate(d["records"]):
        if r["decision"] == "include":
            if "reason" in r:
                line, col = log.pos("records", i, "reason", key=True)
                problems.add(p, line, col, "an included work has an exclusion reason",
                             "remove reason, or set decision: exclude")
            ref = r["ref"]
            if ref in included:
                problems.add(p, *log.pos("records", i, "ref"), f"'{ref}' is included twice (also record {included[ref] + 1})",
                             "screen each work once: merge the two records")
                continue
            included[ref] = i
            if ref not in cited:
                problems.add(p, *log.pos("records", i, "ref"), f"included work '{ref}' is not cited by {claim.path}",
                             "cite it in the record's evidence, or record it as excluded with a reason")
        elif "ref" in r:
            line, col = log.pos("records", i, "ref", key=True)
            problems.add(p, line, col, "an excluded work has a ref",
                         "remove ref (only included works name a references.bib key), or set decision: include")
    for ref in sorted(set(cited) - set(included), key=lambda ref: cited[ref]):
        line, col = log.pos("records", key=True)
        problems.add(p, line, col, f"evidence item '{ref}' of {claim.path} is not an included record of this log",
                     f"add a record with decision: include and ref: {ref} (and the search that found it)")
