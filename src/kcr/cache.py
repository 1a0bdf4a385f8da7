"""A small content-addressed cache of derived results, kept outside the repository.

Results (formatted references) are stored under
a hash of everything they depend on, in ``$XDG_CACHE_HOME/kcr/`` (default
``~/.cache/kcr/``), never in the project folder: a pull request must not be
able to plant cached results.  JSON only (no pickle).  ``KCR_NO_CACHE=1``
turns it off.  Entries not used in a run are dropped when it is saved.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def _folder(root: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kcr" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
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
