"""A contributor's pull request replayed end to end on a copy of the repository."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from kcr import addref, check
from kcr.cli import main

CLAIM = "claims/kratom-reduces-cravings.yaml"
NEW_BIB = """@article{whatever,
  title = {A contributor's hypothetical survey of kratom craving},
  author = {Newcomer, Nora and Helper, Hal},
  year = {2024},
  journal = {Journal of Hypothetical Studies},
  doi = {https://doi.org/10.5555/HYPO.2024.1},
  pmid = {PMID: 0099999999},
}
"""
ITEM = """  - ref: {key}
    design: cross-sectional
    population: human
    substance: kratom-products
    stance: {stance}
    finding: In a hypothetical test survey, users reported fewer cravings after starting kratom.
"""


def cite(root: Path, key: str, stance: str = "supports") -> None:
    path = root / CLAIM
    text = path.read_text(encoding="utf-8")
    item = ITEM.format(key=key, stance=stance)
    if not stance:
        item = item.replace("    stance: \n", "")
    path.write_text(text.replace("\nevidence:\n", "\nevidence:\n" + item, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in check.load(root).problems]


def build(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(out)],
                          capture_output=True, text=True)


def test_add_reference_cite_check_build(real_copy: Path, tmp_path: Path) -> None:
    src = tmp_path / "export.bib"
    src.write_text(NEW_BIB, encoding="utf-8")
    assert main(["--root", str(real_copy), "add-ref", str(src), "--verified", "https://pubmed.ncbi.nlm.nih.gov/99999999/"]) == 0
    bib = (real_copy / "references.bib").read_text(encoding="utf-8")
    assert "@article{newcomer2024contributor," in bib
    # fields are aligned on the longest name; the long provenance names do not widen it
    assert "doi      = {10.5555/hypo.2024.1}," in bib and "pmid     = {99999999}," in bib
    assert "verified_class = {pubmed}," in bib
    keys = [line.split("{", 1)[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")]
    assert keys == sorted(keys)
    cite(real_copy, "newcomer2024contributor")
    # a cited work is logged as included in the record's search log and read by its second reviewer
    claim_id = Path(CLAIM).stem
    log = real_copy / "research" / "search-logs" / f"{claim_id}.yaml"
    log.write_text(log.read_text(encoding="utf-8").rstrip("\n") + "\n- work: Newcomer 2024, a contributor's survey\n"
                   "  decision: include\n  ref: newcomer2024contributor\n", encoding="utf-8")
    second = real_copy / "research" / "second-reviews" / f"{claim_id}.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace(
        "\nitems:\n", "\nitems:\n  - ref: newcomer2024contributor\n    fidelity: faithful\n", 1), encoding="utf-8")
    assert problems(real_copy) == []
    proc = build(real_copy, tmp_path / "site")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "site" / "claims" / "kratom-reduces-cravings" / "index.html").read_text(encoding="utf-8")
    assert "A contributor&#x27;s hypothetical survey" in page or "A contributor’s hypothetical survey" in page or \
        "A contributor's hypothetical survey" in page


def test_mistake_unknown_key(real_copy: Path) -> None:
    cite(real_copy, "nosuch2020key")
    assert any(p.startswith(f"{CLAIM}:") and "evidence cites 'nosuch2020key', which is not in references.bib — "
               "add the entry to references.bib (kcr add-ref) or fix the key" in p for p in problems(real_copy))


def test_mistake_duplicate_doi(real_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "dup.json"
    src.write_text(json.dumps([{"type": "article-journal", "title": "Same work, other title",
                                "author": [{"family": "Singh", "given": "D."}], "issued": {"date-parts": [[2014]]},
                                "container-title": "Drug and Alcohol Dependence",
                                "DOI": "10.1016/J.DRUGALCDEP.2014.03.017"}]), encoding="utf-8")
    assert main(["--root", str(real_copy), "add-ref", str(src), "--verified", "https://pubmed.ncbi.nlm.nih.gov/1/"]) == 1
    out = capsys.readouterr().out
    assert ("this work is already in references.bib as 'singh2014kratom' (same DOI 10.1016/j.drugalcdep.2014.03.017): "
            "cite 'singh2014kratom' instead") in out


def test_mistake_missing_stance(real_copy: Path) -> None:
    cite(real_copy, "singh2014kratom", stance="")
    found = problems(real_copy)
    assert any(p.startswith(f"{CLAIM}:") and "missing field 'stance' in evidence.0 — add stance:" in p for p in found), found


def test_mistake_malformed_bibtex(real_copy: Path) -> None:
    bib = real_copy / "references.bib"
    text = bib.read_text(encoding="utf-8")
    broken = text.replace("  year     = {2014},\n", "  year     = {2014}\n", 1)
    assert broken != text
    bib.write_text(broken, encoding="utf-8")
    found = problems(real_copy)
    assert any(p.startswith("references.bib:") and "runs into the next field (a comma is probably missing) — "
               "write the value as one {braced} group and end each field with a comma" in p for p in found), found


def test_mistake_quote_not_in_article(real_copy: Path) -> None:
    path = real_copy / CLAIM
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["quotes"][0]["text"]
    path.write_text(path.read_text(encoding="utf-8").replace(first, first + " forever", 1), encoding="utf-8")
    found = problems(real_copy)
    assert any(p.startswith(f"{CLAIM}:") and "quote not found in the article" in p for p in found), found


def test_add_ref_from_ris_normalises(tmp_path: Path, project: Path) -> None:
    ris = tmp_path / "x.ris"
    ris.write_text("TY  - JOUR\nTI  - The effects of testing on tests\nAU  - O'Test, Ann\nPY  - 2023/01/02\n"
                   "JO  - Test Journal\nDO  - doi:10.5555/ABC\nAN  - PMID: 000123\nER  - \n", encoding="utf-8")
    key = addref.add(project, ris, "https://pubmed.ncbi.nlm.nih.gov/123/")
    assert key == "otest2023effects"
    refs = check.load(project).refs
    assert refs[key].doi == "10.5555/abc" and refs[key].pmid == "123"


def test_add_ref_refuses_near_identical_title(tmp_path: Path, project: Path) -> None:
    src = tmp_path / "t.bib"
    src.write_text("@article{x, title={A Test Title About Kratom Use.}, author={Else, Someone}, year={2021},"
                   " journal={Other}, doi={10.5555/other}}\n", encoding="utf-8")
    with pytest.raises(addref.AddRefError, match=re.escape("already in references.bib as 'smith2020kratom' (same title)")):
        addref.add(project, src, "https://example.org/page", verified_class="publisher")


def test_new_claim_scaffold_lists_allowed_values(project: Path) -> None:
    assert main(["--root", str(project), "new-claim", "kratom-new-thing"]) == 0
    text = (project / "claims" / "kratom-new-thing.yaml").read_text(encoding="utf-8")
    assert "# one of: accurate, mostly-accurate, overstated, misleading, unsupported, inaccurate" in text
    assert yaml.safe_load(text)["id"] == "kratom-new-thing"
    found = problems(project)
    assert any("claims/kratom-new-thing.yaml:" in p and "quote not found" in p for p in found)


def test_workflows_parse_and_do_what_they_say() -> None:
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = ci["jobs"]["check-test-build"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "kcr check --format github" in runs and "pytest" in runs and "kcr build" in runs
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    for wf in (ci, deploy):
        for job in wf["jobs"].values():
            for s in job["steps"]:
                if s.get("uses", "").startswith("actions/checkout"):
                    assert s["with"]["persist-credentials"] is False
    assert True in ci and "pull_request" in ci[True]  # PyYAML reads the key 'on' as True
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["jobs"]["deploy"]["steps"])
    for form in (ROOT / ".github/ISSUE_TEMPLATE").glob("*.yml"):
        assert yaml.safe_load(form.read_text(encoding="utf-8"))["body"]


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "references.bib").write_text((project / "references.bib").read_text().replace("12345678", "0123"))
    assert main(["--root", str(project), "check", "--format", "github"]) == 1
    assert "::error file=references.bib,line=7,col=1::malformed PMID '0123'" in capsys.readouterr().out


def test_readme_links_contributing() -> None:
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_changed_verdict_needs_a_new_version(real_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=real_copy, check=True,
                       capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    path = real_copy / CLAIM
    text = path.read_text(encoding="utf-8")
    version = yaml.safe_load(text)["version"]
    path.write_text(text.replace("verdict: overstated", "verdict: unsupported", 1), encoding="utf-8")
    assert main(["--root", str(real_copy), "check", "--against", "HEAD"]) == 1
    out = capsys.readouterr().out
    assert f"{CLAIM}:" in out
    assert (f"verdict overstated → unsupported since HEAD, but version is still {version} — "
            f"set version: {version + 1} and add a changelog entry for it") in out
    bumped = path.read_text(encoding="utf-8").replace(f"version: {version}\nchangelog:",
                                                      f"version: {version + 1}\nchangelog:", 1)
    bumped += (f'  - date: "2026-11-25"\n    version: {version + 1}\n    summary: Verdict revised.\n'
               "    conclusion_changed: false\n")
    path.write_text(bumped, encoding="utf-8")
    assert main(["--root", str(real_copy), "check", "--against", "HEAD"]) == 1
    assert "the verdict changed since HEAD but the newest changelog entry does not say so" in capsys.readouterr().out
    path.write_text(bumped.replace("summary: Verdict revised.\n    conclusion_changed: false",
                                   "summary: Verdict revised.\n    conclusion_changed: true"), encoding="utf-8")
    assert main(["--root", str(real_copy), "check", "--against", "HEAD"]) == 0
