"""Charts drawn at build time from the records: no scripts, no network.

The overview of verdicts by certainty and the evidence map are HTML tables
(their text keeps its size and wraps on a phone, and they follow the dark
theme through the stylesheet); one claim's evidence by design is a small SVG
drawn at its natural size, never scaled down. Every cell and bar carries its
count as visible text and as ``data-*`` attributes (which the tests compare
with the records); colour is never the only cue.
"""

from __future__ import annotations

from collections import Counter

from ..check import Review
from ..claims import Claim
from ..grade import contradicting
from .html import CERTAINTY, CERTAINTY_SYMBOL, VERDICTS, attr, esc, plural, quoted, region, verdict_badge
from .sentences import article_order

POP_COLOURS = {"human": "#0d47a1", "animal": "#6d4c41", "in-vitro": "#00695c", "none": "#616161"}
POP_LABELS = {"human": "Humans", "animal": "Animals", "in-vitro": "Cells/receptors", "none": "No population"}

DESIGN_GROUPS = [
    ("Systematic reviews", {"systematic-review", "meta-analysis"}),
    ("Trials", {"rct", "non-randomised-trial"}),
    ("Observational", {"cohort", "case-control", "cross-sectional"}),
    ("Case reports/series", {"case-report", "case-series"}),
    ("Surveillance", {"surveillance"}),
    ("Animal", {"animal"}),
    ("In vitro", {"in-vitro"}),
    ("Reviews, regulators", {"narrative-review", "guideline", "regulatory"}),
]
STANCE_WORDS = [("supports", "Supports the claim"), ("contradicts", "Contradicts it"), ("mixed", "Mixed"),
                ("context", "Context only")]
FONT = 'font-family="system-ui, sans-serif"'


def verdict_matrix(review: Review, claims_url: str = "claims/") -> str:
    """Claims by verdict (rows) and certainty (columns): a count in every cell, each non-zero count a
    link to the claims index filtered to those claims (``claims_url`` + ``?verdict=…&certainty=…``)."""
    counts: Counter[tuple[str, str]] = Counter()
    contradicted: Counter[tuple[str, str]] = Counter()  # claims in the cell citing at least one contradicting item
    for c in review.claims:
        cell = (c.data.get("verdict") or "none", (c.data.get("certainty") or {}).get("level") or "none")
        counts[cell] += 1
        contradicted[cell] += bool(c.data.get("verdict") and contradicting(c.data))
    head = ('<thead><tr><td rowspan="2"></td><th scope="colgroup" colspan="4">Certainty of the evidence</th></tr><tr>'
            + "".join(f'<th scope="col">{esc(label)}<span class="kcr-sym" aria-hidden="true">{CERTAINTY_SYMBOL[k]}'
                      "</span></th>" for k, label in CERTAINTY.items())
            + "</tr></thead>")
    rows = []
    for verdict, (label, _) in VERDICTS.items():
        cells = []
        for level, level_label in CERTAINTY.items():
            n = counts[(verdict, level)]
            k = contradicted[(verdict, level)]
            data = f'data-verdict="{verdict}" data-certainty="{level}" data-count="{n}" data-contradicted="{k}"'
            if n:
                what = f"{plural(n, 'claim')} rated {label.lower()}, {level_label.lower()} certainty"
                if k:
                    what += f", {k} of them with contradicting evidence"
                href = f"{claims_url}?verdict={verdict}&certainty={level}"
                mark = f'<span class="kcr-cell-contra" aria-hidden="true">✕{k}</span>' if k else ""
                cells.append(f'<td class="kcr-cell kcr-verdict-{verdict}" {data}>'
                             f'<a href="{attr(href)}" aria-label="{attr(what)}">{n}{mark}</a></td>')
            else:
                cells.append(f'<td class="kcr-cell kcr-cell-zero" {data}>0</td>')
        rows.append(f'<tr><th scope="row" class="kcr-row-{verdict}">{esc(label)}</th>{"".join(cells)}</tr>')
    n = sum(v for (verdict, _), v in counts.items() if verdict == "none")
    none = (f'<a href="{attr(claims_url)}?verdict=none">{plural(n, "statement")}</a> of advice or opinion, not rated'
            if n else "none")
    rows.append(f'<tr><th scope="row" class="kcr-row-none">Not checkable</th>'
                f'<td colspan="4" class="kcr-cell kcr-cell-wide" data-verdict="none" data-certainty="none" '
                f'data-count="{n}">{none}</td></tr>')
    caption = (f"The article's {plural(len(review.claims), 'claim')} by verdict (rows) and by the certainty of the "
               "evidence (columns). Select a number to list those claims. ✕N: N of them cite at least one study that "
               "contradicts them.")
    table = (f'<table class="kcr-matrix" id="kcr-matrix"><caption>{esc(caption)}</caption>{head}'
             f'<tbody>{"".join(rows)}</tbody></table>')
    return region("Claims by verdict and certainty", table, "kcr-chart kcr-matrix-wrap")


