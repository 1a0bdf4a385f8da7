"""The cold check's parsing spread over the machine's cores.

When many record files (claims, search logs, second reviews) are new to the
cache, as on a first run or in CI, worker processes read, parse and check them
with exactly the code the checker runs itself (:func:`kcr.records.read_checked`)
and references.bib with :func:`kcr.bib.parse`; their results only fill the
content-addressed cache (:mod:`kcr.cache`), from which the checker then takes
them as it takes any cached result.  So what is reported cannot differ, and when
the workers cannot be started, fail or disagree with the files as they are now,
the checker simply works the results out itself.

``KCR_JOBS`` sets the number of worker processes (``1``: none); the default is
the number of cores this process may run on.  Workers are started with
``spawn`` (a fresh interpreter: no state shared with a threaded ``kcr serve``).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from jsonschema.exceptions import SchemaError

from . import bib, claims, records, searchlog, secondreview
from .cache import LineCache
from .problems import Problems

MIN_FILES = 400  # fewer new files are read in this process: a worker costs ~0.3 s of CPU time to start
CHUNK = 50  # files a task
FOLDERS = ((claims.DIR, "claim"), (searchlog.DIR, searchlog.WHAT), (secondreview.DIR, secondreview.WHAT))


def jobs() -> int:
    """How many worker processes to use (``KCR_JOBS``, else the cores this process may run on)."""
    wanted = os.environ.get("KCR_JOBS", "")
    if wanted.isdigit():
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _spec(root: Path, kind: str, shown: str) -> tuple:
    """load_checked's arguments for one file: max bytes, empty-file advice, validator, hints, more checks."""
    if kind == "claim":
        return claims.MAX_BYTES, claims.EMPTY_TODO, claims.validator(root), claims.HINTS, claims.more(shown)
    schema = searchlog.SCHEMA if kind == searchlog.WHAT else secondreview.SCHEMA
    return records.FOLDER_MAX_BYTES, records.empty_todo(kind), records.validator(root, schema), None, None


def _executor(workers: int) -> Executor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start)


def _start() -> None:
    gc.disable()  # as in check.load: the parsed records hold no cycles


def _read(root: str, files: list[tuple[str, str, str]]) -> list[tuple[str, tuple | None]]:
    """(in a worker) :func:`records.read_checked` of each (kind, path, shown)."""
    out: list[tuple[str, tuple | None]] = []
    for kind, path, shown in files:
        try:
            max_bytes, todo, check, hints, more = _spec(Path(root), kind, shown)
        except (OSError, ValueError, SchemaError):
            continue  # the checker reports the schema
        out.append((path, records.read_checked(path, shown, max_bytes, todo, check, hints, more)))
    return out


def _parse_bib(text: str) -> str:
    """(in a worker) :func:`bib.parse` of references.bib, as the JSON the cache keeps (bib.to_json)."""
    found = Problems()
    lost: set[str] = set()
    refs = bib.parse(text, found, broken=lost)
    return json.dumps(bib.to_json(refs, found, lost), separators=(",", ":"))


def prefetch(root: Path, store: LineCache, bib_text: str | None, bib_key: str) -> int:
    """Check the record files new to the cache, and references.bib (``bib_text``, stored under ``bib_key``)
    if it is new too, in worker processes, when there are enough of them; the number of files checked."""
    workers = jobs()
    if not store.enabled or workers < 2:
        return 0
    todo: list[tuple[str, str, str]] = []
    seen, live = records._SEEN, records._LIVE
    for rel, kind in FOLDERS:  # as fast as it can be: on a run that has nothing to read, this is all it does
        base = os.path.join(root, rel)
        try:
            with os.scandir(base) as it:
                names = [e.name for e in it if e.name.endswith(".yaml")]
        except OSError:
            continue
        base += os.sep
        for name in names:
            known = seen.get(base + name)
            if known is None or not (known[3] in live or store.has(known[3])):
                todo.append((kind, base + name, f"{rel}/{name}"))
    if len(todo) < MIN_FILES:
        return 0
    todo.sort(key=lambda t: t[2])
    try:
        checks = {kind: _spec(root, kind, "")[2] for _, kind in FOLDERS}
    except (OSError, ValueError, SchemaError):
        return 0  # the checker reports the schema
    need_bib = bib_text is not None and bool(bib_key) and not store.has(bib_key)
    done = 0
    try:
        with _executor(workers) as pool:
            parsed_bib = pool.submit(_parse_bib, bib_text) if need_bib and bib_text is not None else None
            tasks = [(pool.submit(_read, str(root), todo[i:i + CHUNK]), todo[i:i + CHUNK])
                     for i in range(0, len(todo), CHUNK)]
            for task, files in tasks:
                shown = {path: (kind, name) for kind, path, name in files}
                for path, found in task.result():
                    if found is not None:
                        kind, name = shown[path]
                        records.remember(path, name, checks[kind], kind == "claim", found, store)
                        done += 1
            if parsed_bib is not None:
                text = parsed_bib.result()
                store.put(bib_key, json.loads(text), text)
    except Exception:  # the workers only fill the cache: the checker works out the rest itself
        return done
    return done
