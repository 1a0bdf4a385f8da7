"""YAML records checked against a JSON Schema: claims, search logs, second reviews, withdrawals.

Every file is read through :mod:`kcr.textfile` (size, encoding, invisible
characters) and :mod:`kcr.yamlstrict` (literal values, positions), then
validated; every schema error becomes one ``path:line:col`` problem.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import operator
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import cache, textfile, yamlstrict
from .problems import Problem, Problems


@lru_cache(maxsize=8)
def _validator(schema_text: str) -> Draft202012Validator:
    schema = json.loads(schema_text)
    digest = cache.digest(schema_text)
    if digest not in _GOOD_SCHEMAS:  # the slow part (~0.1 s): done once per schema text
        Draft202012Validator.check_schema(schema)
        _GOOD_SCHEMAS.add(digest)
    validator = Draft202012Validator(schema)
    _SCHEMA_DIGEST[id(validator)] = (validator, digest)
    return validator


# digests of schema texts that passed the meta-schema check, in this process or (see kcr.snapshot) in
# an earlier one with the same kcr and jsonschema
_GOOD_SCHEMAS: set[str] = set()


# the digest of each validator's schema text, for the cache (the validator is kept, so its id is never reused)
_SCHEMA_DIGEST: dict[int, tuple[Draft202012Validator, str]] = {}


def _schema_digest(validator: Draft202012Validator) -> str:
    entry = _SCHEMA_DIGEST.get(id(validator))
    if entry is None or entry[0] is not validator:
        entry = _SCHEMA_DIGEST[id(validator)] = (validator, cache.digest(json.dumps(validator.schema, sort_keys=True)))
    return entry[1]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Everything a checked record depends on besides its file and schema: kcr's code, the libraries
    that read and check it, and Python.  A change to any of them makes every cached result unused."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [sys.version]
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        parts += [module.relative_to(Path(__file__).parent).as_posix(), module.read_text(encoding="utf-8")]
    for dist in ("PyYAML", "jsonschema", "fastjsonschema", "bibtexparser", "confusable-homoglyphs"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            parts.append(f"{dist} missing")
    return cache.digest(*parts)


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
        except Exception:
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
    except Exception:
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
    data = textfile.read_bytes(path, shown, problems, max_bytes)
    return None if data is None else parse_mapping(data, shown, problems, empty_todo, kind)


def parse_mapping(data: bytes, shown: str, problems: Problems, empty_todo: str,
                  kind: type = dict) -> yamlstrict.Document | None:
    """The document in a YAML file's bytes (see :func:`read_mapping`), or None after adding a problem."""
    text = textfile.decode(data, shown, problems)
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


@dataclass
class Checked:
    """One record file read, parsed and checked on its own (from the cache when it was checked before)."""

    doc: yamlstrict.Document | None  # None: it could not be read as a record (reported)
    valid: bool  # it fits the schema
    own: list[Problem]  # what ``more`` found: checks of the record alone, beyond the schema
    key: str = ""  # the cache key of this result ("" when not cached): names the record's content


