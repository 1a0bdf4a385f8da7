"""Pages of withdrawn claims: the address stays, and says when and why the claim was withdrawn."""

from __future__ import annotations

from ..check import Review
from ..withdrawn import PATH, Withdrawal
from .html import DISCLAIMER, esc, front_matter, link


def title(w: Withdrawal) -> str:
    return w.statement or f"Withdrawn claim {w.id}"


def page(w: Withdrawal, review: Review) -> str:
    statements = {c.id: c.data["statement"] for c in review.claims}
    out = [front_matter(f"Withdrawn: {title(w)}", f"This claim was withdrawn on {w.date}: {w.reason}")]
    out.append(f'<h1 class="kcr-claim-title">{esc(title(w))}</h1>\n\n<div class="kcr-verdict-box kcr-withdrawn">'
               f'<span class="kcr-badge kcr-withdrawn-badge">Withdrawn</span>'
               f'<p class="kcr-conclusion">This claim was withdrawn on {esc(w.date)}.</p>'
               f"<p><strong>Why:</strong> {esc(w.reason)}</p>")
    if w.replaced_by and w.replaced_by in statements:
        out.append(f"<p>It is replaced by {link(f'../{w.replaced_by}/', esc(statements[w.replaced_by]))}.</p>")
    out.append("<p>Its earlier versions remain in the project's history.</p></div>\n\n")
    out.append(f'<div class="kcr-text"><p>{link("../", "All claims")}</p></div>\n\n{DISCLAIMER}\n')
    return "".join(out)


def pages(review: Review) -> dict[str, tuple[str, str]]:
    """docs-relative path → (page, source file) for every withdrawn claim."""
    return {f"claims/{w.id}.md": (page(w, review), PATH) for w in review.withdrawn}


def index_section(review: Review) -> str:
    """The claims index's list of withdrawn claims ("" when there is none)."""
    if not review.withdrawn:
        return ""
    items = "".join(f"<li>{link(f'{w.id}/', esc(title(w)))}: withdrawn {esc(w.date)}</li>"
                    for w in sorted(review.withdrawn, key=lambda w: w.id))
    return f'\n<h2 id="withdrawn">Withdrawn claims</h2>\n\n<div class="kcr-text"><ul>{items}</ul></div>\n'
