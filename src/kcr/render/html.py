"""Escaping and small HTML pieces shared by every page.

Every contributor string goes through :func:`esc` before it reaches a page.
Generated pages put contributor text only inside raw HTML blocks, which
Python-Markdown passes through without parsing; :func:`esc` additionally turns
Markdown's punctuation into character references, so even text that ended up
outside such a block could not form a link, an emphasis or an attribute list.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

# one pass over the text: HTML's five special characters and Markdown's punctuation
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "[]()*_`\\!#|{}~:"} | {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"}

VERDICTS = {
    "accurate": ("Accurate", 6),
    "mostly-accurate": ("Mostly accurate", 5),
    "overstated": ("Overstated", 4),
    "misleading": ("Misleading", 3),
    "unsupported": ("Unsupported", 2),
    "inaccurate": ("Inaccurate", 1),
}
CERTAINTY = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
CERTAINTY_SYMBOL = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very-low": "⊕◯◯◯"}


def esc(value: object) -> str:
    """Escape text for HTML element content or a quoted attribute value."""
    return str(value).translate(_ESCAPES)


def attr(value: object) -> str:
    """Escape for a quoted attribute value (no Markdown concerns inside a tag)."""
    return html.escape(str(value), quote=True)


def front_matter(title: str, description: str = "", **extra: object) -> str:
    """YAML front matter with escaped values (the theme prints them unescaped)."""
    lines = ["---", f"title: {json.dumps(html.escape(title, quote=True))}"]
    if description:
        lines.append(f"description: {json.dumps(html.escape(description, quote=True))}")
    for k, v in extra.items():
        lines.append(f"{k}: {json.dumps(v)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def verdict_badge(verdict: str | None, short: bool = False) -> str:
    """The verdict as a coloured badge that says it in words; ``short`` drops "Verdict: " (for a
    table column or list already headed "Verdict")."""
    if not verdict:
        return '<span class="kcr-badge kcr-verdict kcr-verdict-none">Not checkable</span>'
    label, score = VERDICTS[verdict]
    return (f'<span class="kcr-badge kcr-verdict kcr-verdict-{attr(verdict)}" '
            f'title="Verdict {score} of 6">{"" if short else "Verdict: "}{label}</span>')


def certainty_badge(level: str | None, short: bool = False) -> str:
    if not level:
        return ""
    return (f'<span class="kcr-badge kcr-certainty kcr-certainty-{attr(level)}" title="GRADE certainty">'
            f'<span aria-hidden="true">{CERTAINTY_SYMBOL[level]}</span> {"" if short else "Certainty: "}'
            f'{CERTAINTY[level]}</span>')


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the noun or verb form that agrees with it: plural(1, "sentence") -> "1 sentence"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def region(label: str, inner: str, cls: str = "kcr-table-wrap") -> str:
    """A labelled, focusable container that scrolls sideways if its content is ever wider than the
    screen (tables are laid out to fit; this is the fallback, announced and reachable by keyboard)."""
    return f'<div class="{cls}" role="region" aria-label="{attr(label)}" tabindex="0">{inner}</div>'


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{int(pmid)}/"


def link(href: str, text: str, **attrs: str) -> str:
    """An anchor; ``href`` must be built by this package (never a raw contributor string)."""
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{attr(v)}"' for k, v in attrs.items())
    return f'<a href="{attr(href)}"{extra}>{text}</a>'


DISCLAIMER = (
    '<div class="admonition warning kcr-disclaimer"><p class="admonition-title">Not medical advice</p>'
    "<p>This page reviews what published evidence says about a claim. It is not medical advice and does not "
    "recommend using or avoiding any substance. Anyone considering a change to treatment for opioid use or "
    "withdrawal should speak to a qualified health professional.</p></div>"
)


def quoted(statement: str) -> str:
    """A claim's statement, escaped, in quotation marks: a list of the article's claims never reads as our assertion."""
    return f"“{esc(statement)}”"
