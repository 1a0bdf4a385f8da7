"""Claim records: one YAML file per claim in claims/, validated by the JSON Schema."""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import cache, grade, records, textfile, yamlstrict
from .problems import Problems

DIR = "claims"
SCHEMA = "schema/claim.schema.json"
MAX_BYTES = 64_000
MAX_FILES = 20_000  # entries in claims/, counted before any is read
ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
LEVELS = {"very-low": 1, "low": 2, "moderate": 3, "high": 4}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
VERDICT_WORD_LIST = ("true", "false", "myth", "misleading", "accurate", "inaccurate", "wrong", "debunked", "fake", "lie",
                     "lies", "hoax", "unsupported", "overstated")
# matched against the text's skeleton (textfile.skeleton_map: NFKC, look-alike letters as ASCII), with
# i, l and 1 and o and 0 interchangeable, so "Аccurate" (Cyrillic А) or "misIeading" is still found
VERDICT_WORDS = re.compile(
    r"\b(" + "|".join("".join({"i": "[il1]", "l": "[il1]", "o": "[o0]"}.get(ch, ch) for ch in w)
                      for w in VERDICT_WORD_LIST) + r")\b", re.I)
MARKUP = re.compile(r"[<>\[\]{}`\\*_#|]")


@dataclass
class Claim:
    """A loaded claim record and where each of its values stands in the file."""

    path: str
    data: dict[str, Any]
    doc: yamlstrict.Document
    own: list = field(default_factory=list)  # problems of the record alone (semantic_problems), found when loaded
    key: str = ""  # names its content when it came through the cache (see records.load_checked)

    # worked out once a record: kcr serve's checker keeps an unchanged record's Claim from run to run
    # (a record's data is never changed once loaded)

    @functools.cached_property
    def id(self) -> str:
        return self.data.get("id", "")

    @functools.cached_property
    def stem(self) -> str:
        """The file name without .yaml."""
        return records.stem(self.path)

    @functools.cached_property
    def cited(self) -> tuple[str, ...]:
        """The refs of the evidence items that are mappings with a text ref."""
        ev = self.data.get("evidence")
        return tuple(e["ref"] for e in ev if isinstance(e, dict) and isinstance(e.get("ref"), str)) \
            if isinstance(ev, list) else ()

    @functools.cached_property
    def evidence_unreadable(self) -> bool:
        """True if the record's evidence is not a list of items with a text ref (the schema reports it)."""
        if "evidence" not in self.data:
            return False
        ev = self.data["evidence"]
        return not isinstance(ev, list) or any(not (isinstance(e, dict) and isinstance(e.get("ref"), str)) for e in ev)

    @functools.cached_property
    def former(self) -> tuple[str, ...]:
        """The former ids that are text."""
        value = self.data.get("former_ids")
        return tuple(x for x in value if isinstance(x, str)) if isinstance(value, list) else ()

    def pos(self, *path: Any, key: bool = False) -> tuple[int, int]:
        return self.doc.pos(tuple(path), key=key)


def validator(root: Path) -> Draft202012Validator:
    """The JSON Schema validator for claim records (the schema file is the source of truth)."""
    return records.validator(root, SCHEMA)


