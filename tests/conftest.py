"""Shared fixtures: a minimal valid project in a temp folder, and a copy of the real one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# tests build many throw-away copies of the project: keep them out of the user's cache
os.environ["KCR_NO_CACHE"] = "1"

CLAIM = """\
# yaml-language-server: $schema=../schema/claim.schema.json
id: kratom-eases-withdrawal
statement: Kratom eases opioid withdrawal symptoms
quotes:
  - text: "has gained attention as a potential aid in managing opioid withdrawal symptoms"
    section: Understanding Opioid Withdrawal and Kratom's Role
type: efficacy
topic: withdrawal
checkable: true
verdict: overstated
conclusion: Only self-reports from surveys of current users suggest relief.
certainty:
  start: low
  level: very-low
  reasons:
    - domain: risk-of-bias
      change: -1
      reason: Self-selected online samples of current users.
  body: observational
bottom_line: Some users report relief, but no controlled trial has tested this.
unknowns: Whether kratom eases withdrawal under controlled conditions.
would_change: A randomised trial against buprenorphine.
evidence:
  - ref: smith2020kratom
    design: cross-sectional
    population: human
    substance: kratom-products
    n: 100
    stance: supports
    finding: In a test survey of current users, most reported that kratom eased withdrawal.
reviewed: "2026-11-25"
version: 1
changelog:
  - date: "2026-11-25"
    version: 1
    summary: First review.
    conclusion_changed: false
"""

BIB = """\
@article{smith2020kratom,
  title    = {A test title about kratom use},
  author   = {Smith, Jane and Doe, John},
  year     = {2020},
  journal  = {Journal of Tests},
  doi      = {10.1000/test.1},
  pmid     = {12345678},
  verified = {https://pubmed.ncbi.nlm.nih.gov/12345678/},
  verified_class = {pubmed},
}
"""

SEARCH_LOG = """\
claim: kratom-eases-withdrawal
date: "2026-11-25"
searches:
  - query: kratom opioid withdrawal survey
    source: pages
    hits: 12
  - query: kratom withdrawal no benefit trial
    source: pages
    hits: 4
records:
  - work: "Smith J et al. 2020, Journal of Tests (PMID 12345678)"
    decision: include
    ref: smith2020kratom
  - work: "Doe J 2019, Journal of Opinions (editorial)"
    decision: exclude
    reason: wrong-design
"""

SECOND_REVIEW = """\
claim: kratom-eases-withdrawal
reviewer: second-reviewer
date: "2026-11-26"
reviewed_version: 1
items:
  - ref: smith2020kratom
    fidelity: faithful
missing_evidence: []
verdict: overstated
certainty: very-low
agreement: agree
"""


def make_project(base: Path) -> Path:
    """A minimal valid project: the real schema and article, one claim with its search log and second
    review, one reference."""
    root = base / "project"
    (root / "claims").mkdir(parents=True)
    shutil.copytree(ROOT / "schema", root / "schema")
    shutil.copytree(ROOT / "source", root / "source", ignore=shutil.ignore_patterns("set-aside.yaml"))
    (root / "claims" / "kratom-eases-withdrawal.yaml").write_text(CLAIM, encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    for folder, text in (("search-logs", SEARCH_LOG), ("second-reviews", SECOND_REVIEW)):
        (root / "research" / folder).mkdir(parents=True)
        (root / "research" / folder / "kratom-eases-withdrawal.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def copy_project(dst: Path) -> Path:
    """A copy of the real project's data and site config, without generated pages."""
    from kcr.generate import OWNED

    generated = {name.split("/")[-1] for name in OWNED}
    for name in ("claims", "schema", "source", "docs", "overrides", "hooks", "research"):
        ignore = shutil.ignore_patterns("__pycache__", *generated) if name == "docs" else \
            shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / name, dst / name, ignore=ignore)
    for name in ("references.bib", "mkdocs.yml"):
        shutil.copy2(ROOT / name, dst / name)
    return dst


@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    """A copy of the real project's data (records, references, article, schema, site config)."""
    return copy_project(tmp_path / "real")
