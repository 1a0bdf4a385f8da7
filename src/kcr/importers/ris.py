"""RIS exports (Zotero, EndNote, Mendeley, publishers): one record to a Record.

Tags are ``XX  - value`` lines; a line without a tag continues the previous
value.  Several records (several ``TY`` lines) are refused, never merged.
"""

from __future__ import annotations

import re

from .record import ExportError, Name, Record, pages, too_many, year_of

TYPES = {"JOUR": "article", "JFULL": "article", "MGZN": "article", "NEWS": "article", "EJOUR": "article",
         "RPRT": "report", "BOOK": "book", "EBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection",
         "CONF": "inproceedings", "CPAPER": "inproceedings", "ELEC": "online", "WEB": "online", "BLOG": "online",
         "GEN": "misc", "GOVDOC": "report", "STAT": "misc"}
_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*))?\Z")
_PMID = re.compile(r"(?:PMID:?\s*)?([0-9]+)\Z", re.I)
_PMCID = re.compile(r"PMCID:?\s*(PMC[0-9]+)", re.I)


def read(text: str) -> list[Record]:
    records: list[tuple[int, list[tuple[str, str, int]]]] = []
    current: list[tuple[str, str, int]] | None = None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        m = _TAG.match(line.lstrip("\ufeff"))
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "TY":
                current = []
                records.append((n, current))
            elif current is None:
                raise ExportError(f"'{tag}' line before the record's 'TY  - ' line",
                                  "start each RIS record with a 'TY  - ' line", n)
            if tag == "ER":
                current = None
                continue
            current.append((tag, value, n))
        elif line.strip():
            if current is None or not current:
                raise ExportError("line is not an RIS tag ('XX  - value')",
                                  "check the file is an RIS export", n)
            tag, value, at = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}", at)  # a wrapped long value
    if not records:
        raise ExportError("no 'TY  - ' line: this does not look like an RIS record", "export the work as RIS again")
    if len(records) > 1:
        raise too_many(len(records))
    return [_record(*records[0])]


def _record(line: int, tags: list[tuple[str, str, int]]) -> Record:
    values: dict[str, list[str]] = {}
    for tag, value, _ in tags:
        if value:
            values.setdefault(tag, []).append(value)
    ty = (values.get("TY") or [""])[0].upper()
    rec = Record(TYPES.get(ty, "misc"), line=line)
    if ty not in TYPES:
        rec.notes.append(f"RIS type {ty or '(empty)'} imported as @misc")
    used = {"TY"}

    def take(*names: str) -> str:
        for name in names:
            if values.get(name):
                used.add(name)
                return values[name][0]
        return ""

    rec.set("title", take("TI", "T1"))
    rec.authors = [_name(a) for tag in ("AU", "A1") for a in values.get(tag, [])]
    used.update(t for t in ("AU", "A1") if t in values)
    for tag in ("PY", "Y1", "DA"):
        y = year_of(" ".join(values.get(tag, [])))
        if y:
            rec.set("year", y)
            used.add(tag)
    container = "booktitle" if rec.entry_type in ("incollection", "inproceedings") else "journal"
    rec.set(container, take("JF", "JO", "T2", "JA", "J2") if container == "journal" else take("T2", "BT"))
    rec.set("volume", take("VL"))
    rec.set("number", take("IS"))
    sp, ep = take("SP"), take("EP")
    rec.set("pages", pages(f"{sp}-{ep}" if sp and ep else sp or ep))
    rec.set("doi", take("DO"))
    rec.set("publisher", take("PB"))
    rec.set("address", take("CY"))
    rec.set("edition", take("ET"))
    urls = [u for u in values.get("UR", []) if u.startswith("https://")] or values.get("UR", [])
    if urls:
        rec.set("url", urls[0])
        used.add("UR")
    for tag in ("AN", "C2", "M1"):  # where exporters put the PMID and PMCID
        for v in values.get(tag, []):
            pmid, pmcid = _PMID.match(v.strip()), _PMCID.search(v)
            if pmid and not rec.fields.get("pmid"):
                rec.set("pmid", pmid.group(1))
                used.add(tag)
            elif pmcid and not rec.fields.get("pmcid"):
                rec.set("pmcid", pmcid.group(1).upper())
                used.add(tag)
    rec.dropped.update(t for t in values if t not in used)
    return rec


def _name(value: str) -> Name:
    """'Family, Given[, Suffix]'; a name without a comma is one piece (usually an organisation)."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) == 1:
        return Name(literal=parts[0])
    if len(parts) >= 3:
        return Name(family=parts[0], given=parts[1], suffix=", ".join(parts[2:]))
    return Name(family=parts[0], given=parts[1])
