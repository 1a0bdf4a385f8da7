"""Adding a reference from what a reference manager or PubMed exports.

Reads BibTeX/BibLaTeX, RIS, CSL-JSON or PubMed's MEDLINE (.nbib) export (see
:mod:`kcr.importers`), keeps the fields the site uses (the others are listed as
dropped), normalises them (key pattern, DOI, PMID, LaTeX decoded, NFC) and
applies the same rules as ``kcr check`` before anything is written.  The work is
refused if it is already in references.bib (same DOI, PMID or near-identical
title).

references.bib is changed only under a lock, by inserting the new entry's text
at its sorted position (every existing byte is kept), through a temporary file
that is fsync'ed and renamed over the original; the result is read back and
compared with what was there before.  A references.bib that does not parse
cleanly is refused, not rewritten.  There is no network lookup: a reference
must be checked by a person against the page it came from (``--verified``).
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import bib, bibwrite, safewrite, textfile
from .importers import ExportError, Record, read_export
from .problems import Problems

STOPWORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "with", "at", "by", "from", "is", "are"}
UNTOUCHED = "references.bib is untouched"


class AddRefError(Exception):
    """The entry cannot be added; the message says why and what to do."""


class InputError(AddRefError):
    """The export file cannot be read or imported; ``line``/``col`` point into it."""

    def __init__(self, what: str, todo: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"{what} — {todo}")
        self.what, self.todo, self.line, self.col = what, todo, line, col


class BibFileError(AddRefError):
    """references.bib itself has problems; it was not changed."""

    def __init__(self, problems: list[str], why: str) -> None:
        super().__init__("\n".join([*problems, why]))
        self.problems, self.why = problems, why


class BibWriteError(AddRefError):
    """references.bib could not be written (full disk, permissions); it was left as it was."""


@dataclass
class Report:
    """What one add-ref run did, for the command's output."""

    key: str = ""
    format: str = ""
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def make_key(fields: dict[str, str]) -> str:
    """``familyname + year + first significant title word``, lowercase ASCII letters and digits."""
    authors = bib.split_authors(fields.get("author", ""))
    first = authors[0] if authors else "anon"
    if first.startswith("{"):
        family = bib.clean(first).split()[0] if bib.clean(first) else "anon"
        words = re.findall(r"[A-Za-z]+", _ascii(bib.clean(first)))
        family = "".join(w[0] for w in words) if len(words) > 2 else (words[0] if words else family)
    elif "," in first:
        family = first.split(",", 1)[0]
    else:
        family = bib.clean(first).split()[-1] if bib.clean(first) else "anon"
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(bib.clean(fields.get("title", "")))) if w not in STOPWORDS]
    key = re.sub(r"[^a-z0-9]", "", _ascii(family)) + re.sub(r"[^0-9]", "", fields.get("year", "")) + (words[0] if words else "")
    return key or "ref"


def _suffixes() -> itertools.chain[str]:
    letters = string.ascii_lowercase
    return itertools.chain(("",), letters, ("".join(p) for p in itertools.product(letters, repeat=2)))


