"""Second reviews: ``research/second-reviews/<claim-id>.yaml``, an independent check of one claim.

The second reviewer reads every evidence item against its source, lists works
that were missed, and gives their own verdict and certainty; a disagreement is
settled by the lead and the resolution recorded.
"""

from __future__ import annotations

from pathlib import Path

from . import cache, records
from .problems import Problems
from .records import cited_refs

DIR = "research/second-reviews"
SCHEMA = "schema/second-review.schema.json"
WHAT = "second review"


def load(root: Path, problems: Problems, store: cache.LineCache | None = None) -> dict[str, records.Record]:
    """Every second review by claim id (its file name), each already checked against the schema."""
    return records.load_folder(root, DIR, SCHEMA, problems, store=store, what=WHAT)


def check(review: records.Record, claims_by_id: dict, problems: Problems) -> None:
    """The review names its claim, reviews a version that exists, and only the claim's evidence items;
    of the current version it reviews every item, and 'agree' means the same verdict and certainty."""
    if not review.valid:
        return
    d, p = review.data, review.path
    claim = records.claim_of(review, claims_by_id, problems, "second review of")
    if claim is None:
        return
    version = claim.data.get("version")
    if isinstance(version, int) and d["reviewed_version"] > version:
        line, col = review.pos("reviewed_version")
        problems.add(p, line, col, f"reviewed_version {d['reviewed_version']} is newer than {claim.path}'s version {version}",
                     "set reviewed_version to the version of the record that was reviewed")
    cited = cited_refs(claim.data)
    if cited is None:
        return  # the record's evidence cannot be read (the schema says why)
    seen: dict[str, int] = {}
    for i, item in enumerate(d["items"]):
        if item["ref"] in seen:
            problems.add(p, *review.pos("items", i, "ref"), f"'{item['ref']}' is reviewed twice (also item {seen[item['ref']] + 1})",
                         "merge the two items")
            continue
        seen[item["ref"]] = i
        if item["ref"] not in cited:
            problems.add(p, *review.pos("items", i, "ref"), f"item '{item['ref']}' is not an evidence item of {claim.path}",
                         "review only the record's evidence items; list other works under missing_evidence")
    if d["reviewed_version"] != version:
        return  # an older version was reviewed: its evidence may have differed
    for ref in cited:
        if ref not in seen:
            line, col = review.pos("items", key=True)
            problems.add(p, line, col, f"evidence item '{ref}' of {claim.path} (version {version}) was not reviewed",
                         f"add an item for {ref}, read against its source")
    cert = claim.data.get("certainty")
    level = cert.get("level") if isinstance(cert, dict) else None
    if d["agreement"] == "agree" and (d["verdict"], d["certainty"]) != (claim.data.get("verdict"), level):
        line, col = review.pos("agreement")
        problems.add(p, line, col, f"agreement is 'agree' but the second reviewer's verdict and certainty "
                     f"({d['verdict']}, {d['certainty']}) differ from {claim.path}'s ({claim.data.get('verdict')}, {level})",
                     "set agreement: disagree and record how it was settled in resolution")


def agreed_line(review: records.Record) -> str:
    """'agreed' or 'disagreed; how it was settled is in the second review' (plain text; escaped where shown)."""
    d = review.data
    if d.get("agreement") == "agree":
        return "agreed"
    return "disagreed; how it was settled is in the second review"
