"""PubMed's own citation download (MEDLINE format, ``.nbib``): one record to a Record.

Tags are four characters and a hyphen (``PMID- ``, ``TI  - ``, ``FAU - ``);
a line starting with six spaces continues the previous value.  Titles end in a
period by MEDLINE convention, which is removed; abbreviated page ranges
(``1569-72``) are written out (``1569--1572``).
"""

from __future__ import annotations

import re

from .record import ExportError, Name, Record, pages, too_many, year_of

_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- (.*)\Z")
TYPES = {"Journal Article": "article", "Book": "book", "Book Chapter": "incollection"}


def read(text: str) -> list[Record]:
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        m = _TAG.match(line.lstrip("\ufeff"))
        if not m:
            raise ExportError("line is not a MEDLINE tag ('XXXX- value')", "check the file is a PubMed (.nbib) export", n)
        tag, value = m.group(1), m.group(2).strip()
        if tag == "PMID":
            current = []
            records.append((n, current))
        elif current is None:
            raise ExportError(f"'{tag}' line before the record's 'PMID- ' line",
                              "start each record with its 'PMID- ' line", n)
        current.append((tag, value))
    if not records:
        raise ExportError("no 'PMID- ' line: this does not look like a PubMed (.nbib) record",
                          "download the citation from PubMed again")
    if len(records) > 1:
        raise too_many(len(records))
    return [_record(*records[0])]


def _expand_pages(value: str) -> str:
    m = re.fullmatch(r"([A-Za-z]?)([0-9]+)-([0-9]+)", value.strip())
    if m and len(m.group(3)) < len(m.group(2)):
        start = m.group(2)
        return f"{m.group(1)}{start}--{m.group(1)}{start[:len(start) - len(m.group(3))]}{m.group(3)}"
    return pages(value)


def _record(line: int, tags: list[tuple[str, str]]) -> Record:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        if value:
            values.setdefault(tag, []).append(value)
    types = values.get("PT", [])
    etype = next((TYPES[t] for t in types if t in TYPES), "article")
    rec = Record(etype, line=line)
    used = {"PMID", "PT"}

    def take(*names: str) -> str:
        for name in names:
            if values.get(name):
                used.add(name)
                return values[name][0]
        return ""

    title = take("TI", "BTI")
    rec.set("title", title[:-1] if title.endswith(".") and not title.endswith("..") else title)
    if values.get("FAU"):
        rec.authors = [_name(a) for a in values["FAU"]]
        used.update({"FAU", "AU"})  # AU holds the same names as initials
    elif values.get("AU"):
        rec.authors = [_initials(a) for a in values["AU"]]
        used.add("AU")
    if values.get("CN"):
        rec.authors += [Name(literal=c) for c in values["CN"]]
        used.add("CN")
    rec.set("year", year_of(take("DP")))
    rec.set("journal" if etype == "article" else "publisher", take("JT", "TA") if etype == "article" else take("PB"))
    rec.set("volume", take("VI"))
    rec.set("number", take("IP"))
    pg = take("PG")
    rec.set("pages", _expand_pages(pg) if pg else "")
    rec.set("pmid", values["PMID"][0])
    for tag in ("LID", "AID"):
        for v in values.get(tag, []):
            m = re.fullmatch(r"(\S+) \[doi\]", v)
            if m:
                rec.set("doi", m.group(1))
                used.add(tag)
    pmc = take("PMC")
    if re.fullmatch(r"PMC[0-9]+", pmc):
        rec.set("pmcid", pmc)
    rec.dropped.update(t for t in values if t not in used)
    return rec


def _name(value: str) -> Name:
    family, _, given = value.partition(",")
    return Name(family=family.strip(), given=given.strip()) if given.strip() else Name(family=family.strip())


def _initials(value: str) -> Name:
    family, _, initials = value.rpartition(" ")
    return Name(family=family, given=initials) if family else Name(family=initials)
