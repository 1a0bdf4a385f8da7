"""The real review: records, references and article pass the checker, and every sentence is accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from kcr import check
from kcr.render.index_pages import coverage

REVIEW = check.load(ROOT)
CLAIM_FILES = sorted(p.name for p in (ROOT / "claims").glob("*.yaml"))
CHECKABLE = sorted(c.path for c in REVIEW.claims if c.data.get("checkable"))


def test_real_review_passes_the_checker() -> None:
    assert [str(p) for p in REVIEW.problems] == []


def test_parameter_sets_are_not_empty() -> None:
    assert len(CLAIM_FILES) >= 20
    assert len(CHECKABLE) >= 15


def test_at_least_40_references_all_cited() -> None:
    cited = {e["ref"] for c in REVIEW.claims for e in c.data.get("evidence") or []}
    assert len(REVIEW.refs) >= 40
    assert set(REVIEW.refs) <= cited


def test_every_sentence_is_covered_or_set_aside() -> None:
    covered = coverage(REVIEW)
    missing = [s.text for s in REVIEW.article.sentences
               if not s.heading and s.number not in covered and s.number not in REVIEW.set_aside]
    assert missing == []


def test_set_aside_sentences_carry_no_claim_already_covered() -> None:
    covered = coverage(REVIEW)
    assert not set(REVIEW.set_aside) & set(covered)


@pytest.mark.parametrize("path", CHECKABLE)
def test_checkable_records_say_what_is_unknown(path: str) -> None:
    claim = next(c for c in REVIEW.claims if c.path == path)
    for field in ("bottom_line", "unknowns", "would_change", "conclusion"):
        assert claim.data.get(field), f"{path} has no {field}"


@pytest.mark.parametrize("path", CHECKABLE)
def test_removing_evidence_makes_the_checker_fail(real_copy: Path, path: str) -> None:
    file = real_copy / path
    text = file.read_text(encoding="utf-8")
    start = text.index("\nevidence:")
    end = text.index("\nreviewed:")
    file.write_text(text[:start] + "\nevidence: []" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 2
    problems = [str(p) for p in check.load(real_copy).problems]
    assert f"{path}:{line}:1: checkable claim cites no evidence (uncited claim) — add at least one evidence item citing a references.bib key, or set checkable: false with a reason" in problems


def test_uncited_claim_added_to_a_copy_fails(real_copy: Path) -> None:
    src = (real_copy / "claims" / "kratom-reduces-cravings.yaml").read_text(encoding="utf-8")
    start, end = src.index("\nevidence:"), src.index("\nreviewed:")
    new = src[:start] + src[end:]
    (real_copy / "claims" / "kratom-reduces-cravings-copy.yaml").write_text(
        new.replace("id: kratom-reduces-cravings", "id: kratom-reduces-cravings-copy"), encoding="utf-8")
    problems = [str(p) for p in check.load(real_copy).problems]
    assert any(p.startswith("claims/kratom-reduces-cravings-copy.yaml:") and "uncited claim" in p for p in problems)


def test_generated_folders_are_git_ignored() -> None:
    from kcr.generate import OWNED

    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    for folder in OWNED:
        assert f"/docs/{folder}/" in ignored, f"docs/{folder}/ is generated: add it to .gitignore"