def evidence_map(review: Review) -> str:
    """Each checkable claim (rows, in the article's order) with its evidence sorted by stance (columns),
    each stance listing the kinds of study and how many of each."""
    return evidence_table(evidence_rows(review))


def evidence_rows(review: Review, up: str = "") -> list[str]:
    """The evidence map's rows, one a checkable claim in the article's order (``up``: see :func:`.pager.up`)."""
    rows = []
    for c in article_order(review):
        if not c.data.get("checkable"):
            continue
        items = c.data.get("evidence") or []
        cells = []
        for stance, label in STANCE_WORDS:
            entries = []
            for j, (group, designs) in enumerate(DESIGN_GROUPS):
                n = sum(1 for e in items if e["stance"] == stance and e["design"] in designs)
                if n:
                    entries.append(f'<li class="kcr-map-item" data-claim="{attr(c.id)}" data-design="{j}" '
                                   f'data-stance="{stance}" data-count="{n}"><b>{n}</b> {esc(group)}</li>')
            inner = f'<ul class="kcr-map-list">{"".join(entries)}</ul>' if entries else \
                '<span class="kcr-muted">none</span>'
            cells.append(f'<td data-label="{attr(label)}" class="kcr-map-{stance}">{inner}</td>')
        rows.append(f'<tr><th scope="row"><a href="{up}../claims/{attr(c.id)}/">{quoted(c.data["statement"])}</a> '
                    f'{verdict_badge(c.data.get("verdict"), short=True)}</th>{"".join(cells)}</tr>')
    return rows


def evidence_table(rows: list[str]) -> str:
    """The evidence map's table around some of its rows."""
    head = ('<thead><tr><th scope="col">Claim and verdict</th>'
            + "".join(f'<th scope="col" class="kcr-map-{s}">{label}</th>' for s, label in STANCE_WORDS)
            + "</tr></thead>")
    table = (f'<table class="kcr-table kcr-map" id="kcr-map">{head}<tbody>{"".join(rows)}</tbody></table>')
    return region("Evidence map", table, "kcr-chart kcr-table-wrap kcr-map-wrap")


def claim_chart(claim: Claim) -> str:
    """One claim's evidence by design (rows), split by population, with counts.

    Drawn at a fixed size that fits a 340 px wide phone column, so its 12 px text is never scaled down.
    """
    items = claim.data.get("evidence") or []
    if not items:
        return ""
    groups = [(label, [e for e in items if e["design"] in designs]) for label, designs in DESIGN_GROUPS]
    groups = [(label, es) for label, es in groups if es]
    width, x0, y0, bh = 340, 128, 46, 22
    unit = min(36, (width - x0 - 4) // max(len(es) for _, es in groups))
    body = []
    for k, (pop, colour) in enumerate(POP_COLOURS.items()):
        lx, ly = (k % 2) * 170, 4 + (k // 2) * 18
        body.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{lx + 16}" y="{ly + 10}">{esc(POP_LABELS[pop])}</text>')
    for i, (label, es) in enumerate(groups):
        y = y0 + i * (bh + 6)
        body.append(f'<text x="{x0 - 6}" y="{y + bh / 2 + 4}" text-anchor="end">{esc(label)}</text>')
        x = x0
        for pop, colour in POP_COLOURS.items():
            n = sum(1 for e in es if e["population"] == pop)
            if not n:
                continue
            body.append(f'<g class="kcr-bar" data-design="{esc(label)}" data-population="{pop}" data-count="{n}">'
                        f'<rect x="{x}" y="{y}" width="{n * unit}" height="{bh}" fill="{colour}"/>'
                        f'<text x="{x + n * unit / 2}" y="{y + bh / 2 + 4}" text-anchor="middle" fill="#fff" '
                        f'font-weight="600">{n}</text></g>')
            x += n * unit
    height = y0 + len(groups) * (bh + 6) + 2
    title = f"Evidence for this claim by study design and population ({plural(len(items), 'item')})"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="kcr-claim-chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="kcr-claim-chart-title" {FONT} '
            f'font-size="12"><title id="kcr-claim-chart-title">{esc(title)}</title>' + "".join(body) + "</svg>\n")
