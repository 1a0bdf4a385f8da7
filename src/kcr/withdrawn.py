"""Withdrawn claims: records that were published and later removed, in ``source/withdrawn.yaml``.

Each entry is ``{id, date, reason, replaced_by?, statement?}``.  The page of a
withdrawn claim stays at its address and says when and why it was withdrawn
(a citation of it keeps working); ``kcr check --against REV`` requires an
entry for every record deleted since REV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jsonschema.exceptions import SchemaError

from . import records, yamlstrict
from .problems import Problems

PATH = "source/withdrawn.yaml"
SCHEMA = "schema/withdrawn.schema.json"
MAX_BYTES = 1_000_000


@dataclass
class Withdrawal:
    """One withdrawn claim and where its entry stands in the file."""

    id: str
    date: str
    reason: str
    replaced_by: str | None
    statement: str | None
    index: int
    doc: yamlstrict.Document

    def pos(self, *path: object, key: bool = False) -> tuple[int, int]:
        return self.doc.pos((self.index, *path), key=key)


def is_date(value: str) -> bool:
    try:
        return len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def load(root: Path, problems: Problems) -> list[Withdrawal]:
    """The entries of source/withdrawn.yaml ([] when there is none), adding every problem in the file."""
    path = root / PATH
    if not (path.exists() or path.is_symlink()):
        return []
    doc = records.read_mapping(path, PATH, problems, MAX_BYTES, "write '[]' or remove the file", kind=list)
    if doc is None:
        return []
    try:
        validator = records.validator(root, SCHEMA)
    except (OSError, ValueError, SchemaError):
        problems.add(SCHEMA, 1, 1, "the withdrawn-claims schema cannot be loaded", f"restore {SCHEMA} from the repository")
        return []
    before = len(problems)
    records.schema_problems(validator, doc.data, doc, PATH, problems)
    if len(problems) > before:
        return []
    out: list[Withdrawal] = []
    seen: dict[str, int] = {}
    for i, e in enumerate(doc.data):
        w = Withdrawal(e["id"], e["date"], e["reason"], e.get("replaced_by"), e.get("statement"), i, doc)
        if not is_date(w.date):
            line, col = w.pos("date")
            problems.add(PATH, line, col, f"date '{w.date}' is not a valid YYYY-MM-DD date",
                         'write it as "YYYY-MM-DD" in quotes, e.g. "2026-11-25"')
        if w.id in seen:
            line, col = w.pos("id")
            problems.add(PATH, line, col, f"'{w.id}' is withdrawn twice (also item {seen[w.id] + 1})",
                         "keep one entry per withdrawn claim")
            continue
        seen[w.id] = i
        out.append(w)
    return out


def check(entries: list[Withdrawal], ids: dict[str, str], former: dict[str, str], problems: Problems) -> None:
    """A withdrawn id is no current record's id or former id; ``replaced_by`` names a current record.

    ``ids`` and ``former`` map current ids and former ids to the file of the record holding them.
    """
    for w in entries:
        line, col = w.pos("id")
        if w.id in ids:
            problems.add(PATH, line, col, f"'{w.id}' is withdrawn but {ids[w.id]} still exists",
                         "remove the record, or remove this entry")
        elif w.id in former:
            problems.add(PATH, line, col, f"'{w.id}' is withdrawn but is a former id of {former[w.id]} (a renamed "
                         "claim keeps a redirect, not a withdrawn page)", "remove this entry, or the former id")
        if w.replaced_by is not None and w.replaced_by not in ids:
            rline, rcol = w.pos("replaced_by")
            problems.add(PATH, rline, rcol, f"replaced_by '{w.replaced_by}' is not the id of a claim record",
                         "name the id of the claim that replaces it, or remove replaced_by")
