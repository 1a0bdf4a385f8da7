"""Index pages: all claims, all references, one page per reference, and the coverage map."""

from __future__ import annotations

from ..bib import Reference
from ..latex import to_text
from ..check import Review
from ..claims import Claim
from .claim_page import DESIGNS, POPULATIONS, STANCES, TOPICS, TYPES, reference_links
from .html import CERTAINTY, VERDICTS, attr, certainty_badge, esc, front_matter, link, verdict_badge
from .provenance import notice_flag, reference_details
from .verdict_marks import contradicting_marker
from .withdrawn_page import index_section

# index pages repeat what the claim and reference pages hold; indexing them too would make the
# search index grow with the square of the review (every claim listed on every index page)
NO_SEARCH = {"exclude": True}
VERDICT_ORDER = {v: 7 - s for v, (_, s) in VERDICTS.items()}


def _sorted_claims(review: Review) -> list[Claim]:
    return sorted(review.claims, key=lambda c: c.id)


def claims_index(review: Review) -> str:
    """The claims table: claim, verdict, certainty, type, topic and references, filterable."""
    out = [front_matter("Claims", "Every claim of the reviewed article with its verdict and certainty.", search=NO_SEARCH)]
    out.append('<h1>Claims</h1>\n\n<div class="kcr-text"><p>Every statement of the reviewed article, as a record '
               f"with its verdict and GRADE certainty. {len(review.claims)} records.</p></div>\n\n")
    out.append(_filters(review))
    out.append('<div class="kcr-table-wrap"><table class="kcr-table kcr-claims" id="kcr-claims">'
               '<thead><tr><th scope="col" data-sort="text">Claim</th><th scope="col" data-sort="num">Verdict</th>'
               '<th scope="col" data-sort="num">Certainty</th><th scope="col" data-sort="text">Type</th>'
               '<th scope="col" data-sort="text">Topic</th><th scope="col" data-sort="num">References</th></tr></thead><tbody>')
    levels = {"high": 4, "moderate": 3, "low": 2, "very-low": 1}
    for c in _sorted_claims(review):
        d = c.data
        verdict = d.get("verdict") or "none"
        level = (d.get("certainty") or {}).get("level") or "none"
        nrefs = len({e["ref"] for e in d.get("evidence") or []})
        vscore = VERDICTS[verdict][1] if verdict in VERDICTS else 0
        out.append(
            f'<tr data-verdict="{attr(verdict)}" data-certainty="{attr(level)}" data-type="{attr(d["type"])}" '
            f'data-topic="{attr(d["topic"])}">'
            f'<td data-value="{attr(d["statement"])}">{link(f"{c.id}/", esc(d["statement"]))}</td>'
            f'<td data-value="{vscore}">{verdict_badge(d.get("verdict"))} {contradicting_marker(d)}</td>'
            f'<td data-value="{levels.get(level, 0)}">{certainty_badge(d.get("certainty", {}).get("level")) or "—"}</td>'
            f'<td data-value="{attr(d["type"])}">{esc(TYPES[d["type"]])}</td>'
            f'<td data-value="{attr(d["topic"])}">{esc(TOPICS[d["topic"]])}</td>'
            f'<td data-value="{nrefs}">{nrefs}</td></tr>'
        )
    out.append("</tbody></table></div>\n")
    out.append(index_section(review))
    return "".join(out)


def _filters(review: Review) -> str:
    def select(name: str, label: str, options: dict[str, str]) -> str:
        opts = "".join(f'<option value="{attr(k)}">{esc(v)}</option>' for k, v in options.items())
        return (f'<label>{label} <select data-filter="{name}"><option value="">All</option>{opts}</select></label> ')

    verdicts = {k: v[0] for k, v in VERDICTS.items()} | {"none": "Not checkable"}
    certainty = dict(CERTAINTY) | {"none": "None"}
    return ('<form class="kcr-filters" aria-label="Filter claims">'
            + select("verdict", "Verdict", verdicts) + select("certainty", "Certainty", certainty)
            + select("type", "Type", TYPES) + select("topic", "Topic", TOPICS)
            + '<output class="kcr-count" aria-live="polite"></output></form>\n\n')