def load_all(root: Path, problems: Problems, skipped: list[str] | None = None,
             store: cache.LineCache | None = None) -> list[Claim]:
    """Load every file in claims/, adding each problem found; return the records that parsed.

    The file shown for every entry of claims/ that gives no record is appended to
    ``skipped`` (``claims`` itself when the folder cannot be read at all), so a
    caller knows the records are incomplete.
    """
    skipped = [] if skipped is None else skipped
    folder = root / DIR
    claims: list[Claim] = []
    if folder.is_symlink() or not folder.is_dir():
        problems.add(DIR, 1, 1, "claims/ is missing or is a link", "create the claims/ folder with one YAML file per claim")
        skipped.append(DIR)
        return claims
    try:
        check = validator(root)
        mismatch = grade.schema_mismatch(check.schema)
    except (OSError, ValueError, SchemaError) as exc:
        line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        reason = exc.strerror if isinstance(exc, OSError) else " ".join(str(exc).split())[:200]
        problems.add(SCHEMA, line, col, f"the record schema cannot be loaded ({reason})",
                     f"restore {SCHEMA} from the repository")
        skipped.append(DIR)
        return claims
    if mismatch:
        problems.add(SCHEMA, 1, 1, f"the record schema disagrees with the checker's GRADE table ({mismatch})",
                     f"restore {SCHEMA} from the repository, or change kcr/grade.py BODIES with it")
        skipped.append(DIR)
        return claims
    try:
        with os.scandir(folder) as it:
            entries = list(itertools.islice(it, MAX_FILES + 1))
    except OSError as exc:
        problems.add(DIR, 1, 1, f"claims/ cannot be read ({exc.strerror})", "check the folder's permissions")
        skipped.append(DIR)
        return claims
    if len(entries) > MAX_FILES:
        problems.add(DIR, 1, 1, f"claims/ holds more than {MAX_FILES:,} entries",
                     "remove what is not a claim record; one <id>.yaml file per claim belongs there")
        skipped.append(DIR)
        return claims
    lower: dict[str, str] = {}
    memo = records.Remembered(folder, check, store)
    # all-lowercase names first, so of two names differing only in case the odd one is reported
    ordered = records.in_order(entries)
    for entry, known in zip(ordered, memo.all(ordered, problems), strict=True):
        name = entry.name
        shown = f"{DIR}/{name}"
        if isinstance(known, Claim):  # unchanged since the last run
            claims.append(known)
            continue
        if known is not None:  # a file that gave no record, unchanged
            skipped.append(shown)
            continue
        memo.clean = memo.clean and not (name.lower() in lower or entry.is_dir(follow_symlinks=False)
                                         or records.suffix(name) != ".yaml")
        if name.lower() in lower:
            problems.add(shown, 1, 1, f"file name differs only in case from '{lower[name.lower()]}'",
                         "rename or remove one; they clash on case-insensitive file systems")
            skipped.append(shown)
            continue
        lower[name.lower()] = shown
        if entry.is_dir(follow_symlinks=False):
            problems.add(shown, 1, 1, "folder inside claims/", "keep one .yaml file per claim directly in claims/")
            skipped.append(shown)
            continue
        if records.suffix(name) != ".yaml":
            problems.add(shown, 1, 1, "file in claims/ does not end in .yaml",
                         "rename it to <id>.yaml (use .yaml, not .yml) or move it out of claims/")
            skipped.append(shown)
            continue
        claim = memo.get(entry.path, problems)
        if claim is None:
            mark = len(problems)
            claim = load_one(entry.path, shown, root, problems, store, check) or shown
            memo.put(entry.path, claim, problems[mark:], claim.key if isinstance(claim, Claim) else "")
        if isinstance(claim, Claim):
            claims.append(claim)
        else:
            skipped.append(shown)
    memo.done()
    return claims


def load_one(path: str | Path, shown: str, root: Path, problems: Problems,
             store: cache.LineCache | None = None, check: Draft202012Validator | None = None) -> Claim | None:
    """Load and schema-check one record, and run the checks of the record alone (:func:`semantic_problems`,
    kept in ``Claim.own``); None if it cannot be read at all."""
    checked = records.load_checked(path, shown, problems, MAX_BYTES, EMPTY_TODO, check or validator(root),
                                   store=store, hints=HINTS, more=more(shown))
    if checked is None or checked.doc is None:
        return None
    return Claim(shown, checked.doc.data, checked.doc, checked.own, checked.key)


EMPTY_TODO = "fill in the record (run `kcr new-claim` for a template) or delete it"
HINTS = {("certainty", "body"): grade.BODY_TODO}


