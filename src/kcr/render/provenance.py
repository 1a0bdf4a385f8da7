"""What the reader is told about a reference's record: the kind of page it was checked against, a title
supplied by the reviewers, and any retraction, correction or expression of concern."""

from __future__ import annotations

from ..bib import NOTICE_LABELS, VERIFIED_LABELS, Reference, clean
from .html import esc, link

SUPPLIED = ("The title in square brackets was supplied by the reviewers (library practice): the source page "
            "shows the work's identifiers, authors, journal and findings but not its English title.")


def checked_against(ref: Reference) -> str:
    """ "Checked against: PubMed record" (empty when the class is missing: the checker refuses that)."""
    label = VERIFIED_LABELS.get(ref.verified_class)
    return f'<span class="kcr-badge kcr-provenance">Checked against: {esc(label)}</span>' if label else ""


def supplied_flag(ref: Reference) -> str:
    return f'<span class="kcr-badge kcr-supplied" title="{esc(SUPPLIED)}">[title supplied]</span>' if ref.title_supplied else ""


def notice_flag(ref: Reference) -> str:
    """A visible notice badge with a link to the notice, or ""."""
    kind = ref.notice_type
    if kind not in NOTICE_LABELS:
        return ""
    when = ref.get("notice_date").strip()
    text = NOTICE_LABELS[kind] + (f" ({when})" if when else "")
    url = ref.get("notice_url").strip()
    notice = link(url, "notice", rel="nofollow noopener") if url.startswith("https://") else ""
    return (f'<span class="kcr-badge kcr-notice kcr-notice-{kind}">{esc(text)}</span>'
            + (f" <small>({notice})</small>" if notice else ""))


def reference_flags(ref: Reference) -> str:
    """Everything after a reference in a list: provenance class, supplied title, notice."""
    return " ".join(x for x in (checked_against(ref), supplied_flag(ref), notice_flag(ref)) if x)


def notice_banner(refs: list[Reference], numbers: dict[str, int] | None = None) -> str:
    """A warning at the top of a page that cites a retracted, corrected or questioned work."""
    noted = [r for r in refs if r.notice_type in NOTICE_LABELS]
    if not noted:
        return ""
    items = []
    for r in noted:
        n = numbers.get(r.key) if numbers else None
        ref_text = (f"[{n}] " if n else "") + esc(clean(r.get("title")))
        items.append(f"<li>{ref_text}: {notice_flag(r)}</li>")
    retracted = any(r.notice_type == "retraction" for r in noted)
    title = "A cited work has been retracted" if retracted else "A cited work carries a published notice"
    note = "<p>A retracted work supports nothing; it is listed so readers can see it was considered.</p>" if retracted else ""
    return (f'<div class="admonition {"danger" if retracted else "warning"} kcr-notices">'
            f'<p class="admonition-title">{title}</p><ul>{"".join(items)}</ul>{note}</div>\n\n')


def reference_details(ref: Reference) -> str:
    """The reference page's provenance paragraph and notice."""
    parts = [x for x in (checked_against(ref), supplied_flag(ref)) if x]
    out = f'<p class="kcr-provenance-line" data-search-exclude>{" ".join(parts)}</p>' if parts else ""
    if ref.title_supplied:
        out += f"<p><small>{esc(SUPPLIED)}</small></p>"
    return out + notice_banner([ref])
