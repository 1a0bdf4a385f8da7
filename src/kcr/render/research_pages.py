"""How each claim was researched: its search log and its second review, as pages and as one line each
on the claim page.  Every contributor string is escaped; the tables are plain HTML."""

from __future__ import annotations

from ..check import Review
from ..claims import Claim
from ..records import Record
from ..searchlog import summary
from ..secondreview import agreed_line
from .html import CERTAINTY, DISCLAIMER, VERDICTS, esc, front_matter, link

SOURCES = {
    "pages": "Stored web pages (PubMed and mirrors, PMC, journals, FDA, CDC)",
    "docs": "Documentation pages", "code": "Source code and specifications", "issues": "Issue threads",
}
REASONS = {
    "wrong-population": "Wrong population", "wrong-substance": "Wrong substance", "wrong-outcome": "Wrong outcome",
    "wrong-design": "Wrong design (opinion, editorial, news)",
    "duplicate": "Duplicate (same work or same data already included)",
    "superseded": "Superseded (a later review of the same studies is included)",
    "not-retrievable": "Not retrievable (details not on a stored page)", "off-topic": "Off-topic",
}
FIDELITY = {"faithful": "Faithful", "minor-issue": "Minor issue", "misrepresents": "Misrepresents the source"}
NO_SEARCH = {"exclude": True}


def log_path(claim_id: str) -> str:
    return f"research/search-logs/{claim_id}.md"


def review_path(claim_id: str) -> str:
    return f"research/second-reviews/{claim_id}.md"


def claim_lines(claim: Claim, review: Review) -> str:
    """ "How we searched: …" and "Independently checked by a second reviewer …", linked to the full pages."""
    parts = []
    log = review.search_logs.get(claim.id)
    if log is not None and log.valid:
        s = summary(log)
        parts.append(f'<p class="kcr-searched">How we searched: {s.queries} quer{"y" if s.queries == 1 else "ies"}, '
                     f'{s.screened} work{"" if s.screened == 1 else "s"} screened, {s.included} included — '
                     f'{link(f"../../research/search-logs/{claim.id}/", "full log")}</p>')
    second = review.second_reviews.get(claim.id)
    if second is not None and second.valid:
        version = second.data["reviewed_version"]
        older = f" of version {version}" if version != claim.data.get("version") else ""
        parts.append(f'<p class="kcr-second-review">Independently checked by a second reviewer on '
                     f'{esc(second.data["date"])}{older} ({esc(agreed_line(second))}) — '
                     f'{link(f"../../research/second-reviews/{claim.id}/", "second review")}</p>')
    if not parts:
        return ""
    return '<div class="kcr-text kcr-research" data-search-exclude>' + "".join(parts) + "</div>\n\n"


def _back(claim: Claim) -> str:
    return (f'<p>{link(f"../../../claims/{claim.id}/", "Back to the claim review: “" + esc(claim.data["statement"]) + "”")}</p>')


def search_log_page(claim: Claim, log: Record, review: Review) -> str:
    """The full search log: every query with where it was run and its hits, every work screened."""
    d = log.data
    s = summary(log)
    out = [front_matter(f"Search log: “{claim.data['statement']}”",
                        "Every search run for the claim, and every work screened.", search=NO_SEARCH)]
    out.append(f"<h1>Search log: “{esc(claim.data['statement'])}”</h1>\n\n<div class=\"kcr-text\">{_back(claim)}"
               f"<p>Searched on {esc(d['date'])}: {s.queries} queries, {s.screened} works screened, {s.included} "
               "included. Queries were run both for and against the claim; the methodology describes the "
               f"procedure and the exclusion reasons.</p></div>\n\n")
    out.append('<h2 id="queries">Queries</h2>\n\n<div class="kcr-table-wrap"><table class="kcr-table kcr-log-queries">'
               '<thead><tr><th scope="col">#</th><th scope="col">Query</th><th scope="col">Where</th>'
               '<th scope="col">Hits</th></tr></thead><tbody>')
    for i, q in enumerate(d["searches"], 1):
        out.append(f"<tr><td>{i}</td><td>{esc(q['query'])}</td><td>{esc(SOURCES[q['source']])}</td>"
                   f"<td>{esc(q['hits'])}</td></tr>")
    out.append("</tbody></table></div>\n\n")
    out.append('<h2 id="screened">Works screened</h2>\n\n<div class="kcr-table-wrap"><table class="kcr-table kcr-log-records">'
               '<thead><tr><th scope="col">Work</th><th scope="col">Decision</th><th scope="col">Reason or reference</th>'
               "</tr></thead><tbody>")
    for r in d["records"]:
        if r["decision"] == "include":
            ref = r["ref"]
            where = link(f"../../../references/{ref}/", esc(ref)) if ref in review.refs else esc(ref)
            decision, detail = "Included", f"Cited as {where}"
        else:
            decision, detail = "Excluded", esc(REASONS[r["reason"]])
        out.append(f'<tr><td>{esc(r["work"])}</td><td><span class="kcr-badge kcr-decision-{r["decision"]}">'
                   f"{decision}</span></td><td>{detail}</td></tr>")
    out.append("</tbody></table></div>\n\n")
    out.append(DISCLAIMER + "\n")
    return "".join(out)


