"""Versions that follow the conclusions: compare each record with an earlier commit.

``kcr check --against REV`` (CI passes the pull request's base) reports a
record whose verdict or certainty changed since REV while its version did
not increase, or whose newest changelog entry does not flag a changed verdict.
A renamed record is compared with its old file through ``former_ids``; a
record deleted since REV must be listed in ``source/withdrawn.yaml``, so its
page can say when and why it was withdrawn.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import withdrawn as withdrawn_mod
from . import yamlstrict
from .claims import DIR, Claim
from .problems import Problems


def _old_text(root: Path, rev: str, path: str) -> str | None:
    try:
        proc = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=root, capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def rev_exists(root: Path, rev: str) -> bool:
    try:
        proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root,
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def _old_ids(root: Path, rev: str) -> list[str]:
    """The ids of the records in claims/ at ``rev`` (file names without .yaml)."""
    try:
        proc = subprocess.run(["git", "ls-tree", "-z", "--name-only", rev, "--", f"{DIR}/"], cwd=root,
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    names = [n.decode("utf-8", "replace") for n in proc.stdout.split(b"\0") if n]
    return sorted(Path(n).stem for n in names if n.endswith(".yaml"))


def _old_record(root: Path, rev: str, claim: Claim) -> tuple[dict | None, str | None]:
    """The record as it was at ``rev``, found under its id or else under one of its former ids, and that
    former id (None when it had the same id)."""
    candidates: list[tuple[str, str | None]] = [(claim.path, None)]
    candidates += [(f"{DIR}/{f}.yaml", f) for f in claim.data.get("former_ids") or [] if isinstance(f, str)]
    for path, former in candidates:
        text = _old_text(root, rev, path)
        if text is None:
            continue
        try:
            old = yamlstrict.load(text).data
        except yamlstrict.YamlError:
            return None, former
        return (old if isinstance(old, dict) else None), former
    return None, None  # a new record


def check_versions(root: Path, rev: str, claims: list[Claim], problems: Problems,
                   withdrawn: list[withdrawn_mod.Withdrawal] | None = None) -> None:
    """Add a problem for each record whose conclusion changed since ``rev`` without a new version
    (following renames through ``former_ids``), and for each record deleted since ``rev`` that is not
    listed as withdrawn."""
    if not rev_exists(root, rev):
        problems.add(".", 1, 1, f"cannot compare with '{rev}': no such commit in this repository",
                     "fetch it (git fetch origin main) or name another commit with --against")
        return
    for claim in claims:
        old, former = _old_record(root, rev, claim)
        if old is not None:
            _compare(claim, old, former, rev, problems)
    present = {c.id for c in claims if isinstance(c.id, str)} | {Path(c.path).stem for c in claims}
    present |= {f for c in claims for f in (c.data.get("former_ids") or []) if isinstance(f, str)}
    gone = {w.id for w in withdrawn or []}
    for old_id in _old_ids(root, rev):
        if old_id not in present and old_id not in gone:
            problems.add(f"{DIR}/{old_id}.yaml", 1, 1, f"record '{old_id}' was deleted since {rev} but is not listed "
                         "as withdrawn",
                         f"add it to {withdrawn_mod.PATH} (id, date, reason; replaced_by if another claim replaces it), "
                         f"or, if it was renamed, list '{old_id}' in the new record's former_ids")


def _compare(claim: Claim, old: dict, former: str | None, rev: str, problems: Problems) -> None:
    new = claim.data
    old_level = old["certainty"].get("level") if isinstance(old.get("certainty"), dict) else None
    new_level = new["certainty"].get("level") if isinstance(new.get("certainty"), dict) else None
    changes = []
    if old.get("verdict") != new.get("verdict"):
        changes.append(f"verdict {old.get('verdict')} → {new.get('verdict')}")
    if old_level != new_level:
        changes.append(f"certainty {old_level} → {new_level}")
    if not changes:
        return
    since = f"since {rev}" + (f" (when it was '{former}')" if former else "")
    old_version, new_version = old.get("version"), new.get("version")
    line, col = claim.pos("version")
    if isinstance(old_version, int) and isinstance(new_version, int) and new_version <= old_version:
        problems.add(claim.path, line, col,
                     f"{' and '.join(changes)} {since}, but version is still {new_version}",
                     f"set version: {old_version + 1} and add a changelog entry for it")
        return
    changelog = new.get("changelog")
    log = changelog if isinstance(changelog, list) else []
    latest = log[-1] if log and isinstance(log[-1], dict) else {}
    if old.get("verdict") != new.get("verdict") and latest.get("conclusion_changed") is not True:
        lline, lcol = claim.pos("changelog", len(log) - 1, "conclusion_changed")
        problems.add(claim.path, lline, lcol, f"the verdict changed {since} but the newest changelog entry "
                     "does not say so", "set conclusion_changed: true in that entry")
