"""What every importer produces: one work as plain Unicode text, and the error type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# the fields add-ref keeps from an export, in references.bib's names; everything else is dropped and listed
KEPT = ("title", "year", "journal", "booktitle", "publisher", "institution", "organization", "edition",
        "address", "volume", "number", "pages", "doi", "pmid", "pmcid", "url")


class ExportError(Exception):
    """The export cannot be imported; ``line``/``col`` point into the input file (1-based)."""

    def __init__(self, what: str, todo: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"{what} — {todo}")
        self.what, self.todo, self.line, self.col = what, todo, line, col


@dataclass(frozen=True)
class Name:
    """One author: family and given names, or a literal (an organisation, or a name written as one piece)."""

    family: str = ""
    given: str = ""
    literal: str = ""
    suffix: str = ""


@dataclass
class Record:
    """One work read from an export, before it is written as BibTeX."""

    entry_type: str
    fields: dict[str, str] = field(default_factory=dict)  # plain text, keys from KEPT
    authors: list[Name] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)  # field names as the export spells them
    line: int = 1
    notes: list[str] = field(default_factory=list)  # what was changed on import, shown to the contributor

    def set(self, name: str, value: object) -> None:
        """Keep ``value`` (text, collapsed whitespace) unless it is empty or already set."""
        text = " ".join(str(value).split()) if value is not None else ""
        if text and not self.fields.get(name):
            self.fields[name] = text


PAGES_SEP = re.compile(r"\s*(?:-+|–|—)\s*")


def pages(value: str) -> str:
    """``446-450``, ``446--450`` or ``446–450`` as BibTeX's ``446--450``."""
    return PAGES_SEP.sub("--", value.strip())


YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")


def year_of(value: str) -> str:
    """The first plausible four-digit year in a date such as ``2013///``, ``2019 Apr`` or ``2012-03-01``."""
    m = YEAR.search(value or "")
    return m.group(1) if m else ""


def too_many(count: int, what: str = "records") -> ExportError:
    """A file with several works is refused as a whole: never merged, never partly added."""
    return ExportError(f"the file holds {count} {what}; add-ref adds one work at a time",
                       "export each work to its own file and add them one by one (each needs its own --verified page)")


def shown(value: str, limit: int = 60) -> str:
    """A value quoted in a message: whitespace collapsed, cut short."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
