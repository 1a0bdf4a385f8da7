"""The cold check's parsing spread over the machine's cores.

When many record files (claims, search logs, second reviews) are new to the
cache, as on a first run or in CI, worker processes (``python -m kcr.parallel``)
read, parse and check them with exactly the code the checker runs itself
(:func:`kcr.records.read_checked`), and references.bib with :func:`kcr.bib.parse`;
their results only fill the content-addressed cache (:mod:`kcr.cache`), from
which the checker then takes them as it takes any cached result.  So what is
reported cannot differ, and when a worker cannot be started, fails or finds the
files changed, the checker simply works the results out itself.

The workers are plain subprocesses speaking JSON over pipes (no pickle, no
``multiprocessing``: nothing of the calling program is imported or run again,
and a threaded ``kcr serve`` is not forked).  ``KCR_JOBS`` sets their number
(``1``: none); the default is the number of cores this process may run on.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


def _read(root: str, files: list[list[str]]) -> list[str]:
    """(in a worker) :func:`records.read_checked` of each (kind, path, shown), as lines: the JSON of
    [path, signature, content digest, cache key], a tab, the JSON of the cache entry."""
    out: list[str] = []
    specs: dict[str, tuple | None] = {}
    for kind, path, shown in files:
        if kind not in specs:  # the schema file read once a kind
            try:
                specs[kind] = _spec(Path(root), kind, "")
            except (OSError, ValueError, SchemaError):
                specs[kind] = None  # the checker reports the schema
        spec = specs[kind]
        if spec is None:
            continue
        max_bytes, todo, check, hints, _ = spec
        more = claims.more(shown) if kind == "claim" else None
        found = records.read_checked(path, shown, max_bytes, todo, check, hints, more)
        if found is not None:
            sig, content, key, text = found
            out.append(json.dumps([path, sig, content, key]) + "\t" + text + "\n")
    return out


def _parse_bib(text: str) -> str:
    """(in a worker) :func:`bib.parse` of references.bib, as the JSON the cache keeps (bib.to_json)."""
    found = Problems()
    lost: set[str] = set()
    refs = bib.parse(text, found, broken=lost)
    return json.dumps(bib.to_json(refs, found, lost), separators=(",", ":"))


def main() -> None:
    """A worker: the task (JSON: root, files, references.bib's text or null) on stdin, results on stdout."""
    gc.disable()  # as in check.load: the parsed records hold no cycles
    sys.stdout.write(work(json.loads(sys.stdin.buffer.read())))
    sys.stdout.flush()


def work(task: dict[str, Any]) -> str:
    """What a worker writes for ``task``: a line for references.bib if it was given, one a file."""
    head = '["bib"]\t' + _parse_bib(task["bib"]) + "\n" if task.get("bib") is not None else ""
    return head + "".join(_read(task["root"], task["files"]))


def _run(task: dict[str, Any]) -> bytes:
    """Run one worker on ``task``; its output (empty when it failed)."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent.parent)  # kcr importable as in this process
    env["PYTHONPATH"] = os.pathsep.join([here, env["PYTHONPATH"]]) if env.get("PYTHONPATH") else here
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        proc = subprocess.run([sys.executable, "-m", "kcr.parallel"], input=json.dumps(task).encode(),
                              capture_output=True, env=env, check=False)
    except (OSError, ValueError, subprocess.SubprocessError):
        return b""  # no worker: the checker works it out itself
    return proc.stdout if proc.returncode == 0 else b""


def _split(todo: list[tuple[str, str, str]], workers: int, bib_text: str | None) -> list[dict[str, Any]]:
    """The files shared out so that each worker has about as many bytes to read (references.bib, which
    takes about three times as long a byte, to the first)."""
    sizes = []
    for _, path, _ in todo:
        try:
            sizes.append(os.lstat(path).st_size)
        except OSError:
            sizes.append(0)
    load = [0] * workers
    if bib_text is not None:
        load[0] = 3 * len(bib_text)
    shares: list[list[list[str]]] = [[] for _ in range(workers)]
    for size, (kind, path, shown) in sorted(zip(sizes, todo, strict=True), key=lambda t: -t[0]):
        i = load.index(min(load))
        load[i] += size
        shares[i].append([kind, path, shown])
    return [{"bib": bib_text if i == 0 else None, "files": share} for i, share in enumerate(shares)]


# in this process: each folder's lstat signature when a scan found few files new to the cache; while it is
# the same, no file was added, removed or renamed in it (a file changed in place is not looked for here
# anyway: the checker reads the few that changed)
_QUIET: dict[tuple, tuple[int, ...]] = {}


def prefetch(root: Path, store: LineCache, bib_text: str | None, bib_key: str) -> int:
    """Check the record files new to the cache, and references.bib (``bib_text``, stored under ``bib_key``)
    if it is new too, in worker processes, when there are enough of them; the number of files checked."""
    workers = jobs()
    if not store.enabled or workers < 2:
        return 0
    todo: list[tuple[str, str, str]] = []
    seen, live = records._SEEN, records._LIVE
    quiet: list[tuple[tuple, tuple[int, ...]]] = []
    now = time.time_ns()
    for rel, kind in FOLDERS:  # as fast as it can be: on a run that has nothing to read, this is all it does
        base = os.path.join(root, rel)
        folder = records._signature(base)
        if folder is not None and _QUIET.get((store.path, base)) == folder:
            continue  # no file added, removed or renamed since a scan found little to do
        if folder is not None and now - max(folder[2], folder[3]) > records.RACY_NS:
            quiet.append(((store.path, base), folder))
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
        _QUIET.update(quiet)
        return 0
    need_bib = bib_text is not None and bool(bib_key) and not store.has(bib_key)
    tasks = _split(todo, workers, bib_text if need_bib else None)
    for task in tasks:
        task["root"] = str(root)
    shown = {path: (kind, name) for kind, path, name in todo}
    done = 0
    with ThreadPoolExecutor(workers) as pool:  # each thread waits on one worker's pipes
        running = [pool.submit(_run, task) for task in tasks]
        try:  # meanwhile: the validators (the meta-schema check takes ~0.1 s)
            checks = {kind: _spec(root, kind, "")[2] for _, kind in FOLDERS}
        except (OSError, ValueError, SchemaError):
            checks = {}  # the checker reports the schema
        outputs = [task.result() for task in running]
    if not checks:
        return 0
    for output in outputs:
        for line in output.splitlines():
            head, _, text = line.partition(b"\t")
            try:
                meta = json.loads(head)
                if meta == ["bib"]:
                    if need_bib:
                        store.put(bib_key, json.loads(text), text.decode("utf-8"))
                    continue
                path, sig, content, key = meta
                kind, name = shown[path]
                found = (None if sig is None else tuple(sig), content, key, text.decode("utf-8"))
            except (ValueError, KeyError, TypeError):
                continue  # not a line a worker writes: the checker works it out itself
            records.remember(path, name, checks[kind], kind == "claim", found, store)
            done += 1
    return done


if __name__ == "__main__":
    main()
