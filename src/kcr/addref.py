"""Adding a reference from what a reference manager exports: BibTeX, RIS or CSL-JSON.

The entry is normalised (key pattern, DOI, PMID), refused if the work is
already in references.bib (same DOI, PMID or near-identical title), and the
file is rewritten in its stable sorted form.  There is no network lookup: the
machine running this may be offline, and a reference must be checked by a
person against the page it came from (``--verified``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from . import bib, bibwrite
from .problems import Problems

STOPWORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "with", "at", "by", "from", "is", "are"}


class AddRefError(Exception):
    """The entry cannot be added; the message says why and what to do."""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def make_key(fields: dict[str, str]) -> str:
    """``familyname + year + first significant title word``, lowercase ASCII letters and digits."""
    authors = bib.split_authors(fields.get("author", ""))
    first = authors[0] if authors else "anon"
    if first.startswith("{"):
        family = bib.clean(first).split()[0] if bib.clean(first) else "anon"
        words = [w for w in re.findall(r"[A-Za-z]+", bib.clean(first))]
        family = "".join(w[0] for w in words) if len(words) > 2 else (words[0] if words else family)
    elif "," in first:
        family = first.split(",", 1)[0]
    else:
        family = bib.clean(first).split()[-1]
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(bib.clean(fields.get("title", "")))) if w not in STOPWORDS]
    key = re.sub(r"[^a-z0-9]", "", _ascii(family)) + re.sub(r"[^0-9]", "", fields.get("year", "")) + (words[0] if words else "")
    return key or "ref"


def normalise(fields: dict[str, str]) -> dict[str, str]:
    """DOI lowercased without URL prefix; PMID as digits only; whitespace collapsed."""
    out = {k: " ".join(v.split()) for k, v in fields.items() if v and v.strip()}
    if "doi" in out:
        out["doi"] = bib.normalise_doi(out["doi"])
    if "pmid" in out:
        digits = re.sub(r"^\s*(pmid:?\s*)", "", out["pmid"], flags=re.I).lstrip("0")
        out["pmid"] = digits
    return out


def from_bibtex(text: str) -> tuple[str, dict[str, str]]:
    problems = Problems()
    refs = bib.parse(text, problems, "<input>", check=False)
    if problems:
        raise AddRefError("the BibTeX entry has problems:\n" + "\n".join(str(p) for p in problems))
    if len(refs) != 1:
        raise AddRefError(f"expected exactly one BibTeX entry, found {len(refs)}")
    ref = next(iter(refs.values()))
    return ref.entry_type, dict(ref.fields)


RIS_TYPES = {"JOUR": "article", "RPRT": "report", "BOOK": "book", "CHAP": "incollection", "ELEC": "misc",
             "GEN": "misc", "WEB": "misc", "GOVDOC": "misc"}


def from_ris(text: str) -> tuple[str, dict[str, str]]:
    tags: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if m:
            tags.setdefault(m.group(1), []).append(m.group(2).strip())
    if "TY" not in tags:
        raise AddRefError("no 'TY  - ' line: this does not look like an RIS record")

    def first(*names: str) -> str:
        for n in names:
            if tags.get(n):
                return tags[n][0]
        return ""

    fields = {
        "title": first("TI", "T1"),
        "author": " and ".join(tags.get("AU", []) + tags.get("A1", [])),
        "year": (re.search(r"[0-9]{4}", first("PY", "Y1", "DA")) or [""])[0],
        "journal": first("JO", "JF", "T2", "JA"),
        "volume": first("VL"),
        "number": first("IS"),
        "pages": "--".join(x for x in (first("SP"), first("EP")) if x),
        "doi": first("DO"),
        "url": first("UR"),
    }
    an = first("AN")
    if re.fullmatch(r"(PMID:?\s*)?[0-9]+", an, flags=re.I):
        fields["pmid"] = an
    return RIS_TYPES.get(first("TY"), "misc"), fields


CSL_TYPES = {"article-journal": "article", "report": "report", "book": "book", "chapter": "incollection",
             "webpage": "misc", "article": "article"}


def from_csl(text: str) -> tuple[str, dict[str, str]]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AddRefError(f"CSL-JSON is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if isinstance(data, list):
        if len(data) != 1:
            raise AddRefError(f"expected exactly one CSL-JSON item, found {len(data)}")
        data = data[0]
    if not isinstance(data, dict):
        raise AddRefError("CSL-JSON must be an object or a list of one object")
    names = []
    for a in data.get("author") or []:
        if isinstance(a, dict) and a.get("literal"):
            names.append("{" + str(a["literal"]) + "}")
        elif isinstance(a, dict):
            names.append(f"{a.get('family', '')}, {a.get('given', '')}".strip(", "))
    year = ""
    parts = (data.get("issued") or {}).get("date-parts") if isinstance(data.get("issued"), dict) else None
    if parts and parts[0]:
        year = str(parts[0][0])
    fields = {
        "title": str(data.get("title", "")), "author": " and ".join(names), "year": year,
        "journal": str(data.get("container-title", "")), "volume": str(data.get("volume", "")),
        "number": str(data.get("issue", "")), "pages": str(data.get("page", "")).replace("-", "--"),
        "doi": str(data.get("DOI", "")), "pmid": str(data.get("PMID", "")), "url": str(data.get("URL", "")),
        "publisher": str(data.get("publisher", "")),
    }
    return CSL_TYPES.get(str(data.get("type", "")), "misc"), fields


def read_any(path: Path) -> tuple[str, dict[str, str]]:
    """Parse a file by its extension (.bib, .ris, .json) or, failing that, its content."""
    text = path.read_text(encoding="utf-8")
    ext = path.suffix.lower()
    if ext == ".bib" or (ext not in (".ris", ".json") and text.lstrip().startswith("@")):
        return from_bibtex(text)
    if ext == ".ris" or re.search(r"^TY  - ", text, flags=re.M):
        return from_ris(text)
    return from_csl(text)


def add(root: Path, source: Path, verified: str, verified_class: str | None = None) -> str:
    """Add the entry in ``source`` to ``root/references.bib``; return the key it got.

    ``verified_class`` is the kind of page ``verified`` is; when not given it is taken
    from the page's address where that says it (PubMed, PMC, an agency's site).
    """
    entry_type, fields = read_any(source)
    fields = normalise(fields)
    fields["verified"] = verified.strip()
    if not bib.VERIFIED_RE.match(fields["verified"]):
        raise AddRefError(f"--verified '{verified}' is not an http(s) address: give the page you checked the details on")
    bib_path = root / bib.PATH
    problems = Problems()
    existing = bib.parse(bib_path.read_text(encoding="utf-8"), problems) if bib_path.exists() else {}
    title = bib.normalise_title(fields.get("title", ""))
    for key, ref in existing.items():
        if fields.get("doi") and ref.doi == fields["doi"]:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same DOI {ref.doi}): cite '{key}' instead")
        if fields.get("pmid") and ref.pmid == fields["pmid"]:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same PMID {ref.pmid}): cite '{key}' instead")
        if len(title) >= 20 and bib.normalise_title(ref.get("title")) == title:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same title): cite '{key}' instead")
    cls = verified_class or bib.expected_class(fields["verified"])
    if not cls:
        raise AddRefError(f"say what kind of page --verified is: add --verified-class, one of "
                          f"{', '.join(bib.VERIFIED_CLASSES[:-1])}")
    fields["verified_class"] = cls
    key = make_key(fields)
    base, n = key, 0
    while key in existing:
        n += 1
        key = base + "abcdefghijklmnopqrstuvwxyz"[n - 1]
    new = bib.Reference(key, entry_type, fields, 0)
    check_problems = Problems()
    bib.check_fields(new, check_problems, "<new entry>")
    if check_problems:
        raise AddRefError("the entry is incomplete:\n" + "\n".join(f"  {p.what} — {p.todo}" for p in check_problems))
    bib_path.write_text(bibwrite.dump(list(existing.values()) + [new]), encoding="utf-8")
    return key