def load_checked(path: str | Path, shown: str, problems: Problems, max_bytes: int, empty_todo: str,
                 validator: Draft202012Validator, *, store: cache.LineCache | None = None,
                 hints: dict[tuple, str] | None = None,
                 more: Callable[[yamlstrict.Document, Problems], None] | None = None) -> Checked | None:
    """Read ``path`` (the file system checks come first, every time), then parse it, check it against
    the schema and run ``more`` on it, adding every problem; None when the file cannot be read at all.

    What comes after reading depends only on the file's bytes, its name, the schema and kcr's
    code, so with a ``store`` it is kept under a digest of those and taken from there when they
    are the same: the problems are the same, and the values' positions are read from the text
    again if one is needed.  A stored entry that is not in the expected shape is ignored.
    """
    live = store if store is not None and store.enabled else None
    if live is not None:
        sig = _signature(path)
        seen = _SEEN.get(str(path))
        if sig is not None and seen is not None and seen[0] == sig:  # unchanged since it was last read
            inputs = (_schema_digest(validator), more is not None, shown)
            # the content's digest is not kept in the snapshot (kcr.snapshot): another schema, read again
            known = seen[3] if seen[2] == inputs else _key(validator, more, shown, seen[1]) if seen[1] else None
            checked = None if known is None else _cached(live, known, shown, problems, path)
            if checked is not None:
                return checked
    data = textfile.read_bytes(path, shown, problems, max_bytes)
    if data is None:
        return None
    key = None
    if live is not None:
        READ[0] += 1
        content = hashlib.sha256(data).hexdigest()
        key = _key(validator, more, shown, content)
        if sig is not None and time.time_ns() - max(sig[2], sig[3]) > RACY_NS:
            _SEEN[str(path)] = (sig, content, (_schema_digest(validator), more is not None, shown), key)
        checked = _cached(live, key, shown, problems, data)
        if checked is not None:
            return checked
    checked, rows, entry = check_bytes(data, shown, empty_todo, validator, hints, more, key or "")
    problems.extend(Problem(shown, *row) for row in rows)
    if live is not None and key is not None:
        live.put(key, entry)
        _LIVE[key] = (checked, rows)
    return checked


def check_bytes(data: bytes, shown: str, empty_todo: str, validator: Draft202012Validator,
                hints: dict[tuple, str] | None, more: Callable[[yamlstrict.Document, Problems], None] | None,
                key: str) -> tuple[Checked, list[list], dict[str, Any]]:
    """What :func:`load_checked` finds in a file's bytes: the result, its problems as rows (line, column,
    what, what to do; all in the file ``shown``) and the cache entry (JSON) that stands for both."""
    local = Problems()
    own = Problems()
    doc = parse_mapping(data, shown, local, empty_todo)
    valid = False
    if doc is not None:
        schema_problems(validator, doc.data, doc, shown, local, hints)
        valid = not local
        if more is not None:
            more(doc, own)
    checked = Checked(doc, valid, list(own), key)
    rows = [[p.line, p.col, p.what, p.todo] for p in local]
    entry = {"d": None if doc is None else doc.data, "v": valid, "p": rows,
             "o": [[p.path, p.line, p.col, p.what, p.todo] for p in own]}
    return checked, rows, entry


def read_checked(path: str, shown: str, max_bytes: int, empty_todo: str, validator: Draft202012Validator,
                 hints: dict[tuple, str] | None = None,
                 more: Callable[[yamlstrict.Document, Problems], None] | None = None) -> tuple | None:
    """What :func:`load_checked` with a store works out for a file it has not seen, for another process
    to do (kcr.parallel): (lstat signature, digest of the bytes, cache key, the entry as JSON text), or
    None when the file cannot be read (load_checked reports why)."""
    sig = _signature(path)
    data = textfile.read_bytes(path, shown, Problems(), max_bytes)
    if data is None:
        return None
    content = hashlib.sha256(data).hexdigest()
    key = _key(validator, more, shown, content)
    entry = check_bytes(data, shown, empty_todo, validator, hints, more, key)[2]
    return sig, content, key, json.dumps(entry, separators=(",", ":"))


def remember(path: str, shown: str, validator: Draft202012Validator, more: bool, found: tuple,
             store: cache.LineCache) -> None:
    """Take in what :func:`read_checked` found in another process: the entry goes into ``store`` and the
    file's signature into this process's memory, as if :func:`load_checked` had read it."""
    sig, content, key, text = found
    if key != _key(validator, more, shown, content):
        return  # the schema changed in between: load_checked works it out again
    try:
        store.put(key, json.loads(text), text)
    except ValueError:  # pragma: no cover - the other process wrote it with json.dumps
        return
    if sig is not None and time.time_ns() - max(sig[2], sig[3]) > RACY_NS:
        _SEEN[path] = (sig, content, (_schema_digest(validator), more, shown), key)


