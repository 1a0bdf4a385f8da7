"""YAML records checked against a JSON Schema: claims, search logs, second reviews, withdrawals.

Every file is read through :mod:`kcr.textfile` (size, encoding, invisible
characters) and :mod:`kcr.yamlstrict` (literal values, positions), then
validated; every schema error becomes one ``path:line:col`` problem.
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import textfile, yamlstrict
from .problems import Problems


@lru_cache(maxsize=8)
def _validator(schema_text: str) -> Draft202012Validator:
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)  # the slow part (~0.1 s): done once per schema text
    return Draft202012Validator(schema)


# compiled checkers by the validator they stand for (the validator is kept, so its id is never reused)
_FAST: dict[int, tuple[Draft202012Validator, Callable[[Any], Any] | None]] = {}


def _fast_check(validator: Draft202012Validator) -> Callable[[Any], Any] | None:
    """The validator's schema compiled to Python by fastjsonschema (~40x faster than jsonschema on a valid
    record), or None when it cannot be compiled.

    Used only to pass records: a record it rejects, or one it cannot judge, goes
    through jsonschema, which names every problem.  Both read ``pattern`` with
    Python's ``re``, and the schemas use only keywords draft-07 also has.
    """
    entry = _FAST.get(id(validator))
    if entry is None or entry[0] is not validator:
        try:
            compiled = fastjsonschema.compile(validator.schema)
        except Exception:  # noqa: BLE001 - a schema it cannot compile is checked by jsonschema alone
            compiled = None
        entry = _FAST[id(validator)] = (validator, compiled)
    return entry[1]


def passes(validator: Draft202012Validator, data: Any) -> bool:
    """True when ``data`` fits the validator's schema, found by the compiled checker (False: look closer)."""
    fast = _fast_check(validator)
    if fast is None:
        return False
    try:
        fast(data)
    except Exception:  # noqa: BLE001 - a rejection, or the compiled checker failing on odd data: jsonschema decides
        return False
    return True


def validator(root: Path, rel: str) -> Draft202012Validator:
    """The validator for the schema file ``rel`` under ``root`` (the schema file is the source of truth).

    Cached by the schema's text, not its path: an edited schema is picked up by a
    running ``kcr serve``, and copies of the project share one compiled validator.
    Raises OSError, ValueError or SchemaError when the schema cannot be used.
    """
    return _validator((root / rel).read_text(encoding="utf-8"))


def read_mapping(path: Path, shown: str, problems: Problems, max_bytes: int, empty_todo: str,
                 kind: type = dict) -> yamlstrict.Document | None:
    """The document of a YAML file that must hold a mapping (or, with ``kind=list``, a list),
    or None after adding a problem."""
    text = textfile.read(path, shown, problems, max_bytes)
    if text is None:
        return None
    if "\t" in text:
        i = text.index("\t")
        line = text.count("\n", 0, i) + 1
        problems.add(shown, line, i - (text.rfind("\n", 0, i) + 1) + 1, "tab character",
                     "indent with spaces; YAML does not allow tabs for indentation")
        return None
    try:
        doc = yamlstrict.load(text)
    except yamlstrict.YamlError as exc:
        problems.add(shown, exc.line, exc.col, exc.what, exc.todo)
        return None
    if doc.data is None:
        problems.add(shown, 1, 1, "file is empty", empty_todo)
        return None
    if kind is list and not isinstance(doc.data, list):
        problems.add(shown, 1, 1, f"file holds a {type(doc.data).__name__}, not a list",
                     "write one '- field: value' item per entry")
        return None
    if kind is dict and not isinstance(doc.data, dict):
        problems.add(shown, 1, 1, f"file holds a {type(doc.data).__name__}, not a mapping of fields",
                     "write the record as 'field: value' lines (see CONTRIBUTING.md)")
        return None
    return doc


def schema_problems(validator: Draft202012Validator, data: Any, doc: yamlstrict.Document, shown: str,
                    problems: Problems, hints: dict[tuple, str] | None = None) -> None:
    """Add a problem, at its place in the file, for every way ``data`` breaks the schema.

    ``hints`` gives a better "what to do" for a missing field, by (parent path..., field name).
    """
    if passes(validator, data):
        return
    hints = hints or {}

    def pos(*path: Any, key: bool = False) -> tuple[int, int]:
        return doc.pos(tuple(path), key=key)

    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        field = ".".join(str(p) for p in path) or "record"
        if err.validator == "additionalProperties":
            allowed = sorted(err.schema.get("properties", {}))
            extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
            for name in extra:
                line, col = pos(*path, name, key=True)
                where = f"{field}.{name}" if path else name
                problems.add(shown, line, col, f"unknown field '{where}'",
                             f"remove it or use one of: {', '.join(allowed)}")
            continue
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            line, col = pos(*path, key=True)
            todo = hints.get(path + (missing,), f"add {missing}: (see the field guide in CONTRIBUTING.md)")
            problems.add(shown, line, col, f"missing field '{missing}'" + (f" in {field}" if path else ""), todo)
            continue
        line, col = pos(*path)
        todo = _todo(err)
        if err.validator == "pattern" and path and path[-1] == "ref":
            todo = "use a references.bib citation key: lowercase letters and digits, e.g. smith2020kratom"
        problems.add(shown, line, col, f"field '{field}': {_describe(err)}", todo)


