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
from .paths import OWNED
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


def inputs_digest(root: Path, docs: Path) -> str:
    """A digest of the hand-written inputs of ``kcr serve``'s pages: the configuration, the theme overrides and
    hooks (:data:`INPUTS`), and every file of ``docs`` outside the generator's folders (which are not walked).
    While it stays the same, an edit to the records changes only generated files, and :func:`plan` says which
    pages to render again."""
    import hashlib

    from .generate import MANIFEST

    owned = {os.path.normpath(docs / o) for o in OWNED}
    found: list[tuple[str, str]] = []
    for name in (*INPUTS, "docs"):
        base = docs if name == "docs" else root / name
        if base.is_file():
            found.append((name, str(base)))
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and os.path.join(dirpath, d) not in owned)
            rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
            found.extend((f"{name}/{file}" if rel == "." else f"{name}/{rel}/{file}", os.path.join(dirpath, file))
                         for file in sorted(filenames) if not (name == "docs" and rel == "." and file == MANIFEST))
    parts: list[str] = []
    for shown, path in found:
        try:
            with open(path, "rb") as f:
                parts += [shown, hashlib.sha256(f.read()).hexdigest()]
        except OSError:
            parts += [shown, "missing"]
    return digest(*parts)


def plan(written: list[str], removed: list[str], published: set[str]) -> list[str] | None:
    """What to render or copy again after a generation that wrote ``written`` and removed ``removed`` (docs-relative
    paths), when the hand-written inputs are unchanged (:func:`inputs_digest`) and the site holds a build of
    every file in ``published`` (the files of docs/ the last build published).

    Every written file, and every hand-written page that includes a written part (``generate.INCLUDED_BY``).
    None when that is not enough and the site must be built in full: a file was removed, or a new one
    appeared (the site's list of pages, its sitemap and the links between pages may change)."""
    from .generate import INCLUDED_BY

    if removed:
        return None
    todo: set[str] = set()
    for rel in written:
        if rel in INCLUDED_BY:
            todo.add(INCLUDED_BY[rel])
        elif any(part.startswith(".") for part in rel.split("/")):
            continue  # not published (the manifest and other dotfiles)
        elif rel in published:
            todo.add(rel)
        else:
            return None
    if not todo <= published:
        return None
    return sorted(todo)