# in this process: each file read, by path, with its lstat signature and the digest of its bytes, so a
# file whose signature has not changed need not be read again (as git, make and rsync judge files); a
# file changed less than RACY_NS before it was read is not remembered, as it may change again within
# the file system's timestamp granularity; (signature, content digest or None when restored from
# kcr.snapshot, (schema digest, more, shown), cache key)
_SEEN: dict[str, tuple[tuple[int, ...], str | None, tuple[str, bool, str], str]] = {}
RACY_NS = 2_000_000_000
READ = [0]  # files load_checked has read with a store, in this process (kcr.snapshot counts them)
# in this process: the results of the last run by cache key, already checked and turned into objects
_LIVE: dict[str, tuple[Checked, list[list]]] = {}


def keep_only(keys: Iterable[str]) -> None:
    """Forget the in-process results not among ``keys`` (the entries the last run used)."""
    wanted = set(keys)
    for key in [k for k in _LIVE if k not in wanted]:
        del _LIVE[key]


def _signature(path: str | Path) -> tuple[int, ...] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _key(validator: Draft202012Validator, more: object, shown: str, content: str) -> str:
    return cache.digest(fingerprint(), _schema_digest(validator), "more" if more else "", shown, content)


def _cached(store: cache.LineCache, key: str, shown: str, problems: Problems,
            source: str | Path | bytes) -> Checked | None:
    """The stored result under ``key``, its problems added to ``problems``; None (and the entry dropped)
    when there is none or it is not in the expected shape."""
    hit = _LIVE.get(key)
    if hit is None or not store.keep(key):
        if isinstance(source, bytes):
            text = lambda: source.decode("utf-8", "replace")  # noqa: E731
        else:
            text = lambda: Path(source).read_bytes().decode("utf-8", "replace")  # noqa: E731
        hit = _from_entry(store.get(key), text, key)
        if hit is None:
            store.discard(key)
            _LIVE.pop(key, None)
            return None
        _LIVE[key] = hit
    checked, found = hit
    if found:
        problems.extend(Problem(shown, *p) for p in found)
    return checked


def _problem_rows(value: Any, width: int) -> bool:
    if value == []:  # the usual case
        return True
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == width and all(isinstance(x, int) and not isinstance(x, bool)
                                                            for x in row[-4:-2])
        and all(isinstance(x, str) for x in row[:-4] + row[-2:]) for row in value)


def _from_entry(entry: Any, text: Callable[[], str], key: str) -> tuple[Checked, list[list]] | None:
    """The stored result and its problems, or None when the entry is missing or not in the expected shape."""
    if not (isinstance(entry, dict) and isinstance(entry.get("v"), bool) and _problem_rows(entry.get("p"), 4)
            and _problem_rows(entry.get("o"), 5) and "d" in entry):
        return None
    record = entry["d"]
    if record is None:
        return Checked(None, False, []), entry["p"]
    if not isinstance(record, dict) or (not entry["p"]) != entry["v"]:
        return None
    doc = yamlstrict.Document(record, text=text)  # positions are read from the text if one is asked for
    return Checked(doc, entry["v"], [Problem(*p) for p in entry["o"]], key), entry["p"]


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
            todo = hints.get((*path, missing), f"add {missing}: (see the field guide in CONTRIBUTING.md)")
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
        return {"string": "quote the value", "integer": "write a whole number without quotes",
                "boolean": "write true or false", "array": "write a list ('- item' lines)",
                "object": "write 'field: value' lines"}.get(want, f"use a {want}")
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
    key: str = ""  # names its content when it came through the cache (see load_checked)

    @functools.cached_property
    def stem(self) -> str:
        return stem(self.path)

    def pos(self, *path: Any, key: bool = False) -> tuple[int, int]:
        return self.doc.pos(tuple(path), key=key)


FOLDER_MAX_BYTES = 256_000  # a search log or second review


def empty_todo(what: str) -> str:
    """What to do about an empty file of a folder of records (see :func:`load_folder`)."""
    return f"fill in the {what} or delete the file"