def free_key(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` + a, b, ... z, aa, ab ... : the first one not taken (compared in lowercase)."""
    low = {k.lower() for k in taken}
    for suffix in _suffixes():
        if (base + suffix).lower() not in low:
            return base + suffix
    raise AddRefError(f"every key from '{base}' to '{base}zz' is taken — add the entry by hand with a key of your own")


def normalise(fields: dict[str, str]) -> dict[str, str]:
    """DOI lowercased without URL prefix; PMID as digits only; PMCID upper-case; whitespace collapsed."""
    out = {k: " ".join(v.split()) for k, v in fields.items() if v and v.strip()}
    if "doi" in out:
        out["doi"] = bib.normalise_doi(out["doi"])
    if "pmid" in out:
        out["pmid"] = re.sub(r"^\s*(pmid:?\s*)", "", out["pmid"], flags=re.I).lstrip("0")
    if "pmcid" in out:
        out["pmcid"] = re.sub(r"^\s*(pmcid:?\s*)", "", out["pmcid"], flags=re.I).upper()
    return out


def _text_problem(name: str, value: str) -> str | None:
    """Why ``value`` breaks one of kcr check's text rules (the same functions), or None."""
    bad = textfile.bad_character(value)
    if bad:
        return f"field '{name}' holds a {bad[1]} — {bad[2]}"
    if len(value) > bib.MAX_FIELD:
        todo = ("keep the first authors and end the list with 'and others'" if name == "author"
                else "shorten it in the export")
        return f"field '{name}' is {len(value):,} characters, over the limit of {bib.MAX_FIELD:,} — {todo}"
    return None


def entry_fields(record: Record, report: Report) -> dict[str, str]:
    """The BibTeX values (escaped, normalised, NFC) of an imported record; InputError if one cannot be kept."""
    values = {k: unicodedata.normalize("NFC", v) for k, v in record.fields.items()}
    names = [type(n)(**{k: unicodedata.normalize("NFC", v) for k, v in vars(n).items()}) for n in record.authors]
    fields: dict[str, str] = {}
    name_ = "author"
    try:
        fields[name_] = bibwrite.authors(names)
        for name_, value in values.items():
            fields[name_] = bibwrite.text(value)
    except bibwrite.UnwritableValueError as exc:
        raise InputError(f"field '{name_}' {exc}", "correct it in your reference manager and export again",
                         record.line) from None
    fields = normalise(fields)
    if fields.get("url") and not bib.URL_RE.match(fields["url"]):
        report.notes.append(f"url '{fields.pop('url')}' dropped: only plain https:// addresses are kept")
    for name_, value in fields.items():
        why = _text_problem(name_, value)
        if why:
            what, todo = why.split(" — ", 1)
            raise InputError(what, todo, record.line)
    return fields


def _check_existing(text: str) -> dict[str, bib.Reference]:
    problems = Problems()
    refs = bib.parse(text, problems, check=False)
    if problems:
        raise BibFileError([str(p) for p in problems],
                           f"{UNTOUCHED}: add-ref changes it only when it parses cleanly. Fix the problems above "
                           "(kcr check lists them too), then run add-ref again.")
    return refs


def _duplicate(fields: dict[str, str], existing: dict[str, bib.Reference]) -> None:
    title = bib.normalise_title(fields.get("title", ""))
    for key, ref in existing.items():
        if fields.get("doi") and ref.doi == fields["doi"]:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same DOI {ref.doi}): cite '{key}' instead")
        if fields.get("pmid") and ref.pmid == fields["pmid"]:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same PMID {ref.pmid}): cite '{key}' instead")
        if len(title) >= 20 and bib.normalise_title(ref.get("title")) == title:
            raise AddRefError(f"this work is already in references.bib as '{key}' (same title): cite '{key}' instead")


def _snapshot(refs: dict[str, bib.Reference]) -> dict[str, tuple[str, dict[str, str]]]:
    return {k: (r.entry_type, dict(r.fields)) for k, r in refs.items()}


def _reads_back(new_text: str, before: dict[str, tuple[str, dict[str, str]]], key: str,
                new: tuple[str, dict[str, str]]) -> str | None:
    """Why ``new_text`` is not exactly the old entries plus the new one, or None."""
    problems = Problems()
    after = _snapshot(bib.parse(new_text, problems, check=False))
    if problems:
        return str(problems[0])
    expected = dict(before)
    expected[key] = new
    for k in sorted(set(expected) | set(after)):
        if expected.get(k) != after.get(k):
            return f"entry '{k}' would not read back as before"
    return None


def add(root: Path, source: Path, verified: str, report: Report | None = None,
        verified_class: str | None = None) -> str:
    """Add the work in ``source`` to ``root/references.bib``; return the key it got.

    ``verified_class`` is the kind of page ``verified`` is; when not given it is taken
    from the page's address where that says it (PubMed, PMC, an agency's site).
    """
    report = report if report is not None else Report()
    try:
        report.format, record = read_export(source)
    except ExportError as exc:
        raise InputError(exc.what, exc.todo, exc.line, exc.col) from None
    report.dropped = sorted(record.dropped, key=str.lower)
    report.notes = list(record.notes)
    fields = entry_fields(record, report)
    fields["verified"] = verified.strip()
    if not bib.VERIFIED_RE.match(fields["verified"]):
        raise AddRefError(f"--verified '{textfile.printable(verified)}' is not an http(s) address: give the page you "
                          "checked the details on")
    cls = verified_class or bib.expected_class(fields["verified"])
    if not cls:
        raise AddRefError(f"say what kind of page --verified is: add --verified-class, one of "
                          f"{', '.join(bib.VERIFIED_CLASSES[:-1])}")
    fields["verified_class"] = cls
    bib_path = root / bib.PATH
    if not bib_path.parent.is_dir():
        raise AddRefError(f"the project folder {textfile.printable(str(root))} does not exist — run add-ref in the "
                          "project folder or pass --root")
    try:
        with safewrite.locked(bib_path):
            return _add_locked(bib_path, record, fields, report)
    except OSError as exc:
        what = "no space left on the disk" if safewrite.is_no_space(exc) else (exc.strerror or type(exc).__name__)
        raise BibWriteError(f"could not be written ({what}) — {UNTOUCHED}; free some space or fix the "
                            "permissions, then run add-ref again") from None


def _add_locked(bib_path: Path, record: Record, fields: dict[str, str], report: Report) -> str:
    old_text = ""
    if bib_path.exists() or bib_path.is_symlink():
        problems = Problems()
        read = textfile.read(bib_path, bib.PATH, problems, bib.MAX_BYTES)  # the checker's own file rules
        if read is None:
            raise BibFileError([str(p) for p in problems],
                               f"{UNTOUCHED}: fix the problem above, then run add-ref again.")
        old_text = read
    existing = _check_existing(old_text)
    _duplicate(fields, existing)
    key = free_key(make_key(fields), set(existing))
    new = bib.Reference(key, record.entry_type, fields, 0)
    entry_text = bibwrite.entry(new)
    problems = Problems()
    bib.parse(entry_text + "\n", problems)  # every rule kcr check applies to an entry
    if problems:
        raise AddRefError("the entry is incomplete:\n" + "\n".join(f"  {p.what} — {p.todo}" for p in problems))
    new_text = bibwrite.insert(old_text, key, entry_text)
    before = _snapshot(existing)
    why = _reads_back(new_text, before, key, (record.entry_type, fields))
    if why:
        raise AddRefError(f"the new entry would not read back as written ({why}) — {UNTOUCHED}; "
                          "please report this with the export file")
    old_bytes, new_bytes = old_text.encode("utf-8"), new_text.encode("utf-8")

    def passes_check(tmp: Path) -> None:
        problems = Problems()
        if textfile.read(tmp, bib.PATH, problems, bib.MAX_BYTES) is None:
            raise AddRefError(f"the new references.bib would fail kcr check: {problems[0].what} — {UNTOUCHED}")

    with safewrite.signals_held():  # Ctrl-C lands before the write or after it, never in the middle
        safewrite.replace(bib_path, new_bytes, check=passes_check)
        problem = _verify(bib_path, new_bytes, before, key, (record.entry_type, fields))
        if problem:
            safewrite.replace(bib_path, old_bytes)
            raise AddRefError(f"references.bib did not read back as written ({problem}); the previous version was "
                              "restored — please report this")
        report.key, report.written = key, True
    return key


def _verify(bib_path: Path, expected: bytes, before: dict[str, tuple[str, dict[str, str]]], key: str,
            new: tuple[str, dict[str, str]]) -> str | None:
    """Re-read the written file: the exact bytes, and every previous entry unchanged."""
    with open(bib_path, "rb") as fh:
        data = fh.read(len(expected) + 1)
    if data != expected:
        return "its bytes differ from what was written"
    return _reads_back(data.decode("utf-8"), before, key, new)