def more(shown: str) -> Callable[[yamlstrict.Document, Problems], None]:
    """The checks of a record alone beyond the schema (:func:`semantic_problems`), for records.load_checked."""
    return lambda doc, found: semantic_problems(Claim(shown, doc.data, doc), found)


def semantic_problems(claim: Claim, problems: Problems) -> None:
    """Checks the schema cannot express: id, dates, certainty arithmetic, verdict rules."""
    d = claim.data
    p = claim.path
    stem = records.stem(p)
    if not ID_RE.match(stem):
        good = isinstance(d.get("id"), str) and ID_RE.match(d["id"])
        problems.add(p, 1, 1, f"file name '{Path(p).name}' is not a valid id",
                     f"rename the file to {d['id']}.yaml" if good else
                     "rename the file to <id>.yaml, the id in lowercase letters, digits and single hyphens")
    elif isinstance(d.get("id"), str) and ID_RE.match(d["id"]) and len(d["id"]) <= 80 and d["id"] != stem:  # a malformed id: the schema says so
        line, col = claim.pos("id")
        problems.add(p, line, col, f"id '{d['id']}' does not match the file name '{stem}.yaml'",
                     f"set id: {stem} or rename the file to {d['id']}.yaml")
    statement = d.get("statement")
    if isinstance(statement, str):
        _statement_rules(claim, statement, problems)
    log = d.get("changelog")
    for path in [("reviewed",)] + [("changelog", i, "date") for i in range(len(log) if isinstance(log, list) else 0)]:
        value = _get(d, path)
        if isinstance(value, str) and not textfile.is_date(value):
            line, col = claim.pos(*path)
            problems.add(p, line, col, f"date '{value}' is not a valid YYYY-MM-DD date",
                         'write it as "YYYY-MM-DD" in quotes, e.g. "2026-11-25"')
    _verdict_rules(claim, problems)
    grade.certainty_problems(claim, problems)
    grade.verdict_problems(claim, problems)
    _changelog_rules(claim, problems)


def _statement_rules(claim: Claim, statement: str, problems: Problems) -> None:
    """Verdict words and markup in the statement, compared as the text looks (NFKC and look-alike letters)."""
    seen, index = textfile.skeleton_map(statement)
    m = VERDICT_WORDS.search(seen)
    if m:
        written = statement[index[m.start()]:index[m.end() - 1] + 1]
        what = f"statement contains the verdict word '{m.group()}'"
        if written != m.group():
            what += f" (written with look-alike characters as '{written}')"
        problems.add(claim.path, *claim.pos("statement"), what,
                     "state the claim neutrally; the verdict goes in the verdict field")
    if not MARKUP.search(statement):  # markup written plainly is reported by the schema's pattern
        m = MARKUP.search(seen)
        if m:
            written = statement[index[m.start()]]
            problems.add(claim.path, *claim.pos("statement"),
                         f"statement contains '{written}' (U+{ord(written):04X}), a look-alike of the markup character '{m.group()}'",
                         "remove the markup characters < > [ ] { } ` \\ * _ # | and their look-alikes (the statement is plain text)")


def _list(value: Any) -> list:
    """``value`` if it is a list, else an empty list (the schema reports the wrong type)."""
    return value if isinstance(value, list) else []


def _level(value: Any) -> bool:
    return isinstance(value, str) and value in LEVELS


def _get(d: Any, path: tuple) -> Any:
    for part in path:
        try:
            d = d[part]
        except (KeyError, IndexError, TypeError):
            return None
    return d


