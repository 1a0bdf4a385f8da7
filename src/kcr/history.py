"""Versions that follow the conclusions: compare each record with an earlier commit.

``kcr check --against REV`` (CI passes the pull request's base) reports a
record whose verdict or certainty changed since REV while its version did
not increase, or whose newest changelog entry does not flag a changed verdict.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import yamlstrict
from .claims import Claim
from .problems import Problems


def _old_text(root: Path, rev: str, path: str) -> str | None:
    try:
        proc = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def rev_exists(root: Path, rev: str) -> bool:
    try:
        proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def check_versions(root: Path, rev: str, claims: list[Claim], problems: Problems) -> None:
    """Add a problem for each record whose conclusion changed since ``rev`` without a new version."""
    if not rev_exists(root, rev):
        problems.add(".", 1, 1, f"cannot compare with '{rev}': no such commit in this repository",
                     "fetch it (git fetch origin main) or name another commit with --against")
        return
    for claim in claims:
        text = _old_text(root, rev, claim.path)
        if text is None:
            continue  # a new record
        try:
            old = yamlstrict.load(text).data
        except yamlstrict.YamlError:
            continue
        if not isinstance(old, dict):
            continue
        new = claim.data
        old_level = (old.get("certainty") or {}).get("level") if isinstance(old.get("certainty"), dict) else None
        new_level = (new.get("certainty") or {}).get("level") if isinstance(new.get("certainty"), dict) else None
        changes = []
        if old.get("verdict") != new.get("verdict"):
            changes.append(f"verdict {old.get('verdict')} → {new.get('verdict')}")
        if old_level != new_level:
            changes.append(f"certainty {old_level} → {new_level}")
        if not changes:
            continue
        old_version, new_version = old.get("version"), new.get("version")
        line, col = claim.pos("version")
        if isinstance(old_version, int) and isinstance(new_version, int) and new_version <= old_version:
            problems.add(claim.path, line, col,
                         f"{' and '.join(changes)} since {rev}, but version is still {new_version}",
                         f"set version: {old_version + 1} and add a changelog entry for it")
            continue
        log = new.get("changelog") or []
        latest = log[-1] if log and isinstance(log[-1], dict) else {}
        if old.get("verdict") != new.get("verdict") and latest.get("conclusion_changed") is not True:
            lline, lcol = claim.pos("changelog", len(log) - 1, "conclusion_changed")
            problems.add(claim.path, lline, lcol, f"the verdict changed since {rev} but the newest changelog entry "
                         "does not say so", "set conclusion_changed: true in that entry")