def _describe(err: Any) -> str:
    v = err.validator
    inst = err.instance
    shown = repr(inst) if not isinstance(inst, (dict, list)) else type(inst).__name__
    if len(shown) > 60:
        shown = shown[:57] + "...'"
    if v == "enum":
        return f"{shown} is not an allowed value"
    if v == "type":
        return f"{shown} is not of type {err.validator_value}"
    if v == "pattern":
        return f"{shown} does not match the required pattern"
    if v == "maxLength":
        return f"is {len(inst)} characters, over the limit of {err.validator_value}"
    if v == "minLength":
        return f"is {len(inst)} characters, under the minimum of {err.validator_value}"
    if v in ("minItems", "maxItems"):
        return f"has {len(inst)} items; {v[:3]}imum is {err.validator_value}"
    if v in ("minimum", "maximum"):
        return f"{inst} is out of range ({v} {err.validator_value})"
    if v == "uniqueItems":
        return "has repeated items"
    return err.message  # pragma: no cover - the schema uses only the validators above


def _todo(err: Any) -> str:
    v = err.validator
    if v == "enum":
        return "use one of: " + ", ".join(str(x) for x in err.validator_value)
    if v == "type":
        want = err.validator_value
        hint = {"string": "quote the value", "integer": "write a whole number without quotes",
                "boolean": "write true or false", "array": "write a list ('- item' lines)",
                "object": "write 'field: value' lines"}.get(want, f"use a {want}")
        return hint
    if v == "pattern":
        if list(err.absolute_path) == ["statement"]:
            return "remove the markup characters < > [ ] { } ` \\ * _ # | (the statement is plain text)"
        return "use lowercase letters, digits and single hyphens (e.g. kratom-reduces-cravings)"
    if v == "maxLength":
        return "shorten it"
    if v == "minLength":
        return "write it out in full"
    if v in ("minItems", "maxItems"):
        return "add or remove items"
    if v in ("minimum", "maximum"):
        return "use a value in range"
    return "fix the value"




@dataclass
class Record:
    """One YAML record of a folder (a search log, a second review) and where its values stand."""

    path: str
    data: dict[str, Any]
    doc: yamlstrict.Document
    valid: bool = True  # False: it breaks the schema (reported), so it is not checked further

    @property
    def stem(self) -> str:
        return Path(self.path).stem

    def pos(self, *path: Any, key: bool = False) -> tuple[int, int]:
        return self.doc.pos(tuple(path), key=key)


def load_folder(root: Path, rel: str, schema_rel: str, problems: Problems, *, max_files: int = 20_000,
                max_bytes: int = 256_000, what: str = "record") -> dict[str, Record]:
    """Every ``<name>.yaml`` in the folder ``rel`` that parses, by file stem (``valid`` when it fits the schema).

    A file that cannot be read at all is kept out but marks its stem as present
    (with ``data`` empty and ``valid`` False), so no caller reports it missing.  A missing folder holds nothing.  Anything else in it (another extension, a
    subfolder, a link, a name differing only in case) is reported.
    """
    folder = root / rel
    out: dict[str, Record] = {}
    if not (folder.exists() or folder.is_symlink()):
        return out
    if folder.is_symlink() or not folder.is_dir():
        problems.add(rel, 1, 1, f"{rel}/ is not a folder", f"make {rel}/ a real folder holding one .yaml file per claim")
        return out
    try:
        check = validator(root, schema_rel)
    except (OSError, ValueError, SchemaError):
        problems.add(schema_rel, 1, 1, f"the {what} schema cannot be loaded", f"restore {schema_rel} from the repository")
        return out
    try:
        with os.scandir(folder) as it:
            entries = sorted(Path(e.path) for e in itertools.islice(it, max_files + 1))
    except OSError as exc:
        problems.add(rel, 1, 1, f"{rel}/ cannot be read ({exc.strerror})", "check the folder's permissions")
        return out
    if len(entries) > max_files:
        problems.add(rel, 1, 1, f"{rel}/ holds more than {max_files:,} entries", "keep one <claim-id>.yaml file per claim")
        return out
    lower: dict[str, str] = {}
    for path in sorted(entries, key=lambda p: (p.name.lower(), p.name != p.name.lower(), p.name)):
        shown = f"{rel}/{path.name}"
        if path.name.lower() in lower:
            problems.add(shown, 1, 1, f"file name differs only in case from '{lower[path.name.lower()]}'",
                         "rename or remove one; they clash on case-insensitive file systems")
            continue
        lower[path.name.lower()] = shown
        if path.is_dir() and not path.is_symlink():
            problems.add(shown, 1, 1, f"folder inside {rel}/", f"keep one .yaml file per claim directly in {rel}/")
            continue
        if path.suffix != ".yaml":
            problems.add(shown, 1, 1, f"file in {rel}/ does not end in .yaml",
                         f"rename it to <claim-id>.yaml (use .yaml, not .yml) or move it out of {rel}/")
            continue
        doc = read_mapping(path, shown, problems, max_bytes, f"fill in the {what} or delete the file")
        if doc is None:
            out[path.stem] = Record(shown, {}, yamlstrict.Document({}), valid=False)
            continue
        before = len(problems)
        schema_problems(check, doc.data, doc, shown, problems)
        out[path.stem] = Record(shown, doc.data, doc, valid=len(problems) == before)
    return out


def cited_refs(data: dict) -> list[str] | None:
    """The keys a claim record's evidence cites, in order; None when the evidence is not a list of
    items each with a text ref (the schema reports that), so nothing is compared with a guess."""
    ev = data.get("evidence", [])
    if not isinstance(ev, list) or not all(isinstance(e, dict) and isinstance(e.get("ref"), str) for e in ev):
        return None
    return [e["ref"] for e in ev]
