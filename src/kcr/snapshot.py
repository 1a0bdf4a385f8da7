"""What the checker knew at the end of its last run on a project, kept for the next process.

One JSON file per project in the user cache folder (see :mod:`kcr.cache`), read
with one ``open``: for each record file read last time, its lstat signature and
the cache key of its checked result (so an unchanged file is neither opened nor
hashed again: git, make and rsync judge files the same way); the same for
references.bib; what each check of one record against others found, by the
cache keys of everything it read; and the digests of schema texts that passed
the meta-schema check.  Nothing in it is a result on its own: every key still
has to name an entry of the content-addressed cache.

A file whose signature was taken less than ``records.RACY_NS`` after it last
changed is never remembered (it may change again within the file system's
timestamp granularity).  JSON only; a snapshot that is damaged, of another
version of kcr or of another shape is ignored as a whole.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import cache, records
from .problems import Problem

VERSION = 1
SEP = " "  # joins the parts of a check's key (hex digests and plain words) into one JSON key

# snapshot file -> what this process last read from or wrote to it (its JSON value), so an unchanged
# snapshot is not written again
_LAST: dict[Path, Any] = {}
# snapshot file -> records.READ when it was last read or written: files read and checks run since then
_MARK: dict[Path, int] = {}
# a snapshot is written again only when this many files were read or checks run since it was read or
# written (by this process): writing it costs about as much as reading 100 files whose signature changed
STALE_LIMIT = 100


def path(root: Path) -> Path:
    return cache._folder(root) / "snapshot.json"


def _ints(value: Any, n: int) -> bool:
    return isinstance(value, list) and len(value) == n and all(type(x) is int for x in value)


def restore(root: Path, pairs: dict[tuple, list[Problem]], bib_seen: dict[str, tuple[tuple[int, ...], str]]) -> None:
    """Fill the checker's in-process memory from the project's snapshot, once per process (what this
    process learnt itself is kept: it is newer)."""
    file = path(root)
    if file in _LAST:
        return
    _LAST[file] = None
    _MARK[file] = records.READ[0]
    try:
        data = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return
    parsed = _parse(data)
    if parsed is None:
        return
    seen, bib, found, schemas = parsed
    _LAST[file] = data
    for name, entry in seen.items():
        records._SEEN.setdefault(name, entry)
    for name, entry2 in bib.items():
        bib_seen.setdefault(name, entry2)
    for key, problems in found.items():
        pairs.setdefault(key, problems)
    records._GOOD_SCHEMAS.update(schemas)


def _parse(data: Any) -> tuple[dict, dict, dict, list[str]] | None:
    """The snapshot's parts in the checker's in-memory form, or None when it is not a snapshot of this
    version of kcr in the expected shape."""
    if not (isinstance(data, dict) and data.get("v") == VERSION and data.get("fp") == records.fingerprint()):
        return None
    try:
        seen: dict[str, tuple] = {}
        for name, (sig, inputs, key) in data["seen"].items():
            if not (_ints(sig, 6) and isinstance(inputs, list) and len(inputs) == 3 and isinstance(inputs[0], str)
                    and isinstance(inputs[1], bool) and isinstance(inputs[2], str) and isinstance(key, str)):
                return None
            seen[name] = (tuple(sig), None, tuple(inputs), key)
        bib: dict[str, tuple[tuple[int, ...], str]] = {}
        for name, (sig, key) in data["bib"].items():
            if not (_ints(sig, 6) and isinstance(key, str)):
                return None
            bib[name] = (tuple(sig), key)
        found: dict[tuple, list[Problem]] = {}
        for key, rows in data["pairs"].items():
            if not records._problem_rows(rows, 5):
                return None
            parts = tuple(key.split(SEP))
            if not all(parts):  # no check's key has an empty part (see check._memo)
                return None
            found[parts] = [Problem(*row) for row in rows]
        schemas = data["schemas"]
        if not (isinstance(schemas, list) and all(isinstance(s, str) for s in schemas)):
            return None
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return seen, bib, found, schemas


def save(root: Path, keys: set[str], pairs: dict[tuple, list[Problem]], used: set[tuple],
         bib_seen: dict[str, tuple[tuple[int, ...], str]]) -> None:
    """Write the project's snapshot: the files of this run whose result is under one of ``keys`` (the
    cache entries this run used), the checks in ``used``, references.bib if it was remembered."""
    file = path(root)
    if _LAST.get(file) is not None and records.READ[0] - _MARK.get(file, 0) < STALE_LIMIT:
        return  # a few files changed: they are read again by the next process, at less cost than this
    prefix = "" if str(root) == "." else str(root) + os.sep  # Path(".") / "claims" is "claims"
    seen = {name: [list(sig), list(inputs), key] for name, (sig, _, inputs, key) in records._SEEN.items()
            if key in keys and name.startswith(prefix)}
    bib = {name: [list(sig), key] for name, (sig, key) in bib_seen.items() if key in keys and name.startswith(prefix)}
    found = {SEP.join(key): [[p.path, p.line, p.col, p.what, p.todo] for p in pairs[key]]
             for key in used if key in pairs}
    data = {"v": VERSION, "fp": records.fingerprint(), "seen": seen, "bib": bib, "pairs": found,
            "schemas": sorted(records._GOOD_SCHEMAS)}
    if _LAST.get(file) == data:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        tmp.replace(file)
    except OSError:
        return  # a cache that cannot be written only costs time
    _LAST[file] = data
    _MARK[file] = records.READ[0]


def forget() -> None:
    """As a new process starts: no snapshot read yet (for tests)."""
    _LAST.clear()
    _MARK.clear()