def second_review_page(claim: Claim, second: Record, review: Review) -> str:
    """The second review: every evidence item read against its source, missed works, the reviewer's own
    verdict and certainty, and how any disagreement was settled."""
    d = second.data
    out = [front_matter(f"Second review: “{claim.data['statement']}”",
                        "An independent reviewer's check of the claim's evidence, verdict and certainty.", search=NO_SEARCH)]
    agreement = "Agreed with the review" if d["agreement"] == "agree" else "Disagreed with the review"
    out.append(f"<h1>Second review: “{esc(claim.data['statement'])}”</h1>\n\n<div class=\"kcr-text\">{_back(claim)}"
               f"<p>Reviewed by {esc(d['reviewer'])} on {esc(d['date'])}, version {esc(d['reviewed_version'])} of the "
               f"record (current version {esc(claim.data.get('version'))}).</p>"
               f"<p><strong>{agreement}.</strong> The second reviewer's own verdict: "
               f"{esc(VERDICTS[d['verdict']][0])}; certainty: {esc(CERTAINTY[d['certainty']])}.</p>")
    if d.get("resolution"):
        out.append(f"<p>Resolution: {esc(d['resolution'])}</p>")
    out.append("</div>\n\n")
    out.append('<h2 id="items">Evidence items read against their sources</h2>\n\n<div class="kcr-table-wrap">'
               '<table class="kcr-table kcr-review-items"><thead><tr><th scope="col">Reference</th>'
               '<th scope="col">Fidelity</th><th scope="col">Note</th></tr></thead><tbody>')
    for item in d["items"]:
        ref = item["ref"]
        where = link(f"../../../references/{ref}/", esc(ref)) if ref in review.refs else esc(ref)
        out.append(f'<tr><td>{where}</td><td><span class="kcr-badge kcr-fidelity-{item["fidelity"]}">'
                   f'{esc(FIDELITY[item["fidelity"]])}</span></td><td>{esc(item.get("note", "—"))}</td></tr>')
    out.append("</tbody></table></div>\n\n")
    missing = d.get("missing_evidence") or []
    out.append('<h2 id="missing">Works the second reviewer found</h2>\n\n<div class="kcr-text">')
    out.append("<ul>" + "".join(f"<li>{esc(m)}</li>" for m in missing) + "</ul>" if missing else
               "<p>None: the second reviewer found no further work to consider.</p>")
    out.append("</div>\n\n" + DISCLAIMER + "\n")
    return "".join(out)


def pages(review: Review, rendered: dict | None = None) -> dict[str, tuple[str, str]]:
    """docs-relative path → (page, source file) for every search log and second review of a record.

    ``rendered`` holds pages already made, by (page function, claim id) (the generator's memo)."""
    out: dict[str, tuple[str, str]] = {}
    rendered = rendered or {}
    by_id = {c.id: c for c in review.claims}
    for claim_id, log in sorted(review.search_logs.items()):
        if log.valid and claim_id in by_id:
            page = rendered.get((search_log_page, claim_id)) or search_log_page(by_id[claim_id], log, review)
            out[log_path(claim_id)] = (page, log.path)
    for claim_id, second in sorted(review.second_reviews.items()):
        if second.valid and claim_id in by_id:
            page = rendered.get((second_review_page, claim_id)) or second_review_page(by_id[claim_id], second, review)
            out[review_path(claim_id)] = (page, second.path)
    return out
