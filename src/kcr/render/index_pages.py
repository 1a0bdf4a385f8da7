"""Index pages: all claims, all references, one page per reference, and the coverage map."""

from __future__ import annotations

from collections import Counter

from ..bib import Reference
from ..check import Review
from ..claims import Claim
from ..latex import to_text
from .claim_page import DESIGNS, POPULATIONS, STANCES, TOPICS, TYPES, reference_links
from .html import (
    CERTAINTY,
    VERDICTS,
    attr,
    certainty_badge,
    esc,
    front_matter,
    link,
    plural,
    quoted,
    region,
    verdict_badge,
)
from .provenance import notice_flag, reference_details
from .sentences import article_order, reading_numbers
from .verdict_marks import contradicting_marker
from .withdrawn_page import index_section

# index pages repeat what the claim and reference pages hold; indexing them too would make the
# search index grow with the square of the review (every claim listed on every index page)
NO_SEARCH = {"exclude": True}
VERDICT_ORDER = {v: 7 - s for v, (_, s) in VERDICTS.items()}


def _sorted_claims(review: Review) -> list[Claim]:
    return sorted(review.claims, key=lambda c: c.id)


LEVEL_SCORE = {"high": 4, "moderate": 3, "low": 2, "very-low": 1}
CLAIM_COLUMNS = [("Claim", "num"), ("Verdict", "num"), ("Certainty", "num"), ("Type", "text"), ("Topic", "text"),
                 ("References", "num")]


