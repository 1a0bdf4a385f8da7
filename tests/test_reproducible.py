"""Two builds of the same commit, in different folders, time zones and hash seeds, are byte-identical."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout (builds are stamped with the commit)")
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    sites = []
    for i, (tz, seed) in enumerate((("UTC", "1"), ("Asia/Tokyo", "12345"))):
        clone = tmp_path / f"clone{i}" / ("nested/" * i) / "repo"
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        env = dict(os.environ, TZ=tz, PYTHONHASHSEED=seed)
        env.pop("SOURCE_DATE_EPOCH", None)  # kcr build takes it from the commit
        out = tmp_path / f"site{i}"
        proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(clone), "build", "--site-dir", str(out)],
                              env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        sites.append(out)
    a, b = tree(sites[0]), tree(sites[1])
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
    assert not filecmp.dircmp(sites[0], sites[1]).diff_files