def references_index(review: Review, formatted: dict[str, str]) -> str:
    """All references, each with the claims that cite it."""
    out = [front_matter("References", "Every reference cited by the review, with the claims that cite it.", search=NO_SEARCH)]
    out.append(f'<h1>References</h1>\n\n<div class="kcr-text"><p>{len(review.refs)} references, each checked against '
               "the published record named on its page.</p></div>\n\n<ol class=\"kcr-references\">")
    for key in sorted(review.refs):
        ref = review.refs[key]
        citing = review.citing(key)
        claims = ", ".join(link(f"../claims/{c.id}/", esc(c.data["statement"])) for c, _ in citing)
        out.append(f'<li id="{attr(key)}">{formatted[key]} {reference_links(ref)} {notice_flag(ref)} '
                   f'{link(f"{key}/", "Details")}<br><small>Cited by: {claims}</small></li>')
    out.append("</ol>\n")
    return "".join(out)


def reference_page(ref: Reference, review: Review, formatted: dict[str, str]) -> str:
    """One reference: its citation, identifiers, where it was verified, and every claim citing it."""
    title = to_text(ref.get("title"))  # TeX accents and dashes decoded (kcr.latex)
    out = [front_matter(title[:120], f"Reference {ref.key} and the claims of the review that cite it.")]
    out.append(f'<h1>{esc(title)}</h1>\n\n<div class="kcr-text"><p>{formatted[ref.key]}</p>'
               f"<p data-search-exclude>{reference_links(ref)}</p>")
    verified = ref.get("verified").strip()
    if verified.startswith("https://"):
        out.append(f"<p data-search-exclude>Details checked against: "
                   f"{link(verified, esc(verified), rel='nofollow noopener')}</p>")
    else:
        out.append(f"<p data-search-exclude>Details checked against: <code>{esc(verified)}</code></p>")
    out.append(reference_details(ref))
    if any(a.lower() == "others" for a in ref.authors):
        out.append("<p><small>The source page showed a shortened author list; only the authors shown are listed.</small></p>")
    out.append(f"<p data-search-exclude>Citation key: <code>{esc(ref.key)}</code></p></div>\n\n")
    out.append('<h2 id="cited-by" data-search-exclude>Cited by</h2>\n\n<div class="kcr-table-wrap"><table class="kcr-table"><thead><tr>'
               '<th scope="col">Claim</th><th scope="col">Design</th><th scope="col">Population</th>'
               '<th scope="col">Stance</th><th scope="col">Finding</th></tr></thead><tbody>')
    for c, e in review.citing(ref.key):
        out.append(f"<tr><td>{link(f'../../claims/{c.id}/', esc(c.data['statement']))}</td>"
                   f"<td>{esc(DESIGNS[e['design']])}</td><td>{esc(POPULATIONS[e['population']])}</td>"
                   f'<td><span class="kcr-badge kcr-stance kcr-stance-{e["stance"]}">{esc(STANCES[e["stance"]])}</span></td>'
                   f"<td>{esc(e['finding'])}</td></tr>")
    out.append("</tbody></table></div>\n")
    return "".join(out)


