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
