"""One page per claim: verdict first, then the evidence and why it was graded so."""

from __future__ import annotations

from ..bib import Reference
from ..check import Review
from ..claims import LEVELS, Claim
from .html import (
    CERTAINTY,
    DISCLAIMER,
    attr,
    certainty_badge,
    doi_url,
    esc,
    front_matter,
    link,
    pubmed_url,
    verdict_badge,
)
from .pagecite import PageCitation, cite_block, heading
from .provenance import notice_banner, reference_flags
from .research_pages import claim_lines
from .sentences import reading_numbers
from .verdict_marks import contradicting_marker, starting_point

DESIGNS = {
    "systematic-review": "Systematic review", "meta-analysis": "Meta-analysis", "rct": "Randomised trial",
    "non-randomised-trial": "Non-randomised trial", "cohort": "Cohort study", "case-control": "Case-control study",
    "cross-sectional": "Cross-sectional survey", "case-series": "Case series", "case-report": "Case report",
    "surveillance": "Surveillance / poison-centre data", "animal": "Animal study", "in-vitro": "In vitro study",
    "narrative-review": "Narrative review", "guideline": "Guideline", "regulatory": "Regulator statement",
}
POPULATIONS = {"human": "Humans", "animal": "Animals", "in-vitro": "Cells / receptors", "none": "—"}
SUBSTANCES = {
    "kratom-products": "Kratom products", "mitragynine": "Mitragynine (isolated)",
    "7-hydroxymitragynine": "7-hydroxymitragynine (isolated)", "other-alkaloids": "Other isolated alkaloids",
    "opioids": "Opioids", "opioid-agonist-treatment": "Opioid agonist treatment", "not-applicable": "—",
}
STANCES = {"supports": "Supports", "contradicts": "Contradicts", "mixed": "Mixed", "context": "Context"}
DOMAINS = {
    "risk-of-bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
    "imprecision": "Imprecision", "publication-bias": "Publication bias", "large-effect": "Large effect",
    "dose-response": "Dose-response", "plausible-confounding": "Plausible confounding",
}
TYPES = {"mechanism": "Mechanism", "efficacy": "Efficacy", "safety": "Safety", "dosing": "Dosing",
         "background": "Background", "advice": "Advice"}
TOPICS = {"pharmacology": "Pharmacology", "withdrawal": "Withdrawal", "mood": "Mood", "safety": "Safety",
          "dosing": "Dosing", "background": "Background", "treatment": "Treatment"}
ISOLATED = {"mitragynine", "7-hydroxymitragynine", "other-alkaloids"}


def cited_refs(claim: Claim, review: Review) -> list[Reference]:
    """References in order of first citation (their numbers on the page)."""
    out: list[Reference] = []
    for item in claim.data.get("evidence") or []:
        ref = review.refs.get(item["ref"])
        if ref is not None and ref not in out:
            out.append(ref)
    return out


def indirect_badges(item: dict) -> str:
    """Badges where a study's population or substance differs from the claim (people using kratom)."""
    badges = []
    if item.get("population") == "animal":
        badges.append('<span class="kcr-badge kcr-indirect" title="Studied in animals, not people">Animal data</span>')
    elif item.get("population") == "in-vitro":
        badges.append('<span class="kcr-badge kcr-indirect" title="Studied in cells or receptors, not people">In vitro</span>')
    if item.get("substance") in ISOLATED:
        badges.append('<span class="kcr-badge kcr-indirect" title="An isolated alkaloid, not kratom leaf or products">'
                      "Isolated alkaloid</span>")
    return " ".join(badges)


def reference_links(ref: Reference) -> str:
    parts = []
    if ref.doi:
        parts.append(link(doi_url(ref.doi), "DOI", class_="kcr-doi"))
    if ref.pmid:
        parts.append(link(pubmed_url(ref.pmid), f"PubMed {esc(ref.pmid)}", class_="kcr-pmid"))
    if ref.get("url") and not ref.doi and not ref.pmid:
        parts.append(link(ref.get("url").strip(), "Source page", rel="nofollow noopener"))
    return " · ".join(parts)


def redirect(target: str, statement: str) -> str:
    """The page left at a claim's former id: it sends readers (and citations) to the new address."""
    url = f"../{target}/"
    return (front_matter(statement, "This claim moved; its page has a new address.")
            + f'<meta http-equiv="refresh" content="0; url={attr(url)}">\n\n'
            + f'<div class="kcr-text"><p>This claim has a new address: <a href="{attr(url)}">{esc(statement)}</a>.</p></div>\n')


