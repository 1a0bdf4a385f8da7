"""A small content-addressed cache of derived results, kept outside the repository.

Results (formatted references) are stored under
a hash of everything they depend on, in ``$XDG_CACHE_HOME/kcr/`` (default
``~/.cache/kcr/``), never in the project folder: a pull request must not be
able to plant cached results.  JSON only (no pickle).  ``KCR_NO_CACHE=1``
turns it off.  Entries not used in a run are dropped when it is saved.
The checker also keeps one ``snapshot.json`` there (see :mod:`kcr.snapshot`):
which cache entry each unchanged file stands for, so a new process need not
read the files again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any, ClassVar


def _folder(root: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kcr" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """A JSON mapping from digest to result, loaded lazily and saved only when changed."""

    def __init__(self, root: Path, name: str) -> None:
        self.enabled = os.environ.get("KCR_NO_CACHE") != "1"
        self.path = _folder(root) / f"{name}.json"
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        if self.enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._old = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._old = {}

    def get(self, key: str) -> Any:
        if key in self._new:
            return self._new[key]
        value = self._old.get(key)
        if value is not None:
            self._new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self._new[key] = value

    def save(self) -> None:
        if not self.enabled or self._new == self._old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._new, separators=(",", ":")), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


class LineCache:
    """Checked records and the like: one ``<key> <json>`` line per entry, in the same folder as :class:`Cache`.

    Made for many entries of which a run changes few: a run that adds entries
    appends them (the file is rewritten only when it holds many unused ones), an
    entry's JSON is parsed only when it is asked for, and a damaged line or entry
    costs only itself (it is skipped, and worked out again).  Within one process
    the entries of the last run are also kept in memory as they were returned,
    so ``kcr serve`` reads nothing from disk on a rebuild: callers must treat
    the values as read-only.
    """

    _memory: ClassVar[dict[Path, dict[str, tuple[Any, str | None]]]] = {}  # cache file -> key -> (value, JSON or None)
    _lines: ClassVar[dict[Path, int]] = {}  # cache file -> lines it holds, as this process last wrote or read it

    def __init__(self, root: Path, name: str) -> None:
        self.enabled = os.environ.get("KCR_NO_CACHE") != "1"
        self.path = _folder(root) / f"{name}.jsonl"
        self._disk: dict[str, str] | None = None
        self._used: dict[str, tuple[Any, str | None]] = {}
        self._added: list[str] = []

    def _read_disk(self) -> dict[str, str]:
        if self._disk is None:
            self._disk = {}
            lines = 0
            try:
                with self.path.open("rb") as fh:
                    for raw in fh:
                        lines += 1
                        key, _, value = raw.partition(b" ")
                        if len(key) == 64 and value.endswith(b"\n"):  # a line cut short by a crash is left out
                            with contextlib.suppress(UnicodeDecodeError):
                                self._disk[key.decode("ascii")] = value.decode("utf-8")
            except OSError:
                pass
            LineCache._lines[self.path] = lines
        return self._disk

    def get(self, key: str) -> Any:
        """The value stored under ``key`` (a :func:`digest`), or None."""
        if not self.enabled:
            return None
        if key in self._used:
            return self._used[key][0]
        memory = LineCache._memory.get(self.path)
        hit = None if memory is None else memory.get(key)
        if hit is None:
            if memory is not None and self._disk is None:
                return None  # this process read the file before and kept what it used: a new entry (kcr serve)
            text = self._read_disk().get(key)
            if text is None:
                return None
            try:
                hit = (json.loads(text), text)
            except ValueError:
                return None
        self._used[key] = hit
        return hit[0]

    def keep(self, key: str) -> bool:
        """Mark ``key`` as used by this run without reading its value, if this process holds it in memory."""
        if not self.enabled:
            return False
        hit = self._used.get(key) or LineCache._memory.get(self.path, {}).get(key)
        if hit is None:
            return False
        self._used[key] = hit
        return True

    def used(self) -> list[str]:
        """The keys this run asked for or stored."""
        return list(self._used)

    def put(self, key: str, value: Any, text: str | None = None) -> None:
        """Store ``value`` under ``key`` (``text``: its JSON, when it is at hand)."""
        if self.enabled:
            self._used[key] = (value, text)
            self._added.append(key)

    def has(self, key: str) -> bool:
        """True if an entry is stored under ``key`` (its value is not read)."""
        if not self.enabled:
            return False
        if key in self._used or key in LineCache._memory.get(self.path, {}):
            return True
        if LineCache._memory.get(self.path) is not None and self._disk is None:
            return False  # as in get: this process read the file before and kept what it used
        return key in self._read_disk()

    def discard(self, key: str) -> None:
        """Forget ``key`` (its value was found unusable)."""
        self._used.pop(key, None)

    def save(self) -> None:
        """Keep this run's entries: append the new ones, or rewrite the file when most of it is unused."""
        if not self.enabled:
            return
        LineCache._memory[self.path] = dict(self._used)
        lines = LineCache._lines.get(self.path)
        if lines is None:
            self._read_disk()
            lines = LineCache._lines[self.path]
        added = [k for k in dict.fromkeys(self._added) if k in self._used]
        stale = lines + len(added) - len(self._used)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if stale > max(1000, len(self._used)):
                entries = list(self._used)
                mode = "w"
            elif added:
                entries, mode = added, "a"
            else:
                return
            text = "".join(f"{k} {self._json(k)}\n" for k in entries)
            if mode == "a":
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(text)
                LineCache._lines[self.path] = lines + len(entries)
            else:
                tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(self.path)
                LineCache._lines[self.path] = len(entries)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _json(self, key: str) -> str:
        value, text = self._used[key]
        if text is None:
            text = json.dumps(value, separators=(",", ":"))
            self._used[key] = (value, text)
            LineCache._memory[self.path][key] = (value, text)
        return text
