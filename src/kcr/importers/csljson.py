"""CSL-JSON exports (Zotero, Mendeley, citation.js): one item to a Record.

Every value is type-checked: ``null`` counts as absent, a number is accepted
where CSL allows one (volume, issue, page, year), and any other wrong type is
refused with one line naming the field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .record import ExportError, Name, Record, pages, shown, too_many, year_of

TYPES = {"article-journal": "article", "article": "article", "article-magazine": "article",
         "article-newspaper": "article", "review": "article", "report": "report", "book": "book",
         "chapter": "incollection", "paper-conference": "inproceedings", "webpage": "online", "post": "online",
         "post-weblog": "online", "legislation": "misc", "document": "misc"}
TEXT = {"title": "title", "publisher": "publisher", "publisher-place": "address", "edition": "edition",
        "volume": "volume", "issue": "number", "DOI": "doi", "PMID": "pmid", "PMCID": "pmcid", "URL": "url"}
_NOTE_IDS = re.compile(r"^\s*(PMID|PMCID):\s*(\S+)\s*$", re.I | re.M)


def read(text: str) -> list[Record]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"not valid JSON ({exc.msg})", "export the work as CSL-JSON again", exc.lineno,
                          exc.colno) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep; an integer of thousands of digits
        raise ExportError(f"JSON cannot be read ({type(exc).__name__})", "export the work as CSL-JSON again") from None
    if isinstance(data, list):
        if len(data) > 1:
            raise too_many(len(data), "items")
        if not data:
            raise ExportError("the JSON list is empty", "export the work as CSL-JSON again")
        data = data[0]
    if not isinstance(data, dict):
        raise ExportError(f"CSL-JSON must be an object or a list of one object, not {_kind(data)}",
                          "export the work as CSL-JSON again")
    return [_record(data, text)]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _line(text: str, key: str) -> int:
    i = text.find(json.dumps(key))
    return text.count("\n", 0, i) + 1 if i >= 0 else 1


def _text(data: dict, key: str, source: str, numbers: bool = False) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ExportError(f"CSL-JSON field '{key}' is {_kind(value)}, not text",
                      "export the work as CSL-JSON again", _line(source, key))


def _record(data: dict, source: str) -> Record:
    ctype = _text(data, "type", source)
    rec = Record(TYPES.get(ctype, "misc"))
    if ctype not in TYPES:
        rec.notes.append(f"CSL type '{shown(ctype) or '(none)'}' imported as @misc")
    used = {"type", "id", "citation-key"}  # the exporter's own keys are ignored: add-ref makes its own
    for key, name in TEXT.items():
        value = _text(data, key, source, numbers=key in ("volume", "issue", "edition", "PMID"))
        if value:
            rec.set(name, value)
            used.add(key)
    container = _text(data, "container-title", source)
    if container:
        rec.set("booktitle" if rec.entry_type in ("incollection", "inproceedings") else "journal", container)
        used.add("container-title")
    page = _text(data, "page", source, numbers=True)
    if page:
        rec.set("pages", pages(page))
        used.add("page")
    rec.authors = _authors(data.get("author"), source)
    used.add("author")
    year = _year(data.get("issued"), source)
    if year:
        rec.set("year", year)
        used.add("issued")
    note = _text(data, "note", source)
    ids = {k.upper(): v for k, v in _NOTE_IDS.findall(note)}
    if ids.get("PMID", "").isdigit():
        rec.set("pmid", ids["PMID"])
    if re.fullmatch(r"PMC[0-9]+", ids.get("PMCID", ""), re.I):
        rec.set("pmcid", ids["PMCID"].upper())
    if note and not _NOTE_IDS.sub("", note).strip():
        used.add("note")  # it only held identifiers, now kept as fields
    if _text(data, "archive_location", source, numbers=True) == rec.fields.get("pmid"):
        used.add("archive_location")  # Zotero's PubMed import puts the PMID there too
    rec.dropped.update(k for k, v in data.items() if k not in used and v not in (None, "", [], {}))
    return rec


def _authors(value: Any, source: str) -> list[Name]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ExportError(f"CSL-JSON field 'author' is {_kind(value)}, not a list of names",
                          "export the work as CSL-JSON again", _line(source, "author"))
    names = []
    for person in value:
        if not isinstance(person, dict):
            raise ExportError(f"an author in CSL-JSON is {_kind(person)}, not an object with family and given names",
                              "export the work as CSL-JSON again", _line(source, "author"))
        part = {k: _text(person, k, source) for k in ("family", "given", "literal", "non-dropping-particle",
                                                       "dropping-particle", "suffix")}
        if part["literal"]:
            names.append(Name(literal=part["literal"]))
            continue
        family = " ".join(p for p in (part["dropping-particle"], part["non-dropping-particle"], part["family"]) if p)
        if family or part["given"]:
            names.append(Name(family=family, given=part["given"], suffix=part["suffix"]))
    return names


def _year(value: Any, source: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, dict):
        raise ExportError(f"CSL-JSON field 'issued' is {_kind(value)}, not a date object",
                          "export the work as CSL-JSON again", _line(source, "issued"))
    parts = value.get("date-parts")
    if parts is not None:
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]
                and isinstance(parts[0][0], (str, int)) and not isinstance(parts[0][0], bool)):
            raise ExportError("CSL-JSON field 'issued' has no [[year, month, day]] date-parts",
                              "export the work as CSL-JSON again", _line(source, "issued"))
        return year_of(str(parts[0][0]))
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return year_of(value[key])
    return ""
