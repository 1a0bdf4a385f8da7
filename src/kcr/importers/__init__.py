"""Reading what reference managers export: BibTeX/BibLaTeX, RIS, CSL-JSON and PubMed (MEDLINE/.nbib).

:func:`read_export` returns exactly one :class:`Record` (a file with several
works is refused, naming the count) or raises :class:`ExportError` with a line
and column in the input file.  Nothing here writes anything.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import bibtex, csljson, medline, ris
from .record import KEPT, ExportError, Name, Record
from .source import MAX_BYTES, read_text

__all__ = ["KEPT", "MAX_BYTES", "ExportError", "Name", "Record", "detect", "read_export"]

FORMATS = {"bibtex": bibtex.read, "ris": ris.read, "csl-json": csljson.read, "medline": medline.read}
_EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".nbib": "medline",
               ".medline": "medline"}


def detect(text: str, suffix: str = "") -> str:
    """The export format, from the content first and the file extension second."""
    body = text.lstrip("\ufeff \t\n")
    if re.match(r"PMID- ", body):
        return "medline"
    if re.match(r"TY {1,2}- ", body):
        return "ris"
    if body[:1] in "[{":
        return "csl-json"
    if re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, flags=re.M):
        return "bibtex"
    fmt = _EXTENSIONS.get(suffix.lower())
    if fmt:
        return fmt
    raise ExportError("the file is not a BibTeX, RIS, CSL-JSON or PubMed (.nbib) export",
                      "export the work from your reference manager or PubMed in one of those formats")


def read_export(path: Path) -> tuple[str, Record]:
    """(format, record) of the one work in the export at ``path``."""
    text = read_text(path)
    fmt = detect(text, path.suffix)
    records = FORMATS[fmt](text)
    return fmt, records[0]
