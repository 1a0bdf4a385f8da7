"""`kcr check --against REV`: renames followed through former_ids, deleted records must be withdrawn."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import CLAIM, SEARCH_LOG, SECOND_REVIEW
from kcr.cli import main

OLD = "kratom-eases-withdrawal"
NEW = "kratom-relieves-withdrawal"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def repo(project: Path) -> Path:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    return project


def rename(root: Path, text: str = CLAIM) -> Path:
    """Rename the record to NEW, keeping OLD in former_ids (and move its log and second review)."""
    (root / "claims" / f"{OLD}.yaml").unlink()
    new = text.replace(f"id: {OLD}", f"id: {NEW}\nformer_ids:\n  - {OLD}")
    path = root / "claims" / f"{NEW}.yaml"
    path.write_text(new, encoding="utf-8")
    for folder, body in (("search-logs", SEARCH_LOG), ("second-reviews", SECOND_REVIEW)):
        (root / "research" / folder / f"{OLD}.yaml").unlink()
        (root / "research" / folder / f"{NEW}.yaml").write_text(body.replace(OLD, NEW), encoding="utf-8")
    return path


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "check", "--against", "HEAD"])
    return code, capsys.readouterr().out.splitlines()


def test_clean_rename_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rename(repo)
    assert check(repo, capsys) == (0, ["OK: 1 claims, 1 references, no problems."])


def test_renamed_record_with_a_changed_certainty_needs_a_new_version(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = CLAIM.replace("  level: very-low\n  reasons:\n    - domain: risk-of-bias\n      change: -1\n"
                            "      reason: Self-selected online samples of current users.\n",
                            "  level: low\n  basis: Cross-sectional surveys only, with nothing to rate down.\n")
    assert changed != CLAIM
    rename(repo, changed)
    (repo / "research/second-reviews" / f"{NEW}.yaml").write_text(
        SECOND_REVIEW.replace(OLD, NEW).replace("certainty: very-low", "certainty: low"), encoding="utf-8")
    code, out = check(repo, capsys)
    assert code == 1
    assert out == [f"claims/{NEW}.yaml:31:10: certainty very-low → low since HEAD (when it was '{OLD}'), but version "
                   "is still 1 — set version: 2 and add a changelog entry for it"]


def test_renamed_record_with_a_changed_verdict_must_flag_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = CLAIM.replace("verdict: overstated", "verdict: misleading").replace("version: 1\nchangelog:", "version: 2\nchangelog:")
    changed += '  - date: "2026-11-26"\n    version: 2\n    summary: Verdict revised.\n    conclusion_changed: false\n'
    changed = changed.replace('reviewed: "2026-11-25"', 'reviewed: "2026-11-26"')
    rename(repo, changed)
    (repo / "research/second-reviews" / f"{NEW}.yaml").write_text(
        SECOND_REVIEW.replace(OLD, NEW).replace("verdict: overstated", "verdict: misleading"), encoding="utf-8")
    code, out = check(repo, capsys)
    assert code == 1
    assert out == [f"claims/{NEW}.yaml:43:25: the verdict changed since HEAD (when it was '{OLD}') but the newest "
                   "changelog entry does not say so — set conclusion_changed: true in that entry"]


def test_deleted_record_must_be_withdrawn(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "claims" / f"{OLD}.yaml").unlink()
    for folder in ("search-logs", "second-reviews"):
        (repo / "research" / folder / f"{OLD}.yaml").unlink()
    (repo / "references.bib").write_text("", encoding="utf-8")
    code, out = check(repo, capsys)
    assert code == 1
    assert out == [f"claims/{OLD}.yaml:1:1: record '{OLD}' was deleted since HEAD but is not listed as withdrawn — add "
                   "it to source/withdrawn.yaml (id, date, reason; replaced_by if another claim replaces it), or, if it "
                   f"was renamed, list '{OLD}' in the new record's former_ids"]
    (repo / "source" / "withdrawn.yaml").write_text(
        f'- id: {OLD}\n  date: "2026-12-01"\n  reason: The article makes this claim only as a question.\n',
        encoding="utf-8")
    assert check(repo, capsys) == (0, ["OK: 0 claims, 0 references, no problems."])


def test_rename_without_former_ids_is_a_deletion(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = rename(repo)
    path.write_text(path.read_text(encoding="utf-8").replace(f"former_ids:\n  - {OLD}\n", ""), encoding="utf-8")
    code, out = check(repo, capsys)
    assert code == 1
    assert [line.split(" — ")[0] for line in out] == [
        f"claims/{OLD}.yaml:1:1: record '{OLD}' was deleted since HEAD but is not listed as withdrawn"]
