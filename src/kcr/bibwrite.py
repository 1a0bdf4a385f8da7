"""Writing references.bib in one stable, sorted form, so diffs stay small."""

from __future__ import annotations

from .bib import Reference

FIELD_ORDER = ["title", "author", "year", "journal", "booktitle", "publisher", "institution", "organization",
               "volume", "number", "pages", "doi", "pmid", "pmcid", "url", "urldate", "note", "verified",
               "verified_class", "title_supplied", "notice_type", "notice_url", "notice_date"]


def entry(ref: Reference) -> str:
    """One entry in canonical form: fixed field order, aligned, braced values."""
    names = [f for f in FIELD_ORDER if ref.get(f)] + sorted(f for f in ref.fields if f not in FIELD_ORDER and ref.get(f))
    width = max((len(n) for n in names), default=0)
    lines = [f"@{ref.entry_type}{{{ref.key},"]
    lines += [f"  {n.ljust(width)} = {{{ref.fields[n]}}}," for n in names]
    lines.append("}")
    return "\n".join(lines)


def dump(refs: list[Reference]) -> str:
    """The whole file: entries sorted by key, one blank line between them."""
    return "\n\n".join(entry(r) for r in sorted(refs, key=lambda r: r.key)) + "\n"