def claims_index(review: Review) -> str:
    """The claims in the article's order: a table on wide screens, one card a claim on narrow ones;
    filterable by verdict, certainty, type and topic (also from the address: ``?verdict=…``) and
    sortable by any column (the script in ``assets/kcr.js``; without it the whole list shows)."""
    out = [front_matter("Claims", "Every claim of the reviewed article with its verdict and certainty.", search=NO_SEARCH,
                        hide=["toc"])]
    out.append('<h1>Claims</h1>\n\n<div class="kcr-text"><p>Every statement of the reviewed article, as a record '
               f"with its verdict and the certainty of the evidence: {plural(len(review.claims), 'record')}, listed "
               "in the order the article makes them. Select a column heading to sort by it (again to reverse); "
               "the menus narrow the list.</p></div>\n\n")
    out.append(_filters(review))
    head = "".join(
        f'<th scope="col" data-sort="{kind}"' + (' aria-sort="ascending"' if i == 0 else "") + f">{label}"
        + (' <span class="kcr-sort-note">(article order)</span>' if i == 0 else "") + "</th>"
        for i, (label, kind) in enumerate(CLAIM_COLUMNS))
    rows = []
    for position, c in enumerate(article_order(review), start=1):
        d = c.data
        verdict = d.get("verdict") or "none"
        level = (d.get("certainty") or {}).get("level") or "none"
        nrefs = len({e["ref"] for e in d.get("evidence") or []})
        vscore = VERDICTS[verdict][1] if verdict in VERDICTS else 0
        cert = certainty_badge(None if level == "none" else level, short=True)
        rows.append(
            f'<tr data-verdict="{attr(verdict)}" data-certainty="{attr(level)}" data-type="{attr(d["type"])}" '
            f'data-topic="{attr(d["topic"])}">'
            f'<td data-label="Claim" data-value="{position}">{link(f"{c.id}/", quoted(d["statement"]))}</td>'
            f'<td data-label="Verdict" data-value="{vscore}">{verdict_badge(d.get("verdict"), short=True)} {contradicting_marker(d)}</td>'
            f'<td data-label="Certainty" data-value="{LEVEL_SCORE.get(level, 0)}"'
            + (f">{cert}" if cert else ' class="kcr-empty"><span class="kcr-muted">none</span>') + "</td>"
            f'<td data-label="Type" data-value="{attr(d["type"])}">{esc(TYPES[d["type"]])}</td>'
            f'<td data-label="Topic" data-value="{attr(d["topic"])}">{esc(TOPICS[d["topic"]])}</td>'
            f'<td data-label="References" data-value="{nrefs}">{nrefs}</td></tr>'
        )
    table = (f'<table class="kcr-table kcr-claims" id="kcr-claims"><thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    out.append(region("Claims", table) + "\n")
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
    out.append(f'<h1>References</h1>\n\n<div class="kcr-text"><p>{plural(len(review.refs), "reference")}, each checked against '
               "the published record named on its page.</p></div>\n\n<ol class=\"kcr-references\">")
    for key in sorted(review.refs):
        ref = review.refs[key]
        citing = review.citing(key)
        claims = ", ".join(link(f"../claims/{c.id}/", quoted(c.data["statement"])) for c, _ in citing)
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
    out.append('<h2 id="cited-by" data-search-exclude>Cited by</h2>\n\n')
    rows = []
    for c, e in review.citing(ref.key):
        rows.append(f'<tr><td data-label="Claim">{link(f"../../claims/{c.id}/", quoted(c.data["statement"]))}</td>'
                    f'<td data-label="Design">{esc(DESIGNS[e["design"]])}</td>'
                    f'<td data-label="Population">{esc(POPULATIONS[e["population"]])}</td>'
                    f'<td data-label="Stance"><span class="kcr-badge kcr-stance kcr-stance-{e["stance"]}">'
                    f'{esc(STANCES[e["stance"]])}</span></td>'
                    f'<td data-label="Finding">{esc(e["finding"])}</td></tr>')
    out.append(region("Claims citing this reference", '<table class="kcr-table kcr-stack"><thead><tr>'
                      '<th scope="col">Claim</th><th scope="col">Design</th><th scope="col">Population</th>'
                      '<th scope="col">Stance</th><th scope="col">Finding</th></tr></thead><tbody>'
                      + "".join(rows) + "</tbody></table>") + "\n")
    return "".join(out)


def coverage_page(review: Review, set_aside: dict[int, str]) -> str:
    """The article sentence by sentence, each linked to its record or set aside with a reason.

    Sentences are numbered as the page counts them (headings are shown but neither counted nor
    numbered), so the last number equals the total in the summary."""
    art = review.article
    assert art is not None
    covered = coverage(review)
    numbers = reading_numbers(art)
    body = [s for s in art.sentences if not s.heading]
    n_cov = sum(1 for s in body if covered.get(s.number))
    n_set = sum(1 for s in body if not covered.get(s.number) and s.number in set_aside)
    n_none = len(body) - n_cov - n_set
    out = [front_matter("Coverage of the article", "The reviewed article sentence by sentence, each linked to its record.",
                        search=NO_SEARCH)]
    out.append('<h1>Coverage of the article</h1>\n\n<div class="kcr-text">'
               "<p>The reviewed article, sentence by sentence. Each sentence links to the record or records that "
               "review it, and is coloured by the verdict; sentences not reviewed say why.</p>"
               f'<p class="kcr-coverage-stats"><strong>{n_cov} of {plural(len(body), "sentence")}</strong> '
               f"({100 * n_cov / max(1, len(body)):.0f}%) {'is' if n_cov == 1 else 'are'} covered by a record; "
               f"{n_set} {'is' if n_set == 1 else 'are'} set aside with a reason; "
               f"{n_none} {'is' if n_none == 1 else 'are'} neither. Headings are shown but not counted.</p>"
               '<p>The article: title, author, publisher, web address and date are unknown (the text was supplied '
               "without them). A copy of the text as reviewed is kept in the project repository "
               "(<code>source/article.txt</code>).</p></div>\n\n")
    out.append('<div class="kcr-coverage">')
    for s in art.sentences:
        if s.heading:
            text = s.text[2:].strip() if s.text.startswith("- ") else s.text
            kind = "contents entry" if s.text.startswith("- ") else "heading"
            out.append(f'<p class="kcr-heading"><strong>{esc(text)}</strong> '
                       f'<small>({kind}, not reviewed)</small></p>')
            continue
        n = numbers[s.number]
        claims = covered.get(s.number, [])
        if claims:
            worst = min(claims, key=lambda c: VERDICTS.get(c.data.get("verdict") or "", ("", 7))[1])
            verdict = worst.data.get("verdict") or "none"
            links = " ".join(link(f"../claims/{c.id}/", verdict_badge(c.data.get("verdict")) + contradicting_marker(c.data)
                                  + " " + quoted(c.data["statement"]),
                                  class_="kcr-cov-link") for c in claims)
            out.append(f'<p class="kcr-sentence kcr-verdict-{attr(verdict)}" id="s{n}">'
                       f'<span class="kcr-snum">{n}</span> {esc(s.text)}<br><small>{links}</small></p>')
        else:
            reason = set_aside.get(s.number, "Not yet reviewed.")
            out.append(f'<p class="kcr-sentence kcr-unreviewed" id="s{n}"><span class="kcr-snum">{n}</span> '
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


def evidence_page(review: Review, table: str) -> str:
    """The evidence map, and the downloads."""
    out = [front_matter("Evidence map", "Every claim's studies by stance toward the claim and by design.", hide=["toc"],
                        search=NO_SEARCH)]
    n_items = sum(len(c.data.get("evidence") or []) for c in review.claims)
    out.append('<h1>Evidence map</h1>\n\n<div class="kcr-text"><p>Each row is a checkable claim, in the order the '
               "article makes them, with its verdict. The columns sort the studies cited for it by what they show "
               "about the claim as worded: they <strong>support</strong> it, <strong>contradict</strong> it, are "
               "<strong>mixed</strong> (both directions, or a benefit with a harm that qualifies it), or give "
               "<strong>context</strong> only (they do not test the claim); each lists the kinds of study and how "
               f"many of each. {plural(n_items, 'evidence item')} from {plural(len(review.refs), 'reference')}. "
               'The <a href="../methodology/">methodology</a> defines each stance.</p></div>\n\n')
    out.append(table + "\n\n")
    out.append('<h2 id="downloads">Downloads</h2>\n\n<div class="kcr-text"><ul>'
               f'<li>{link("../data/review.json", "The whole review as JSON")} (claims, evidence and references)</li>'
               f'<li>{link("../data/references.bib", "All references as BibTeX")}</li>'
               f'<li>{link("../data/references.json", "All references as CSL-JSON")}</li>'
               "</ul><p>The record format is published as a JSON Schema in the repository "
               "(<code>schema/claim.schema.json</code>).</p></div>\n")
    return "".join(out)


# The article's central claims, shown first on the home page in the article's order. A record renamed
# since keeps its old id in former_ids and is still found; the site tests require all six on the
# real review's home page.
CENTRAL_CLAIMS = ("kratom-increases-dopamine", "kratom-reduces-cravings", "kratom-eases-physical-withdrawal-symptoms",
                  "kratom-improves-mood", "kratom-is-safer", "kratom-promising-alternative-therapy")


def central_claims(review: Review) -> list[Claim]:
    """The central claims present in the review, in the article's order; without any (another
    project), the first six checkable claims in the article's order."""
    wanted = set(CENTRAL_CLAIMS)
    found = [c for c in article_order(review)
             if c.id in wanted or wanted & set(c.data.get("former_ids") or [])]
    return found or [c for c in article_order(review) if c.data.get("checkable")][:6]


def home_answer(review: Review) -> str:
    """The home page's short answer: the central claims with their verdicts, in plain words."""
    claims = central_claims(review)
    if not claims:
        return '<div class="kcr-answer"><p>No claim has been reviewed yet.</p></div>\n'
    verdicts = [c.data.get("verdict") for c in claims]
    good = sum(1 for v in verdicts if v in ("accurate", "mostly-accurate"))
    rest = Counter(v for v in verdicts if v not in ("accurate", "mostly-accurate"))
    rest_words = _and([f"{n} {VERDICTS[v][0].lower() if v else 'not checkable'}"
                       for v, n in sorted(rest.items(), key=lambda kv: -VERDICTS.get(kv[0] or "", ("", 0))[1])])
    k = len(claims)
    if good == 0:
        lead = (f"The published evidence does not back the article's central claims as written: none of the "
                f"{plural(k, 'claim')} below is rated accurate or mostly accurate ({rest_words}).")
    elif good == k:
        lead = f"The published evidence backs the article's central claims: all {k} below are rated accurate or mostly accurate."
    else:
        lead = (f"The published evidence backs {good} of the article's {plural(k, 'central claim')} below "
                f"(rated accurate or mostly accurate); the rest are {rest_words}.")
    levels = {(c.data.get("certainty") or {}).get("level") for c in claims}
    level = next(iter(levels)) if len(levels) == 1 else None
    if level is not None:
        lead += f" The certainty of the evidence behind each is {CERTAINTY[level].lower()}."
    items = []
    for c in claims:
        d = c.data
        why = f'<span class="kcr-answer-why">{esc(d["conclusion"])}</span>' if d.get("conclusion") else ""
        items.append(f'<li>{link(f"claims/{c.id}/", "“" + esc(d["statement"]) + "”")} '
                     f'<span class="kcr-answer-badges">{verdict_badge(d.get("verdict"))} {contradicting_marker(d)} '
                     f'{certainty_badge((d.get("certainty") or {}).get("level"))}</span>{why}</li>')
    return (f'<div class="kcr-answer"><p class="kcr-answer-lead">{esc(lead)}</p>'
            f'<ul class="kcr-answer-list">{"".join(items)}</ul></div>\n')


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""
