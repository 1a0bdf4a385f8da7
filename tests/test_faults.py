"""kcr add-ref and new-claim under faults: killed at random moments, run concurrently, disk full."""

from __future__ import annotations

import importlib.util
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXPORT = ROOT / "tests" / "fixtures" / "zotero-exports" / "coe2019substitute.csl.json"
VERIFIED = "https://pubmed.ncbi.nlm.nih.gov/31284119/"


def _kill_loop_module():
    spec = importlib.util.spec_from_file_location("kill_loop", ROOT / "scripts" / "kill_loop.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_loop"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_kill_loop_never_leaves_a_corrupted_file() -> None:
    """SIGKILL and SIGINT at random moments: the file is always the old or the new version, byte for byte."""
    runs = int(os.environ.get("KCR_KILL_RUNS", "30"))  # more with: scripts/kill_loop.py --runs N
    summary = _kill_loop_module().kill_loop(runs, seed=7)
    print(summary.line())
    assert summary.runs == runs
    assert summary.corrupted == 0, summary.details
    assert summary.old + summary.new == runs
    assert summary.sigkill and summary.sigint
    assert summary.in_write > 0  # some signals landed while the new file was being written


def test_eight_concurrent_runs_all_land() -> None:
    summary = _kill_loop_module().concurrent(trials=1)
    print(summary.line())
    assert (summary.runs, summary.added, summary.landed, summary.lost, summary.corrupted) == (8, 8, 8, 0, 0), \
        summary.details


def _add_ref(root: Path, preexec=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "add-ref", str(EXPORT), "--verified",
                           VERIFIED], capture_output=True, text=True, preexec_fn=preexec, timeout=120)


FULL = ("references.bib: could not be written (no space left on the disk) — references.bib is untouched; "
        "free some space or fix the permissions, then run add-ref again\n")


def test_full_disk_tmpfs(tmp_path: Path) -> None:
    """A real full file system: a small tmpfs holding references.bib and a file filling the rest."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (the RLIMIT_FSIZE test below covers the full disk without it)")
    try:
        (mount / "references.bib").write_text(_kill_loop_module().base_references(), encoding="utf-8")
        before = (mount / "references.bib").read_bytes()
        (mount / ".references.bib.lock").touch()
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill the rest of the disk
            while os.write(fd, b"x" * 512):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        proc = _add_ref(mount)
        assert proc.returncode == 1
        assert proc.stdout == FULL
        assert "Traceback" not in proc.stderr
        assert (mount / "references.bib").read_bytes() == before
        assert sorted(p.name for p in mount.iterdir()) == [".references.bib.lock", "filler", "references.bib"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _file_size_limit(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_full_disk_rlimit(real_copy: Path) -> None:
    """The same with RLIMIT_FSIZE: writing the new file fails part-way, as on a full disk."""
    (real_copy / "references.bib").write_text(_kill_loop_module().base_references(), encoding="utf-8")
    before = (real_copy / "references.bib").read_bytes()
    proc = _add_ref(real_copy, _file_size_limit(len(before) // 2))
    assert proc.returncode == 1
    assert proc.stdout == FULL
    assert "Traceback" not in proc.stderr
    assert (real_copy / "references.bib").read_bytes() == before
    assert not [p for p in real_copy.iterdir() if p.name.endswith(".tmp")]


def test_new_claim_on_a_full_disk_writes_nothing(project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(project), "new-claim", "kratom-x"],
                          capture_output=True, text=True, preexec_fn=_file_size_limit(100))
    assert proc.returncode == 1
    assert proc.stdout == "claims/kratom-x.yaml could not be written (File too large) — nothing was written\n"
    assert sorted(p.name for p in (project / "claims").iterdir()) == ["kratom-eases-withdrawal.yaml"]
