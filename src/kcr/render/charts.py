"""Static SVG charts drawn at build time from the records: no scripts, no network.

Every cell and bar carries its count as visible text and as ``data-*``
attributes (which the tests compare with the records); colour is never the
only cue.
"""

from __future__ import annotations

from collections import Counter

from ..check import Review
from ..claims import Claim
from ..grade import contradicting
from .html import CERTAINTY, VERDICTS, attr, esc

VERDICT_COLOURS = {"accurate": "#1b5e20", "mostly-accurate": "#33691e", "overstated": "#8d4a00",
                   "misleading": "#a0361b", "unsupported": "#5f4b8b", "inaccurate": "#b71c1c", "none": "#455a64"}
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
STANCE_MARKS = [("supports", "+", "supports"), ("contradicts", "−", "contradicts"), ("mixed", "±", "mixed"),
                ("context", "·", "context")]
FONT = 'font-family="system-ui, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str], cls: str, fixed: bool = False) -> str:
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    role = "group" if fixed else "img"  # the map holds links, which an img role may not contain
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {width} {height}" '
            f'{size} role="{role}" aria-labelledby="{cls}-title" {FONT} font-size="12">'
            f'<title id="{cls}-title">{esc(title)}</title>' + "".join(body) + "</svg>\n")


def verdict_chart(review: Review) -> str:
    """Claims by verdict (rows) and certainty (columns); a count in every cell."""
    counts = Counter()
    contradicted = Counter()  # claims in the cell with at least one contradicting evidence item
    for c in review.claims:
        cell = (c.data.get("verdict") or "none", (c.data.get("certainty") or {}).get("level") or "none")
        counts[cell] += 1
        contradicted[cell] += bool(c.data.get("verdict") and contradicting(c.data))
    rows = list(VERDICTS) + ["none"]
    cols = list(CERTAINTY) + ["none"]
    col_labels = [CERTAINTY[c] for c in CERTAINTY] + ["No certainty"]
    row_labels = [VERDICTS[v][0] for v in VERDICTS] + ["Not checkable"]
    x0, y0, cw, ch = 130, 40, 90, 32
    body = [f'<text x="{x0 + len(cols) * cw / 2}" y="14" text-anchor="middle" font-weight="600">Certainty of the evidence</text>']
    for j, label in enumerate(col_labels):
        body.append(f'<text x="{x0 + j * cw + cw / 2}" y="{y0 - 8}" text-anchor="middle">{esc(label)}</text>')
    for i, (verdict, label) in enumerate(zip(rows, row_labels)):
        y = y0 + i * ch
        body.append(f'<text x="{x0 - 8}" y="{y + ch / 2 + 4}" text-anchor="end">{esc(label)}</text>')
        for j, level in enumerate(cols):
            n = counts[(verdict, level)]
            fill = VERDICT_COLOURS[verdict] if n else "none"
            opacity = min(1.0, 0.35 + 0.15 * n) if n else 1
            k = contradicted[(verdict, level)]
            body.append(f'<g class="kcr-cell" data-verdict="{verdict}" data-certainty="{level}" data-count="{n}" '
                        f'data-contradicted="{k}">'
                        f'<rect x="{x0 + j * cw + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" rx="3" '
                        f'fill="{fill}" fill-opacity="{opacity:.2f}" stroke="#9e9e9e" stroke-width="0.5"/>'
                        f'<text x="{x0 + j * cw + cw / 2}" y="{y + ch / 2 + (0 if k else 4)}" text-anchor="middle" '
                        f'fill="{"#fff" if n else "#757575"}" font-weight="600">{n if n else "·"}</text>'
                        + (f'<text x="{x0 + j * cw + cw / 2}" y="{y + ch - 5}" text-anchor="middle" fill="#fff" '
                           f'font-size="9">✕{k} contradicting</text>' if k else "") + "</g>")
    height = y0 + len(rows) * ch + 10
    if any(contradicted.values()):
        body.append(f'<text x="{x0}" y="{height + 6}" font-size="11">✕N contradicting: N claims in the cell cite at '
                    "least one study that contradicts them.</text>")
        height += 16
    return _svg(x0 + len(cols) * cw + 10, height, f"The article's {len(review.claims)} claims by verdict and certainty",
                body, "kcr-verdict-chart")


