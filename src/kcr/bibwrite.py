"""Writing BibTeX: one entry in the canonical form, values escaped, inserted without touching the rest.

references.bib is never re-serialised: a new entry's text is inserted at its
sorted position and every existing byte (entries, comments, spacing) is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import bibtexparser
from bibtexparser.model import Entry

from .bib import Reference
from .importers.record import Name

FIELD_ORDER = ["title", "author", "year", "journal", "booktitle", "publisher", "institution", "organization",
               "volume", "number", "pages", "doi", "pmid", "pmcid", "url", "urldate", "note", "verified",
               "verified_class", "title_supplied", "notice_type", "notice_url", "notice_date"]


class UnwritableValueError(ValueError):
    """A value cannot be written as one plain BibTeX group; the message says why."""


def text(value: str) -> str:
    """``value`` as the inside of a braced BibTeX value, or UnwritableValueError.

    Balanced braces are kept (they read back unchanged); an unbalanced brace or a
    backslash cannot be written so that the value reads back the same and passes
    ``kcr check``, so it is refused rather than silently changed.
    """
    if "\\" in value:
        raise UnwritableValueError("holds a backslash, which BibTeX reads as the start of a command")
    depth = 0
    for ch in value:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            raise UnwritableValueError("holds a '}' without a matching '{'")
    if depth:
        raise UnwritableValueError("holds a '{' without a matching '}'")
    return value


def _needs_group(part: str) -> bool:
    low = f" {part.lower()} "
    return "," in part or " and " in low


def name(n: Name) -> str:
    """One author in BibTeX's 'Family, Given' form; an organisation in braces so it is never split."""
    if n.literal:
        return "{" + text(n.literal) + "}"
    family = text(n.family)
    if _needs_group(family):
        family = "{" + family + "}"
    given, suffix = text(n.given), text(n.suffix)
    if _needs_group(given):
        given = "{" + given + "}"
    if suffix and given:
        return f"{family}, {suffix}, {given}"
    if given:
        return f"{family}, {given}"
    return f"{family} {suffix}".strip()


def authors(names: Iterable[Name]) -> str:
    return " and ".join(name(n) for n in names)


UNALIGNED = {"verified_class", "title_supplied", "notice_type", "notice_url", "notice_date"}


def entry(ref: Reference) -> str:
    """One entry in canonical form: fixed field order, aligned, braced values."""
    names = [f for f in FIELD_ORDER if ref.get(f)] + sorted(f for f in ref.fields if f not in FIELD_ORDER and ref.get(f))
    # the long provenance names (verified_class, title_supplied, notice_*) do not widen the alignment,
    # as in the rest of references.bib
    width = max((len(n) for n in names if n not in UNALIGNED), default=0)
    lines = [f"@{ref.entry_type}{{{ref.key},"]
    lines += [f"  {n.ljust(width)} = {{{ref.fields[n]}}}," for n in names]
    lines.append("}")
    return "\n".join(lines)


def dump(refs: list[Reference]) -> str:
    """A whole file: entries sorted by key, one blank line between them (for new files only)."""
    return "\n\n".join(entry(r) for r in sorted(refs, key=lambda r: r.key)) + "\n"


def _entry_spans(source: str) -> list[tuple[str, int, int]] | None:
    """(key, start, end) of every entry in file order, or None if a block cannot be located exactly."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(source, parse_stack=[])
    finally:
        logger.setLevel(level)
    line_starts = [0]
    for i, ch in enumerate(source):
        if ch == "\n":
            line_starts.append(i + 1)
    spans = []
    for block in library.blocks:
        if not isinstance(block, Entry):
            continue
        raw = block.raw or ""
        if block.start_line is None or block.start_line >= len(line_starts):
            return None
        start = source.find(raw, line_starts[block.start_line]) if raw else -1
        if start < 0 or "\n" in source[line_starts[block.start_line]:start]:
            return None
        spans.append((block.key, start, start + len(raw)))
    return spans


def insert(source: str, key: str, new_entry: str) -> str:
    """``source`` with ``new_entry`` added at its sorted position; every existing byte is kept.

    The entry goes after the entry preceding the first one whose key sorts after
    ``key`` (so a comment above an entry stays with it); at the end if none does.
    Line endings follow the file's (LF or CRLF).
    """
    nl = "\r\n" if "\r\n" in source else "\n"
    new_entry = new_entry.replace("\n", nl)
    spans = _entry_spans(source)
    if spans:
        later = [i for i, (k, _, _) in enumerate(spans) if k.lower() > key.lower()]
        if later and later[0] == 0:
            start = spans[0][1]
            return source[:start] + new_entry + nl + nl + source[start:]
        end = spans[later[0] - 1][2] if later else spans[-1][2]
        return source[:end] + nl + nl + new_entry + source[end:]
    # no entry (or one that could not be located exactly): append at the end
    head = source
    if head and not head.endswith("\n"):
        head += nl
    if head.strip():
        head += nl
    return head + new_entry + nl