def load_folder(root: Path, rel: str, schema_rel: str, problems: Problems, *, max_files: int = 20_000,
                max_bytes: int = FOLDER_MAX_BYTES, what: str = "record",
                store: cache.LineCache | None = None) -> dict[str, Record]:
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
            entries = list(itertools.islice(it, max_files + 1))
    except OSError as exc:
        problems.add(rel, 1, 1, f"{rel}/ cannot be read ({exc.strerror})", "check the folder's permissions")
        return out
    if len(entries) > max_files:
        problems.add(rel, 1, 1, f"{rel}/ holds more than {max_files:,} entries", "keep one <claim-id>.yaml file per claim")
        return out
    lower: dict[str, str] = {}
    memo = Remembered(folder, check, store)
    ordered = in_order(entries)
    for entry, known in zip(ordered, memo.all(ordered, problems), strict=True):
        name = entry.name
        if known is not None:  # unchanged since the last run
            out[known.stem] = known
            continue
        path = entry.path
        key = stem(name)
        shown = f"{rel}/{name}"
        memo.clean = memo.clean and not (name.lower() in lower or entry.is_dir(follow_symlinks=False)
                                         or suffix(name) != ".yaml")
        if name.lower() in lower:
            problems.add(shown, 1, 1, f"file name differs only in case from '{lower[name.lower()]}'",
                         "rename or remove one; they clash on case-insensitive file systems")
            continue
        lower[name.lower()] = shown
        if entry.is_dir(follow_symlinks=False):
            problems.add(shown, 1, 1, f"folder inside {rel}/", f"keep one .yaml file per claim directly in {rel}/")
            continue
        if suffix(name) != ".yaml":
            problems.add(shown, 1, 1, f"file in {rel}/ does not end in .yaml",
                         f"rename it to <claim-id>.yaml (use .yaml, not .yml) or move it out of {rel}/")
            continue
        record = memo.get(path, problems)
        if record is None:
            mark = len(problems)
            checked = load_checked(path, shown, problems, max_bytes, empty_todo(what), check, store=store)
            if checked is None or checked.doc is None:
                record = Record(shown, {}, yamlstrict.Document({}), valid=False)
            else:
                record = Record(shown, checked.doc.data, checked.doc, valid=checked.valid, key=checked.key)
            memo.put(path, record, problems[mark:], record.key)
        out[key] = record
    memo.done()
    return out


def in_order(entries: list[os.DirEntry]) -> list[os.DirEntry]:
    """Folder entries sorted by name, all-lowercase names first of those differing only in case, so that
    of two such names the odd one is reported."""
    names = "\0".join(e.name for e in entries)
    if names == names.lower():  # the usual case: the same order, sorted without a Python call an entry
        return sorted(entries, key=_name)
    return sorted(entries, key=lambda e: (e.name.lower(), e.name != e.name.lower(), e.name))


_name = operator.attrgetter("name")