def evidence_map(review: Review) -> str:
    """Checkable claims × study design; each cell counts studies by stance toward the claim."""
    claims = sorted((c for c in review.claims if c.data.get("checkable")), key=lambda c: c.id)
    x0, y0, cw, ch = 380, 60, 92, 26
    body = []
    for j, (label, _) in enumerate(DESIGN_GROUPS):
        words = label.replace("/", " /").split(" ", 1)
        for k, w in enumerate(words):
            body.append(f'<text x="{x0 + j * cw + cw / 2}" y="{y0 - 26 + k * 13}" text-anchor="middle" '
                        f'font-weight="600">{esc(w)}</text>')
    for i, c in enumerate(claims):
        y = y0 + i * ch
        statement = c.data["statement"]
        body.append(f'<a href="../claims/{attr(c.id)}/"><text x="{x0 - 8}" y="{y + ch / 2 + 4}" text-anchor="end" '
                    f'fill="currentColor">{esc(statement[:56] + ("…" if len(statement) > 56 else ""))}</text></a>')
        for j, (_, designs) in enumerate(DESIGN_GROUPS):
            items = [e for e in c.data.get("evidence") or [] if e["design"] in designs]
            stance = Counter(e["stance"] for e in items)
            attrs = " ".join(f'data-{s}="{stance[s]}"' for s, _, _ in STANCE_MARKS)
            label = " ".join(f"{mark}{stance[s]}" for s, mark, _ in STANCE_MARKS if stance[s])
            fill = "#eceff1" if items else "none"
            body.append(f'<g class="kcr-map-cell" data-claim="{attr(c.id)}" data-design="{j}" {attrs}>'
                        f'<rect x="{x0 + j * cw + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" rx="3" fill="{fill}" '
                        f'stroke="#bdbdbd" stroke-width="0.5"/><text x="{x0 + j * cw + cw / 2}" y="{y + ch / 2 + 4}" '
                        f'text-anchor="middle" fill="#212121">{esc(label) if label else ""}</text></g>')
    legend_y = y0 + len(claims) * ch + 20
    legend = "   ".join(f"{mark} {word}" for _, mark, word in STANCE_MARKS)
    body.append(f'<text x="{x0}" y="{legend_y}">Numbers of studies: {esc(legend)}</text>')
    return _svg(x0 + len(DESIGN_GROUPS) * cw + 10, legend_y + 12,
                "Evidence map: each claim's studies by design and by stance toward the claim", body, "kcr-evidence-map",
                fixed=True)


def claim_chart(claim: Claim) -> str:
    """One claim's evidence by design (rows), split by population, with counts."""
    items = claim.data.get("evidence") or []
    if not items:
        return ""
    groups = [(label, [e for e in items if e["design"] in designs]) for label, designs in DESIGN_GROUPS]
    groups = [(label, es) for label, es in groups if es]
    x0, y0, unit, bh = 200, 28, 40, 22
    body = []
    lx = 0
    for pop, colour in POP_COLOURS.items():
        body.append(f'<rect x="{lx}" y="4" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{lx + 16}" y="14">{esc(POP_LABELS[pop])}</text>')
        lx += 130
    for i, (label, es) in enumerate(groups):
        y = y0 + i * (bh + 6)
        body.append(f'<text x="{x0 - 8}" y="{y + bh / 2 + 4}" text-anchor="end">{esc(label)}</text>')
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
    height = y0 + len(groups) * (bh + 6) + 4
    width = max(x0 + max(len(es) for _, es in groups) * unit + 10, 540)
    return _svg(width, height, f"Evidence for this claim by study design and population ({len(items)} items)",
                body, "kcr-claim-chart")