def coverage_page(review: Review, set_aside: dict[int, str]) -> str:
    """The article sentence by sentence, each linked to its record or set aside with a reason."""
    art = review.article
    assert art is not None
    covered = coverage(review)
    body = [s for s in art.sentences if not s.heading]
    n_cov = sum(1 for s in body if covered.get(s.number))
    n_set = sum(1 for s in body if not covered.get(s.number) and s.number in set_aside)
    out = [front_matter("Coverage of the article", "The reviewed article sentence by sentence, each linked to its record.",
                        search=NO_SEARCH)]
    out.append('<h1>Coverage of the article</h1>\n\n<div class="kcr-text">'
               "<p>The reviewed article, sentence by sentence. Each sentence links to the record or records that "
               "review it, and is coloured by the verdict; sentences not reviewed say why.</p>"
               f'<p class="kcr-coverage-stats"><strong>{n_cov} of {len(body)}</strong> sentences '
               f"({100 * n_cov / max(1, len(body)):.0f}%) are covered by a record; {n_set} are set aside with a reason; "
               f"{len(body) - n_cov - n_set} are neither.</p>"
               '<p>The article: title, author, publisher, web address and date are unknown (the text was supplied '
               "without them). A copy of the text as reviewed is kept in the project repository "
               "(<code>source/article.txt</code>).</p></div>\n\n")
    out.append('<div class="kcr-coverage">')
    section = None
    for s in art.sentences:
        if s.section != section and not s.heading:
            section = s.section
        if s.heading:
            out.append(f'<p class="kcr-heading" id="s{s.number}"><strong>{esc(s.text)}</strong> '
                       '<small>(heading, not reviewed)</small></p>')
            continue
        claims = covered.get(s.number, [])
        if claims:
            worst = min(claims, key=lambda c: VERDICTS.get(c.data.get("verdict") or "", ("", 7))[1])
            verdict = worst.data.get("verdict") or "none"
            links = " ".join(link(f"../claims/{c.id}/", verdict_badge(c.data.get("verdict")) + contradicting_marker(c.data)
                                  + " " + esc(c.data["statement"]),
                                  class_="kcr-cov-link") for c in claims)
            out.append(f'<p class="kcr-sentence kcr-verdict-{attr(verdict)}" id="s{s.number}">'
                       f'<span class="kcr-snum">{s.number}</span> {esc(s.text)}<br><small>{links}</small></p>')
        else:
            reason = set_aside.get(s.number, "Not yet reviewed.")
            out.append(f'<p class="kcr-sentence kcr-unreviewed" id="s{s.number}"><span class="kcr-snum">{s.number}</span> '
                       f'{esc(s.text)}<br><small><span class="kcr-badge">Not reviewed</span> {esc(reason)}</small></p>')
    out.append("</div>\n")
    return "".join(out)


def coverage(review: Review) -> dict[int, list[Claim]]:
    """Sentence number → the claims whose quotes overlap it."""
    out: dict[int, list[Claim]] = {}
    if review.article is None:
        return out
    for c in _sorted_claims(review):
        for q in c.data.get("quotes") or []:
            for s in review.article.sentences_for(q["text"]):
                if c not in out.setdefault(s.number, []):
                    out[s.number].append(c)
    return out


def evidence_page(review: Review, svg: str) -> str:
    """The evidence map, and the downloads."""
    out = [front_matter("Evidence map", "Every claim's studies by design and by stance toward the claim.", hide=["toc"], search=NO_SEARCH)]
    n_items = sum(len(c.data.get("evidence") or []) for c in review.claims)
    out.append('<h1>Evidence map</h1>\n\n<div class="kcr-text"><p>Each row is a checkable claim; each column a kind of '
               "study. A cell counts the studies of that kind by their stance toward the claim: + supports, − "
               f"contradicts, ± mixed, · context. {n_items} evidence items from {len(review.refs)} references.</p></div>\n\n")
    out.append(f'<div class="kcr-chart kcr-map-wrap">{svg}</div>\n\n')
    out.append('<h2 id="downloads">Downloads</h2>\n\n<div class="kcr-text"><ul>'
               f'<li>{link("../data/review.json", "The whole review as JSON")} (claims, evidence and references)</li>'
               f'<li>{link("../data/references.bib", "All references as BibTeX")}</li>'
               f'<li>{link("../data/references.json", "All references as CSL-JSON")}</li>'
               "</ul><p>The record format is published as a JSON Schema in the repository "
               "(<code>schema/claim.schema.json</code>).</p></div>\n")
    return "".join(out)
