"""Where ``kcr build --site-dir`` may write: never over sources, never over a folder it did not make.

MkDocs empties the site folder before building.  So a folder is accepted only
if it is new, empty, or a previous build's output (it holds the marker file
:data:`MARKER` that every build writes), and it is never the project itself,
one of its source folders (or inside one), or a folder that contains the
project.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = ".kcr-site"
MARKER_TEXT = "Built by `kcr build`. This folder is emptied and rewritten by every build.\n"
# folders of the project that hold sources (or the tools and history): never a site folder, nor inside one
SOURCES = ("claims", "docs", "source", "schema", "src", "overrides", "hooks", "tests", "scripts", "research",
           ".git", ".github")


class SiteDirError(Exception):
    """The folder must not be used as the site folder; the message says why and what to do."""


def check(root: Path, site_dir: Path) -> Path:
    """The resolved site folder, or SiteDirError; nothing is created or removed here."""
    root = root.resolve()
    target = Path(os.path.realpath(site_dir))
    shown = str(site_dir)
    todo = "choose a new or empty folder outside the sources, e.g. --site-dir site"
    if target == root:
        raise SiteDirError(f"--site-dir {shown} is the project folder itself; the build empties the site folder "
                           f"first — {todo}")
    if root.is_relative_to(target):
        raise SiteDirError(f"--site-dir {shown} contains the project folder; the build empties the site folder "
                           f"first — {todo}")
    for name in SOURCES:
        folder = (root / name).resolve()
        if target == folder or target.is_relative_to(folder):
            raise SiteDirError(f"--site-dir {shown} is {'' if target == folder else 'inside '}the project's "
                               f"{name}/ folder, which holds sources; the build empties the site folder first — "
                               f"{todo}")
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise SiteDirError(f"--site-dir {shown} is a file, not a folder — {todo}")
        try:
            names = os.listdir(target)
        except OSError as exc:
            raise SiteDirError(f"--site-dir {shown} cannot be read ({exc.strerror}) — {todo}") from None
        if names and MARKER not in names:
            raise SiteDirError(f"--site-dir {shown} is not empty and is not the output of an earlier kcr build (it has "
                               f"no {MARKER} file); the build would delete what it holds — {todo}")
    return target


def mark(site_dir: Path) -> None:
    """Create the folder if needed and write the marker, before MkDocs builds into it (it keeps dot files)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    marker = site_dir / MARKER
    if marker.is_symlink():
        marker.unlink()
    if not marker.is_file() or marker.read_text(encoding="utf-8", errors="replace") != MARKER_TEXT:
        marker.write_text(MARKER_TEXT, encoding="utf-8")