def render(claim: Claim, review: Review, formatted: dict[str, str], plain: dict[str, str],
           cite: PageCitation, jsonld: dict | None = None, chart: str = "",
           coverage_at: dict[int, int] | None = None) -> str:
    """The Markdown source (raw HTML blocks) of a claim page (``coverage_at``: sentence number → the page of
    the coverage listing that shows it, when that listing has more than one page)."""
    d = claim.data
    refs = cited_refs(claim, review)
    number = {r.key: i + 1 for i, r in enumerate(refs)}
    cert = d.get("certainty") or {}
    extra_meta: dict = {"kcr_meta": cite.meta(), "kcr_social": cite.social()}
    if jsonld:
        extra_meta["kcr_jsonld"] = jsonld
    # the page is a review of the claim: its title and heading never state the claim bare (pagecite.framed_title)
    out = [front_matter(cite.title, cite.description(), **extra_meta)]
    out.append(heading(cite))
    out.append('<div class="kcr-verdict-box">'
               f'{verdict_badge(d.get("verdict"))} {contradicting_marker(d)} {certainty_badge(cert.get("level"))} '
               f'<span class="kcr-badge kcr-type">{esc(TYPES[d["type"]])}</span> '
               f'<span class="kcr-badge kcr-topic">{esc(TOPICS[d["topic"]])}</span>')
    if d.get("conclusion"):
        out.append(f'<p class="kcr-conclusion">{esc(d["conclusion"])}</p>')
    if not d.get("checkable"):
        out.append(f'<p class="kcr-conclusion">Not checkable: {esc(d.get("not_checkable_reason", ""))}</p>')
    out.append(_version_line(cite))
    out.append("</div>\n\n")
    out.append(notice_banner(refs, number))

    out.append('<h2 id="claim">What the article says</h2>\n\n<div class="kcr-quotes">')
    reading = reading_numbers(review.article)
    for q in d["quotes"]:
        numbers = [reading[s.number] for s in review.article.sentences_for(q["text"]) if s.number in reading] \
            if review.article else []
        at = (coverage_at or {}).get(numbers[0], 1) if numbers else 1
        where = (link(f"../../coverage/{f'page/{at}/' if at > 1 else ''}#s{numbers[0]}", f"sentence {numbers[0]}")
                 + ", ") if numbers else ""
        out.append(f'<blockquote class="kcr-quote"><p>“{esc(q["text"])}”</p>'
                   f'<p class="kcr-where" data-search-exclude>— {where}section “{esc(q["section"])}”</p></blockquote>')
    out.append("</div>\n\n")

    if d.get("bottom_line"):
        out.append(f'<h2 id="bottom-line">Bottom line</h2>\n\n<div class="kcr-text"><p>{esc(d["bottom_line"])}</p></div>\n\n')
    out.append(DISCLAIMER + "\n\n")  # near the top, so it is read (and printed) with the verdict
    if cert:
        out.append(_certainty(d, cert))
    if d.get("evidence"):
        out.append(_evidence(d, review, number, plain, chart))
    out.append(claim_lines(claim, review))
    for key, title in (("unknowns", "What is not known"), ("would_change", "What would change this verdict")):
        if d.get(key):
            out.append(f'<h2 id="{key.replace("_", "-")}">{title}</h2>\n\n<div class="kcr-text"><p>{esc(d[key])}</p></div>\n\n')
    if refs:
        out.append('<h2 id="references" data-search-exclude>References</h2>\n\n<ol class="kcr-references">')
        out.extend(f'<li id="ref-{number[r.key]}">{formatted[r.key]} {reference_links(r)} {reference_flags(r)} '
                   f'{link(f"../../references/{r.key}/", "All claims citing this")}</li>' for r in refs)
        out.append("</ol>\n\n")
    out.append(_history(d))
    out.append(cite_block(cite))
    return "".join(out)


def _version_line(c: PageCitation) -> str:
    """Version, date and permanent address, at the top (and on the first printed page)."""
    return (f'<p class="kcr-version">Version {esc(c.version)}, last reviewed {esc(c.reviewed)} · '
            f'{link(c.url, "Permanent link", class_="kcr-page-link")} · {link("#history", "Version history")}</p>')


