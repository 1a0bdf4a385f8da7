"""Rebuilding only what changed: when ``kcr build`` may let MkDocs skip the pages whose source is unchanged.

``mkdocs build --dirty`` renders only pages whose Markdown file is newer than
their HTML; the generator rewrites only pages whose content changed, so after
one record is edited only its pages are rendered again.  That is right only
while everything else a page is made from is the same as in the last build
into the same folder: the site configuration, the theme overrides and hooks,
the theme and MkDocs, kcr's code, and the commit and date the footer shows.
All of these are digested into a stamp, kept in the user's cache folder (never
in the project or the site) after a build succeeds; a build whose stamp
differs, or that has none, is a full build.  Pages the generator removed are
removed from the site too (a dirty build leaves stale pages otherwise).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .cache import _folder, digest
from .records import fingerprint

# what pages are made from besides their own Markdown (docs/ itself is compared page by page by MkDocs)
INPUTS = ("mkdocs.yml", "overrides", "hooks")


def stamp(root: Path, site_dir: Path, env: dict[str, str]) -> str:
    """A digest of everything a page depends on besides its own source file."""
    parts = [fingerprint(), str(site_dir.resolve()), env.get("SOURCE_DATE_EPOCH", "")]
    for dist in ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} missing")
    try:
        parts.append(subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                    timeout=10, check=False).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        parts.append("no commit")
    for name in INPUTS:
        base = root / name
        files = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if base.is_dir() else [base]
        for path in files:
            try:
                parts += [path.relative_to(root).as_posix(), path.read_bytes().hex()]
            except OSError:
                parts += [str(path), "missing"]
    return digest(*parts)


def _record(root: Path, site_dir: Path) -> Path:
    return _folder(root) / f"site-{digest(str(site_dir.resolve()))[:16]}.stamp"


def reusable(root: Path, site_dir: Path, current: str) -> bool:
    """Whether the last build into ``site_dir`` succeeded with the same stamp (so a dirty build is right)."""
    if os.environ.get("KCR_NO_CACHE") == "1" or not (site_dir / "index.html").is_file():
        return False
    try:
        return _record(root, site_dir).read_text(encoding="utf-8") == current
    except OSError:
        return False


def remember(root: Path, site_dir: Path, current: str | None) -> None:
    """Keep the stamp of a build that succeeded (None: forget it, so the next build is a full one)."""
    path = _record(root, site_dir)
    try:
        if current is None or os.environ.get("KCR_NO_CACHE") == "1":
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current, encoding="utf-8")
    except OSError:
        pass


def remove_stale(site_dir: Path, removed: list[str]) -> None:
    """Remove from the site what the pages the generator removed from docs/ had become."""
    for rel in removed:
        if rel.endswith(".md"):
            stem = rel[:-3]
            out = site_dir / (stem[: -len("index")] if stem.endswith("index") else stem + "/") / "index.html"
        else:
            out = site_dir / rel
        with contextlib.suppress(OSError):
            out.unlink(missing_ok=True)
