"""BibTeX and BibLaTeX exports (Zotero, Mendeley, Google Scholar, JabRef): one entry to a Record.

The exporter's citation key is ignored (add-ref makes its own).  Values are
decoded from LaTeX to Unicode; ``journaltitle`` and ``date`` (BibLaTeX) map to
``journal`` and ``year``; the month macros ``jan``..``dec`` are accepted; every
other field is dropped and listed.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.model import (
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)

from .. import bib
from .latex import decode
from .record import ExportError, Name, Record, pages, shown, too_many, year_of

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

TYPES = {"article": "article", "misc": "misc", "book": "book", "incollection": "incollection",
         "inbook": "incollection", "report": "report", "techreport": "techreport", "online": "online",
         "electronic": "online", "www": "online", "inproceedings": "inproceedings", "conference": "inproceedings"}

# BibTeX/BibLaTeX field -> references.bib field; decoded from LaTeX where the value is prose
TEXT = {"title": "title", "journal": "journal", "journaltitle": "journal", "booktitle": "booktitle",
        "publisher": "publisher", "institution": "institution", "organization": "organization",
        "edition": "edition", "address": "address", "location": "address"}
PLAIN = {"volume": "volume", "number": "number", "issue": "number", "doi": "doi", "pmid": "pmid",
         "pmcid": "pmcid", "url": "url"}
# TeX escapes an exporter may put into an identifier or address
_ID_ESCAPE = re.compile(r"\\([_%&#$])")


def _value(raw: str) -> str:
    v = raw.strip()
    return v[1:-1] if v[:1] in "{\"" else v


def read(text: str) -> list[Record]:
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)  # failed blocks are reported below, not logged
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        logger.setLevel(level)
    entries: list[Entry] = []
    for block in library.blocks:
        line = bib.block_line(block)
        if isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(getattr(block, "duplicate_keys", []) or [])) or "a field"
            raise ExportError(f"the entry repeats the field {names}", "keep one copy of each field and export again",
                              line)
        if isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
            raise ExportError(f"BibTeX entry could not be parsed ({' '.join(reason.split())})",
                              "check braces, quotes and the '@type{key,' header, or export the work again", line)
        if isinstance(block, String):
            raise ExportError(f"@string macro '{block.key}' is not supported",
                              "export without @string abbreviations (or write each value out)", line)
        if isinstance(block, ImplicitComment) and block.comment.strip().startswith("@"):
            raise ExportError("text that looks like an entry was not parsed",
                              "check the '@type{key,' header of this entry", line)
        if isinstance(block, Entry):  # a DuplicateBlockKeyBlock is a ParsingFailedBlock, refused above
            entries.append(block)
    if not entries:
        raise ExportError("no BibTeX entry found", "export the work as BibTeX, RIS, CSL-JSON or PubMed (.nbib)")
    if len(entries) > 1:
        raise too_many(len(entries), "entries")
    return [_record(entries[0])]


def _record(block: Entry) -> Record:
    line = bib.block_line(block)
    etype = block.entry_type.lower()
    rec = Record(TYPES.get(etype, "misc"), line=line)
    if etype not in TYPES:
        rec.notes.append(f"entry type @{block.entry_type} imported as @misc")
    field_lines = bib._field_lines(block.raw or "", line)
    seen: set[str] = set()
    values: dict[str, str] = {}
    for f in block.fields:
        name = f.key.lower()
        fl = field_lines.get(name, line)
        if name in seen:
            raise ExportError(f"the entry repeats the field {name}", "keep one copy of each field and export again", fl)
        seen.add(name)
        raw = f.value if isinstance(f.value, str) else str(f.value)
        why = bib._raw_value_problem(raw)
        kept = name in TEXT or name in PLAIN or name in ("author", "year", "date", "pages", "eprint", "eprinttype")
        if why and name == "month" and raw.strip().lower() in MONTHS:
            why = None
        elif why and why.startswith("uses the undefined") and not kept:
            why = None  # a macro in a field that is dropped anyway
        if why:
            raise ExportError(f"field '{name}' {why}",
                              "write the value as one {braced} group and end each field with a comma", fl)
        values[name] = _value(raw)
    eprint_type = values.pop("eprinttype", "").strip().lower()
    eprint = values.pop("eprint", "")
    if eprint and eprint_type in ("pubmed", "pmid"):
        values.setdefault("pmid", eprint)
    elif eprint and eprint_type in ("pmc", "pmcid"):
        values.setdefault("pmcid", eprint)
    elif eprint:
        rec.dropped.update({"eprint", "eprinttype"} if eprint_type else {"eprint"})
    for name, value in values.items():
        if name == "author":
            rec.authors = [_name(n) for n in bib.split_authors(value)]
        elif name in TEXT:
            rec.set(TEXT[name], decode(value))
            if rec.fields.get(TEXT[name]) != decode(value) and decode(value):
                rec.dropped.add(name)  # e.g. both journal and journaltitle, and they differ
        elif name in PLAIN:
            rec.set(PLAIN[name], _ID_ESCAPE.sub(r"\1", value))
        elif name == "pages":
            rec.set("pages", pages(_ID_ESCAPE.sub(r"\1", value)))
        elif name in ("year", "date"):
            y = year_of(value)
            if not y:
                raise ExportError(f"field '{name}' '{shown(value)}' holds no four-digit year",
                                  "give the year of publication", field_lines.get(name, line))
            rec.set("year", y)
        else:
            rec.dropped.add(name)  # month, abstract, file, keywords, urldate, language, shorttitle, ...
    return rec


def _split_top(name: str, sep: str = ",") -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(name):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == sep and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return [p.strip() for p in parts]


def _wholly_braced(name: str) -> bool:
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def _name(raw: str) -> Name:
    """A BibTeX name ('Family, Given', 'Family, Jr, Given', 'Given Family' or '{Organisation}')."""
    raw = raw.strip()
    if _wholly_braced(raw):
        return Name(literal=decode(raw[1:-1]))
    parts = _split_top(raw)
    if len(parts) == 2:
        return Name(family=decode(parts[0]), given=decode(parts[1]))
    if len(parts) >= 3:
        return Name(family=decode(parts[0]), suffix=decode(parts[1]), given=decode(", ".join(parts[2:])))
    words = decode(raw).split()
    if len(words) <= 1:
        return Name(family=" ".join(words))
    # 'Given von Family': the family name starts at the first lowercase word before the last one
    start = next((i for i, w in enumerate(words[:-1]) if i and w[:1].islower()), len(words) - 1)
    return Name(family=" ".join(words[start:]), given=" ".join(words[:start]))
