"""kcr build --site-dir never empties the project, a source folder or a folder it did not build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kcr import sitedir

TODO = "choose a new or empty folder outside the sources, e.g. --site-dir site"


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def build(root: Path, site_dir: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", site_dir],
                          capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(("site_dir", "why"), [
    ("claims", "is the project's claims/ folder, which holds sources; the build empties the site folder first"),
    ("docs", "is the project's docs/ folder, which holds sources; the build empties the site folder first"),
    ("docs/site", "is inside the project's docs/ folder, which holds sources; the build empties the site folder "
                  "first"),
    ("source", "is the project's source/ folder, which holds sources; the build empties the site folder first"),
    ("schema", "is the project's schema/ folder, which holds sources; the build empties the site folder first"),
    ("overrides", "is the project's overrides/ folder, which holds sources; the build empties the site folder first"),
    ("hooks", "is the project's hooks/ folder, which holds sources; the build empties the site folder first"),
    ("src", "is the project's src/ folder, which holds sources; the build empties the site folder first"),
    ("tests", "is the project's tests/ folder, which holds sources; the build empties the site folder first"),
    (".", "is the project folder itself; the build empties the site folder first"),
    ("..", "contains the project folder; the build empties the site folder first"),
    ("/", "contains the project folder; the build empties the site folder first"),
    ("references.bib", "is a file, not a folder"),
    ("notes", "is not empty and is not the output of an earlier kcr build (it has no .kcr-site file); the build would "
              "delete what it holds"),
])
def test_build_refuses_source_and_foreign_folders(site_dir: str, why: str, real_copy: Path) -> None:
    for name in ("src", "tests"):
        (real_copy / name).mkdir()
        (real_copy / name / "keep.txt").write_text("keep", encoding="utf-8")
    (real_copy / "notes").mkdir()
    (real_copy / "notes" / "draft.md").write_text("my notes", encoding="utf-8")
    before = tree(real_copy)
    proc = build(real_copy, site_dir, cwd=real_copy)
    assert proc.returncode == 1
    assert proc.stdout == f"--site-dir {site_dir} {why} — {TODO}\n"
    assert proc.stderr == "Build refused; nothing was written or removed.\n"
    assert tree(real_copy) == before


def test_build_into_new_then_previous_output(real_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = build(real_copy, str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / sitedir.MARKER).read_text(encoding="utf-8") == sitedir.MARKER_TEXT
    assert (out / "index.html").is_file()
    (out / "stale.html").write_text("old page", encoding="utf-8")
    proc = build(real_copy, str(out), cwd=tmp_path)  # a previous build's output may be rebuilt (and emptied)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (out / "stale.html").exists() and (out / sitedir.MARKER).is_file()


def test_empty_existing_folder_is_accepted(real_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert sitedir.check(real_copy, out) == out.resolve()


def test_symlink_to_a_source_folder_is_refused(real_copy: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(real_copy / "claims")
    with pytest.raises(sitedir.SiteDirError, match="is the project's claims/ folder"):
        sitedir.check(real_copy, link)
