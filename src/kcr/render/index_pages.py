"""Index pages: all claims, all references, one page per reference, the coverage map and the evidence map.

Each listing is one page for a small review and several for a large one (:mod:`.pager`): every page stays
light enough for a phone at thousands of claims, and lists its rows without script."""

from __future__ import annotations

import json
from collections import Counter

from ..bib import Reference
from ..check import Review
from ..claims import Claim
from ..grade import contradicting
from ..latex import to_text
from . import charts, pager
from .claim_page import DESIGNS, POPULATIONS, STANCES, TOPICS, TYPES, reference_links
from .html import (
    CERTAINTY,
    CERTAINTY_SYMBOL,
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


def claims_index(review: Review, per_page: int | None = None) -> dict[str, str]:
    """The claims in the article's order: a table on wide screens, one card a claim on narrow ones;
    filterable by verdict, certainty, type and topic (also from the address: ``?verdict=…``) and
    sortable by any column (the script in ``assets/kcr.js``; without it every row of the page shows).

    docs-relative path → content.  A large review's list is cut into pages (:mod:`.pager`): each page
    lists its rows without any script, and the script, when the reader first filters or sorts, loads
    every claim from the data files (``data/claims-index/<k>.json``, none over the byte budget) and
    filters and sorts them all."""
    claims = article_order(review)
    rows = [_claim_row(position, c) for position, c in enumerate(claims, start=1)]
    pages = pager.split([len(r) for r in rows], pager.rows_per_page("claims", per_page))
    out: dict[str, str] = {}
    chunks: list[str] = []
    if len(pages) > 1:
        # the file's frame ({"symbols":…,"rows":[]} and a newline) and each row with its comma within the budget
        frame = len(json.dumps({"symbols": CERTAINTY_SYMBOL, "rows": []}, separators=(",", ":"))) + 1
        sizes = [len(json.dumps(_claim_data(p, c), separators=(",", ":"))) + 1 for p, c in enumerate(claims, start=1)]
        for k, part in enumerate(pager.split(sizes, len(sizes), CHUNK_BUDGET - frame), start=1):
            chunk = {"symbols": CERTAINTY_SYMBOL, "rows": [_claim_data(p + 1, claims[p]) for p in part]}
            out[f"{CLAIMS_DATA}/{k}.json"] = json.dumps(chunk, separators=(",", ":")) + "\n"
            chunks.append(f"{k}.json")
    for k, part in enumerate(pages, start=1):
        up = pager.up(k)
        title = "Claims" if k == 1 else f"Claims, page {k} of {len(pages)}"
        page = [front_matter(title, "Every claim of the reviewed article with its verdict and certainty.",
                             search=NO_SEARCH, hide=["toc"])]
        page.append(f'<h1>{esc(title)}</h1>\n\n<div class="kcr-text"><p>Every statement of the reviewed article, as a '
                    f"record with its verdict and the certainty of the evidence: {plural(len(review.claims), 'record')}, "
                    "listed in the order the article makes them. Select a column heading to sort by it (again to "
                    "reverse); the menus narrow the list.</p>"
                    + pager.status("claims", part, len(claims), k, len(pages)) + "</div>\n\n")
        page.append(_filters(review))
        head = "".join(
            f'<th scope="col" data-sort="{kind}"' + (' aria-sort="ascending"' if i == 0 else "") + f">{label}"
            + (' <span class="kcr-sort-note">(article order)</span>' if i == 0 else "") + "</th>"
            for i, (label, kind) in enumerate(CLAIM_COLUMNS))
        data = ""
        if chunks:
            base = f"{up}../{CLAIMS_DATA}/"
            data = (f' data-total="{len(claims)}" data-base="{attr(up)}" '
                    f'data-chunks="{attr(" ".join(base + c for c in chunks))}"')
        body = "".join(rows[i] for i in part)
        if up:
            body = body.replace('<a href="', f'<a href="{up}')
        table = (f'<table class="kcr-table kcr-claims" id="kcr-claims"{data}><thead><tr>{head}</tr></thead>'
                 f"<tbody>{body}</tbody></table>")
        page.append(region("Claims", table) + "\n")
        page.append(pager.nav(len(pages), k, lambda j: f"claims {pages[j - 1].start + 1}–{pages[j - 1].stop}"))
        if k == 1:
            page.append(index_section(review))
        out[pager.path("claims", k)] = "".join(page)
    return out


CLAIMS_DATA = "data/claims-index"
CHUNK_BUDGET = 400_000  # bytes a data file of the claims index at most


def _claim_data(position: int, c: Claim) -> list:
    """One claim as the claims index's script reads it (see ``assets/kcr.js``): text only, no markup."""
    d = c.data
    verdict = d.get("verdict") or "none"
    return [position, c.id, d["statement"], verdict, VERDICTS[verdict][1] if verdict in VERDICTS else 0,
            (d.get("certainty") or {}).get("level") or "none", d["type"], d["topic"],
            len({e["ref"] for e in d.get("evidence") or []}), contradicting(d) if d.get("verdict") else 0]


def _claim_row(position: int, c: Claim) -> str:
    d = c.data
    verdict = d.get("verdict") or "none"
    level = (d.get("certainty") or {}).get("level") or "none"
    nrefs = len({e["ref"] for e in d.get("evidence") or []})
    vscore = VERDICTS[verdict][1] if verdict in VERDICTS else 0
    cert = certainty_badge(None if level == "none" else level, short=True)
    return (
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


def references_index(review: Review, formatted: dict[str, str], per_page: int | None = None) -> dict[str, str]:
    """All references by citation key, each with the claims that cite it; docs-relative path → content.
    A large list is cut into pages (:mod:`.pager`), with a jump list by the keys' first letters."""
    keys = sorted(review.refs)

    def item(key: str, up: str) -> str:
        ref = review.refs[key]
        claims = ", ".join(link(f"{up}../claims/{c.id}/", quoted(c.data["statement"])) for c, _ in review.citing(key))
        return (f'<li id="{attr(key)}">{formatted[key]} {reference_links(ref)} {notice_flag(ref)} '
                f'{link(f"{up}{key}/", "Details")}<br><small>Cited by: {claims}</small></li>')

    pages = pager.split([len(item(k, "")) for k in keys], pager.rows_per_page("references", per_page))
    on_page = {keys[i]: k for k, part in enumerate(pages, start=1) for i in part}
    out = {}
    for k, part in enumerate(pages, start=1):
        up = pager.up(k)
        title = "References" if k == 1 else f"References, page {k} of {len(pages)}"
        page = [front_matter(title, "Every reference cited by the review, with the claims that cite it.",
                             search=NO_SEARCH)]
        page.append(f'<h1>{esc(title)}</h1>\n\n<div class="kcr-text"><p>{plural(len(review.refs), "reference")}, '
                    "each checked against the published record named on its page.</p>"
                    + pager.status("references", part, len(keys), k, len(pages))
                    + (_letters(keys, on_page, k) if len(pages) > 1 else "") + "</div>\n\n")
        page.append(f'<ol class="kcr-references" start="{part.start + 1}">' if part.start else '<ol class="kcr-references">')
        page.extend(item(keys[i], up) for i in part)
        page.append("</ol>\n")
        page.append(pager.nav(len(pages), k, lambda j: _key_range(keys, pages[j - 1])))
        out[pager.path("references", k)] = "".join(page)
    return out


def _key_range(keys: list[str], rows: range) -> str:
    return f"references {keys[rows.start]} to {keys[rows.stop - 1]}" if len(rows) else "no references"


def _letters(keys: list[str], on_page: dict[str, int], current: int) -> str:
    """Jump list: each first letter of the keys, linked to its first reference wherever it is listed."""
    first: dict[str, str] = {}
    for key in keys:
        first.setdefault(key[:1].upper(), key)
    links = " ".join(link(("" if on_page[key] == current else pager.href(current, on_page[key])) + f"#{key}", esc(letter),
                          title=f"references from {key}") for letter, key in first.items())
    return f'<p class="kcr-letters">Jump to keys starting with: {links}</p>'


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


def coverage_page(review: Review, set_aside: dict[int, str], per_page: int | None = None,
                  covered: dict[int, list[Claim]] | None = None) -> dict[str, str]:
    """The article sentence by sentence, each linked to its record or set aside with a reason;
    docs-relative path → content (a long article, or one covered by thousands of claims, is cut into
    pages: :func:`coverage_pages`).

    Sentences are numbered as the page counts them (headings are shown but neither counted nor
    numbered), so the last number equals the total in the summary."""
    art = review.article
    assert art is not None
    body = [s for s in art.sentences if not s.heading]
    covered = coverage(review) if covered is None else covered
    n_cov = sum(1 for s in body if covered.get(s.number))
    n_set = sum(1 for s in body if not covered.get(s.number) and s.number in set_aside)
    n_none = len(body) - n_cov - n_set
    rows, pages, _ = _coverage_split(review, set_aside, covered, per_page)
    numbers = reading_numbers(art)
    out = {}
    for k, part in enumerate(pages, start=1):
        title = "Coverage of the article" if k == 1 else f"Coverage of the article, page {k} of {len(pages)}"
        page = [front_matter(title, "The reviewed article sentence by sentence, each linked to its record.",
                             search=NO_SEARCH)]
        page.append(f'<h1>{esc(title)}</h1>\n\n<div class="kcr-text">'
                    "<p>The reviewed article, sentence by sentence. Each sentence links to the record or records that "
                    "review it, and is coloured by the verdict; sentences not reviewed say why.</p>"
                    f'<p class="kcr-coverage-stats"><strong>{n_cov} of {plural(len(body), "sentence")}</strong> '
                    f"({100 * n_cov / max(1, len(body)):.0f}%) {'is' if n_cov == 1 else 'are'} covered by a record; "
                    f"{n_set} {'is' if n_set == 1 else 'are'} set aside with a reason; "
                    f"{n_none} {'is' if n_none == 1 else 'are'} neither. Headings are shown but not counted.</p>")
        if k == 1:
            page.append('<p>The article: title, author, publisher, web address and date are unknown (the text was '
                        "supplied without them). A copy of the text as reviewed is kept in the project repository "
                        "(<code>source/article.txt</code>).</p>")
        if len(pages) > 1:
            shown = [numbers[art.sentences[i].number] for i in part if not art.sentences[i].heading]
            span = f"sentences {shown[0]}–{shown[-1]}" if shown else "headings only"
            page.append(f'<p class="kcr-pager-status">This page: {span} (page {k} of {len(pages)}); '
                        "the pager below lists every page.</p>")
        page.append("</div>\n\n")
        up = pager.up(k)
        page.append('<div class="kcr-coverage">' + "".join(rows[i].replace("{up}", up) for i in part) + "</div>\n")

        def label(j: int) -> str:
            nums = [numbers[art.sentences[i].number] for i in pages[j - 1] if not art.sentences[i].heading]
            return f"sentences {nums[0]}–{nums[-1]}" if nums else "headings"

        page.append(pager.nav(len(pages), k, label))
        out[pager.path("coverage", k)] = "".join(page)
    return out


def coverage_pages(review: Review, per_page: int | None = None,
                   covered: dict[int, list[Claim]] | None = None) -> dict[int, int]:
    """Sentence number as the coverage page shows it → the page (from 1) that shows it."""
    if review.article is None:
        return {}
    _, _, where = _coverage_split(review, review.set_aside, coverage(review) if covered is None else covered,
                                  per_page)
    return where


def _coverage_split(review: Review, set_aside: dict[int, str], covered: dict[int, list[Claim]],
                    per_page: int | None) -> tuple[list[str], list[range], dict[int, int]]:
    """The coverage page's rows (links prefixed by ``{up}``), cut into pages, and each numbered sentence's page."""
    art = review.article
    assert art is not None
    numbers = reading_numbers(art)
    rows = []
    for s in art.sentences:
        if s.heading:
            text = s.text[2:].strip() if s.text.startswith("- ") else s.text
            kind = "contents entry" if s.text.startswith("- ") else "heading"
            rows.append(f'<p class="kcr-heading"><strong>{esc(text)}</strong> '
                        f'<small>({kind}, not reviewed)</small></p>')
            continue
        n = numbers[s.number]
        claims = covered.get(s.number, [])
        if claims:
            worst = min(claims, key=lambda c: VERDICTS.get(c.data.get("verdict") or "", ("", 7))[1])
            verdict = worst.data.get("verdict") or "none"
            links = " ".join(link(f"{{up}}../claims/{c.id}/", verdict_badge(c.data.get("verdict"))
                                  + contradicting_marker(c.data) + " " + quoted(c.data["statement"]),
                                  class_="kcr-cov-link") for c in claims)
            rows.append(f'<p class="kcr-sentence kcr-verdict-{attr(verdict)}" id="s{n}">'
                        f'<span class="kcr-snum">{n}</span> {esc(s.text)}<br><small>{links}</small></p>')
        else:
            reason = set_aside.get(s.number, "Not yet reviewed.")
            rows.append(f'<p class="kcr-sentence kcr-unreviewed" id="s{n}"><span class="kcr-snum">{n}</span> '
                        f'{esc(s.text)}<br><small><span class="kcr-badge">Not reviewed</span> {esc(reason)}</small></p>')
    pages = pager.split([len(r) for r in rows], pager.rows_per_page("coverage", per_page))
    where = {numbers[art.sentences[i].number]: k for k, part in enumerate(pages, start=1) for i in part
             if not art.sentences[i].heading}
    return rows, pages, where


def coverage(review: Review) -> dict[int, list[Claim]]:
    """Sentence number → the claims whose quotes overlap it."""
    out: dict[int, list[Claim]] = {}
    if review.article is None:
        return out
    seen: set[tuple[int, int]] = set()  # (sentence, claim) by identity: comparing claims compares their data
    for c in _sorted_claims(review):
        for q in c.data.get("quotes") or []:
            for s in review.article.sentences_for(q["text"]):
                if (s.number, id(c)) not in seen:
                    seen.add((s.number, id(c)))
                    out.setdefault(s.number, []).append(c)
    return out


def evidence_page(review: Review, per_page: int | None = None) -> dict[str, str]:
    """The evidence map, and the downloads; docs-relative path → content (a large map cut into pages)."""
    rows = charts.evidence_rows(review)
    pages = pager.split([len(r) for r in rows], pager.rows_per_page("evidence", per_page))
    n_items = sum(len(c.data.get("evidence") or []) for c in review.claims)
    out = {}
    for k, part in enumerate(pages, start=1):
        up = pager.up(k)
        title = "Evidence map" if k == 1 else f"Evidence map, page {k} of {len(pages)}"
        page = [front_matter(title, "Every claim's studies by stance toward the claim and by design.", hide=["toc"],
                             search=NO_SEARCH)]
        page.append(f'<h1>{esc(title)}</h1>\n\n<div class="kcr-text"><p>Each row is a checkable claim, in the order the '
                    "article makes them, with its verdict. The columns sort the studies cited for it by what they show "
                    "about the claim as worded: they <strong>support</strong> it, <strong>contradict</strong> it, are "
                    "<strong>mixed</strong> (both directions, or a benefit with a harm that qualifies it), or give "
                    "<strong>context</strong> only (they do not test the claim); each lists the kinds of study and how "
                    f"many of each. {plural(n_items, 'evidence item')} from {plural(len(review.refs), 'reference')}. "
                    f'The <a href="{up}../methodology/">methodology</a> defines each stance.</p>'
                    + pager.status("claims", part, len(rows), k, len(pages)) + "</div>\n\n")
        part_rows = rows[part.start:part.stop]
        if up:
            part_rows = [r.replace('<a href="../claims/', f'<a href="{up}../claims/', 1) for r in part_rows]
        page.append(charts.evidence_table(part_rows) + "\n\n")
        page.append(pager.nav(len(pages), k, lambda j: f"claims {pages[j - 1].start + 1}–{pages[j - 1].stop}"))
        if k == 1:
            page.append('<h2 id="downloads">Downloads</h2>\n\n<div class="kcr-text"><ul>'
                        f'<li>{link("../data/review.json", "The whole review as JSON")} (claims, evidence and references)</li>'
                        f'<li>{link("../data/references.bib", "All references as BibTeX")}</li>'
                        f'<li>{link("../data/references.json", "All references as CSL-JSON")}</li>'
                        "</ul><p>The record format is published as a JSON Schema in the repository "
                        "(<code>schema/claim.schema.json</code>).</p></div>\n")
        out[pager.path("evidence", k)] = "".join(page)
    return out


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