class Remembered:
    """In this process: what the last run made of each record file of a folder (the result and the problems
    load_checked added), so a file whose lstat signature has not changed costs one system call.

    A file changed less than ``RACY_NS`` before the run is never remembered, as in load_checked.
    """

    # (folder, schema digest, cache file) -> (names in order if each was a record file, path -> ...)
    _folders: ClassVar[dict[tuple, tuple[list[str] | None, dict[str, tuple]]]] = {}

    def __init__(self, folder: Path, validator: Draft202012Validator, store: cache.LineCache | None) -> None:
        self.store = store if store is not None and store.enabled else None
        self.key = (str(folder), _schema_digest(validator), None if self.store is None else self.store.path)
        self.names, self.before = Remembered._folders.get(self.key, (None, {})) if self.store is not None else (None, {})
        self.after: dict[str, tuple] = {}
        self.now = time.time_ns()
        self.sig: tuple[int, ...] | None = None
        self.clean = True  # every entry was a record file (no name was reported)
        self.order: list[str] = []

    def all(self, ordered: list[os.DirEntry], problems: Problems) -> list[Any]:
        """The result of each entry, or None where it must be worked out (:meth:`get` gives the same),
        at one lstat an entry: when the entries have the same names as last time and none was reported."""
        self.order = [e.name for e in ordered]
        if self.store is None or self.names is None or self.names != self.order:
            return [None] * len(ordered)
        out: list[Any] = []
        keep, before, after, lstat = self.store.keep, self.before, self.after, os.lstat
        for entry in ordered:
            path = entry.path
            try:
                st = lstat(path)
            except OSError:
                out.append(None)
                continue
            hit = before.get(path)
            if (hit is None or hit[0] != (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
                    or (hit[3] and not keep(hit[3]))):
                out.append(None)
                continue
            if hit[2]:
                problems.extend(hit[2])
            after[path] = hit
            out.append(hit[1])
        return out

    def get(self, path: str, problems: Problems) -> Any:
        """The result for ``path`` if its file has not changed since the last run (its problems added)."""
        self.sig = None
        hit = self.before.get(path)
        if self.store is None or hit is None:
            return None
        self.sig = sig = _signature(path)
        if sig is None or hit[0] != sig or (hit[3] and not self.store.keep(hit[3])):
            return None
        if hit[2]:
            problems.extend(hit[2])
        self.after[path] = hit
        return hit[1]

    def put(self, path: str, result: Any, found: list[Problem], key: str) -> None:
        """Remember what ``path`` gave (call after :meth:`get` of the same path)."""
        sig = self.sig
        if sig is None and key:  # not taken by get: the one load_checked took, if it remembered the file
            seen = _SEEN.get(path)
            sig = seen[0] if seen is not None and seen[3] == key else None
        if self.store is not None and sig is not None and self.now - max(sig[2], sig[3]) > RACY_NS:
            self.after[path] = (sig, result, list(found), key)

    def done(self) -> None:
        if self.store is not None:
            Remembered._folders[self.key] = (self.order if self.clean else None, self.after)


def stem(path: str) -> str:
    """A file's name without its extension, as :attr:`pathlib.PurePath.stem` gives it, without making a path."""
    name = path.rsplit("/", 1)[-1]
    ext = suffix(name)
    return name[: -len(ext)] if ext else name


def suffix(name: str) -> str:
    """A file name's extension as :attr:`pathlib.PurePath.suffix` gives it, without making a path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def cited_refs(data: dict) -> list[str] | None:
    """The keys a claim record's evidence cites, in order; None when the evidence is not a list of
    items each with a text ref (the schema reports that), so nothing is compared with a guess."""
    ev = data.get("evidence", [])
    if not isinstance(ev, list) or not all(isinstance(e, dict) and isinstance(e.get("ref"), str) for e in ev):
        return None
    return [e["ref"] for e in ev]


def claim_of(rec: Record, claims_by_id: dict, problems: Problems, what: str) -> Any:
    """The claim record a research file (search log, second review) is about, or None after reporting why:
    its ``claim`` must match its file name, its ``date`` must be a real date, and the claim must exist."""
    from .withdrawn import is_date

    d, p = rec.data, rec.path
    if d["claim"] != rec.stem:
        line, col = rec.pos("claim")
        problems.add(p, line, col, f"claim '{d['claim']}' does not match the file name '{rec.stem}.yaml'",
                     f"set claim: {rec.stem} or rename the file to {d['claim']}.yaml")
        return None
    if not is_date(d["date"]):
        line, col = rec.pos("date")
        problems.add(p, line, col, f"date '{d['date']}' is not a valid YYYY-MM-DD date",
                     'write it as "YYYY-MM-DD" in quotes, e.g. "2026-11-25"')
    claim = claims_by_id.get(d["claim"])
    if claim is None:
        line, col = rec.pos("claim")
        problems.add(p, line, col, f"{what} '{d['claim']}', which is not a claim record",
                     f"name an existing claim (claims/<id>.yaml), or remove {p}")
    return claim