def _certainty(d: dict, cert: dict) -> str:
    level = cert["level"]
    parts = ['<h2 id="certainty" data-search-exclude>Why the certainty is ' + esc(CERTAINTY[level].lower()) + "</h2>\n\n<div class=\"kcr-text\">"]
    parts.append(starting_point(cert))
    if cert.get("basis"):
        parts.append(f" {esc(cert['basis'])}")
    parts.append("</p>")
    reasons = cert.get("reasons") or []
    if reasons:
        parts.append('<table class="kcr-table kcr-stack"><thead><tr><th scope="col">GRADE domain</th>'
                     '<th scope="col">Change</th><th scope="col">Reason</th></tr></thead><tbody>')
        for r in reasons:
            change = f"{r['change']:+d} level" + ("s" if abs(r["change"]) > 1 else "")
            parts.append(f'<tr><td data-label="GRADE domain">{esc(DOMAINS[r["domain"]])}</td>'
                         f'<td data-label="Change">{change}</td><td data-label="Reason">{esc(r["reason"])}</td></tr>')
        parts.append("</tbody></table>")
    parts.append(f"<p>Resulting certainty: <strong>{esc(CERTAINTY[level])}</strong>.</p>")
    art = d.get("article_certainty")
    if art and LEVELS[art] > LEVELS[level]:
        parts.append('<p class="kcr-wording"><span class="kcr-badge kcr-overclaim">Wording overstates certainty</span> '
                     f"The article's wording implies {esc(CERTAINTY[art].lower())} certainty; the evidence supports "
                     f"{esc(CERTAINTY[level].lower())}.")
        if d.get("wording_note"):
            parts.append(f" {esc(d['wording_note'])}")
        parts.append("</p>")
    elif d.get("wording_note"):
        parts.append(f'<p class="kcr-wording">{esc(d["wording_note"])}</p>')
    parts.append("</div>\n\n")
    return "".join(parts)


def _evidence(d: dict, review: Review, number: dict[str, int], plain: dict[str, str], chart: str) -> str:
    rows = ['<h2 id="evidence" data-search-exclude>Evidence</h2>\n\n' + (f'<div class="kcr-chart">{chart}</div>\n\n' if chart else "")
            + '<div class="kcr-table-wrap" role="region" aria-label="Evidence table" tabindex="0">'
            '<table class="kcr-table kcr-evidence kcr-stack">'
            '<thead><tr><th scope="col">Ref.</th><th scope="col">Design</th><th scope="col">Population</th>'
            '<th scope="col">n</th><th scope="col">Stance</th><th scope="col">Finding</th></tr></thead><tbody>']
    for item in d["evidence"]:
        n = number.get(item["ref"])
        marker = (link(f"#ref-{n}", f"[{n}]", class_="kcr-cite", title=plain.get(item["ref"], ""))
                  if n else esc(item["ref"]))
        substance = SUBSTANCES.get(item.get("substance", ""), "")
        pop = esc(POPULATIONS[item["population"]]) + (f"<br><small>{esc(substance)}</small>" if substance and substance != "—" else "")
        rows.append(
            f'<tr><td data-label="Ref.">{marker}</td><td data-label="Design">{esc(DESIGNS[item["design"]])}</td>'
            f'<td data-label="Population">{pop} {indirect_badges(item)}</td>'
            f'<td data-label="n">{esc(item["n"]) if "n" in item else "—"}</td>'
            f'<td data-label="Stance"><span class="kcr-badge kcr-stance kcr-stance-{item["stance"]}">'
            f'{esc(STANCES[item["stance"]])}</span></td>'
            f'<td data-label="Finding">{esc(item["finding"])}</td></tr>'
        )
    rows.append("</tbody></table></div>\n\n")
    return "".join(rows)


def _history(d: dict) -> str:
    rows = [f'<h2 id="history" data-search-exclude>Version history</h2>\n\n<div class="kcr-text"><p>Version {esc(d["version"])}, '
            f'last reviewed {esc(d["reviewed"])}.</p><table class="kcr-table kcr-stack"><thead><tr><th scope="col">Version</th>'
            '<th scope="col">Date</th><th scope="col">Change</th><th scope="col">Conclusion changed</th></tr></thead><tbody>']
    for e in reversed(d["changelog"]):
        flag = '<span class="kcr-badge kcr-changed">Conclusion changed</span>' if e["conclusion_changed"] else "No"
        rows.append(f'<tr><td data-label="Version">{esc(e["version"])}</td><td data-label="Date">{esc(e["date"])}</td>'
                    f'<td data-label="Change">{esc(e["summary"])}</td><td data-label="Conclusion changed">{flag}</td></tr>')
    rows.append("</tbody></table></div>\n\n")
    return "".join(rows)
