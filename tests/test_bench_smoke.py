"""The benchmark machinery: the synthetic corpus passes the checker, and scripts/bench.py runs at N=100.

No timing is asserted: the benchmark reports targets as met or missed, it does not fail on them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kcr import check, claims, synthetic


def test_synthetic_corpus_passes_the_checker(tmp_path: Path) -> None:
    root = synthetic.make(tmp_path / "syn", 40, 80, seed=3)
    review = check.load(root)
    assert [str(p) for p in review.problems] == []
    assert len(review.claims) == 40 and len(review.refs) == 80
    cited = {e["ref"] for c in review.claims for e in c.data.get("evidence") or []}
    assert cited == set(review.refs), "every reference is cited"
    for claim in review.claims:
        assert 2 <= len(claim.data["evidence"]) <= 8
        for q in claim.data["quotes"]:
            assert review.article.find(q["text"]) == q["section"]
    # the records are valid under the schema itself, not only as the checker reports it
    validator = claims.validator(root)
    assert all(validator.is_valid(c.data) for c in review.claims)
    # the hand-written pages and site configuration are copied, the generated folders are not
    assert (root / "mkdocs.yml").exists() and (root / "docs" / "index.md").exists()
    assert (root / "hooks" / "kcr_hooks.py").exists() and (root / "overrides").is_dir()
    assert not (root / "docs" / "claims").exists() and not (root / "docs" / "references").exists()


def test_synthetic_corpus_is_deterministic(tmp_path: Path) -> None:
    a = synthetic.make(tmp_path / "a", 5, 10, seed=1)
    b = synthetic.make(tmp_path / "b", 5, 10, seed=1)
    assert (a / "references.bib").read_text(encoding="utf-8") == (b / "references.bib").read_text(encoding="utf-8")
    assert sorted(p.name for p in (a / "claims").iterdir()) == sorted(p.name for p in (b / "claims").iterdir())


def test_synthetic_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("", encoding="utf-8")
    with pytest.raises(FileExistsError):
        synthetic.make(tmp_path / "x", 1, 1)


@pytest.mark.slow
def test_bench_runs_at_n_100(tmp_path: Path) -> None:
    out = tmp_path / "BENCH.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "100", "--workdir", str(tmp_path / "work"),
         "--profile-size", "100", "--repeat", "1", "--out", str(out), "--before", "HEAD", "--serve-sizes", "100",
         "--serve-runs", "1"],
        capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for expected in ("| **checker** (check.load), cold: new process, empty cache |",
                     "| checker, new process, cache warm, nothing changed |", "| **largest HTML page** of the site |",
                     "## Before and after", "| kcr build, cold | ", "every HTML page ≤ 500 KB",
                     "| **kcr serve**: save → rebuilt page served (median, max) | **", "| **kcr build**, cold (wall) |", "| **baseline build** (wall) |",
                     "| checker after one record changed, same process (kcr serve) |",
                     "| **kcr build after one record changed** (caches warm) |",
                     "| **build / baseline** |", "## Targets", "build ≤ 1 × baseline", "checker after one record changed < 0.3 s",
                     "#### generate at N=100", "#### mkdocs build at N=100", "#### checker (check.load) at N=100"):
        assert expected in text, expected
    # the site search is Pagefind's index in chunks (Material's one-file index is gone: deliberate, issue 12)
    assert (tmp_path / "work" / "kcr-100" / "site" / "assets" / "pagefind" / "pagefind.js").exists()
    assert not (tmp_path / "work" / "kcr-100" / "site" / "search" / "search_index.json").exists()