def _verdict_rules(claim: Claim, problems: Problems) -> None:
    d, p = claim.data, claim.path
    checkable = d.get("checkable")
    if checkable is True:
        for name, todo in (
            ("verdict", "add verdict: one of accurate, mostly-accurate, overstated, misleading, unsupported, inaccurate"),
            ("certainty", "add certainty: with start, level and a reason for each step down or up"),
            ("conclusion", "add a one-line conclusion"),
            ("bottom_line", "add a plain-language bottom line"),
        ):
            if name not in d:
                line, col = claim.pos("checkable", key=True)
                problems.add(p, line, col, f"checkable claim has no {name}", todo)
        if not d.get("evidence"):
            line, col = claim.pos("evidence", key=True) if "evidence" in d else claim.pos("checkable")
            problems.add(p, line, col, "checkable claim cites no evidence (uncited claim)",
                         "add at least one evidence item citing a references.bib key, or set checkable: false with a reason")
        if "not_checkable_reason" in d:
            line, col = claim.pos("not_checkable_reason", key=True)
            problems.add(p, line, col, "not_checkable_reason on a checkable claim",
                         "remove it, or set checkable: false")
    elif checkable is False:
        for name in ("verdict", "certainty", "article_certainty"):
            if name in d:
                line, col = claim.pos(name, key=True)
                problems.add(p, line, col, f"claim marked not checkable has a {name}",
                             "remove it, or set checkable: true")
        if "not_checkable_reason" not in d:
            line, col = claim.pos("checkable")
            problems.add(p, line, col, "claim marked not checkable gives no reason",
                         "add not_checkable_reason: why this is advice or opinion rather than a factual claim")
    cert = d.get("certainty")
    if (isinstance(cert, dict) and _level(cert.get("start")) and _level(cert.get("level"))
            and isinstance(cert.get("reasons", []), list)):  # a reasons of the wrong type is reported by the schema
        reasons = [r for r in _list(cert.get("reasons")) if isinstance(r, dict)]
        total = LEVELS[cert["start"]] + sum(r.get("change", 0) for r in reasons if isinstance(r.get("change"), int))
        expected = LEVEL_NAMES[min(4, max(1, total))]
        if cert["level"] != "high" and not reasons and not cert.get("basis"):
            problems.add(p, *claim.pos("certainty", "level"), f"certainty '{cert['level']}' is below high but no reason is given",
                         "add certainty.reasons (domain, change, reason) or certainty.basis for a low starting point")
        elif expected != cert["level"]:
            problems.add(p, *claim.pos("certainty", "level"),
                         f"certainty level '{cert['level']}' does not follow from start '{cert['start']}' and the changes (gives '{expected}')",
                         "correct the level or the changes in certainty.reasons")
    if d.get("checkable") is True and isinstance(d.get("evidence"), list):
        seen: dict[str, int] = {}
        for i, item in enumerate(d["evidence"]):
            if isinstance(item, dict) and isinstance(item.get("ref"), str):
                if item["ref"] in seen:
                    line, col = claim.pos("evidence", i, "ref")
                    problems.add(p, line, col, f"evidence cites '{item['ref']}' twice (also item {seen[item['ref']] + 1})",
                                 "merge the two items into one")
                seen.setdefault(item["ref"], i)


def _changelog_rules(claim: Claim, problems: Problems) -> None:
    d, p = claim.data, claim.path
    log = d.get("changelog")
    version = d.get("version")
    if not isinstance(log, list) or not isinstance(version, int):
        return
    versions: list[int] = [e["version"] for e in log if isinstance(e, dict) and isinstance(e.get("version"), int)]
    if versions and max(versions) != version:
        line, col = claim.pos("version")
        problems.add(p, line, col, f"version {version} is not the latest changelog version {max(versions)}",
                     "set version to the newest changelog entry's version")
    entries = [e for e in log if isinstance(e, dict)]
    dates: list[str] = [e["date"] for e in entries if isinstance(e.get("date"), str)]
    reviewed = d.get("reviewed")
    # only when every entry has a date, so that the latest one is known
    if (dates and len(dates) == len(entries) and isinstance(reviewed, str) and textfile.is_date(reviewed)
            and max(dates) > reviewed and textfile.is_date(max(dates))):
        line, col = claim.pos("reviewed")
        problems.add(p, line, col, f"reviewed date {reviewed} is older than the changelog's {max(dates)}",
                     "set reviewed to the date of the latest review")
