"""The "contradicting evidence" marker: shown next to every verdict whose record cites contradicting items.

Derived from the evidence's stances (never a field), so a record with
contradicting items never reads as if none exist.
"""

from __future__ import annotations

from ..grade import contradicting
from .html import attr


def contradicting_marker(data: dict) -> str:
    """A badge "N contradicting" when the record has a verdict and N >= 1 contradicting items, else ""."""
    n = contradicting(data)
    if not n or not data.get("verdict"):
        return ""
    items = "item contradicts" if n == 1 else "items contradict"
    return (f'<span class="kcr-badge kcr-contradicting" data-contradicting="{n}" '
            f'title="{attr(f"{n} evidence {items} this claim")}">'
            f'<span aria-hidden="true">✕</span> {n} contradicting</span>')


BODY_LABELS = {"trials": "randomised trials", "experimental": "animal and in-vitro experiments",
               "established": "settled facts documented by authoritative sources",
               "observational": "observational studies"}


def starting_point(cert: dict) -> str:
    """The certainty section's first sentence: what the grade rests on and where that starts (HTML)."""
    start = "high" if cert.get("start") == "high" else "low"
    label = BODY_LABELS.get(cert.get("body", ""))
    if label is None:  # a record without a body does not pass the checker; kept for older pages
        label = "randomised trials or settled facts" if start == "high" else "observational or indirect evidence"
    return f"<p>The grade rests on <strong>{label}</strong>, which start at <strong>{start}</strong> certainty."
