"""`kcr retractions CSV`: cited works found in a Retraction Watch export (the layout Crossref distributes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BIB, ROOT
from kcr.cli import main

SAMPLE = ROOT / "tests" / "fixtures" / "retraction-watch-sample.csv"
DOE = (BIB.replace("smith2020kratom", "doe2021other").replace("A test title about kratom use", "Another study of kratom")
       .replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678"))


def run(project: Path, csv: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["--root", str(project), "retractions", str(csv)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_every_cited_doi_and_pmid_is_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "references.bib").write_text(BIB + "\n" + DOE, encoding="utf-8")
    code, out, err = run(project, SAMPLE, capsys)
    assert code == 1
    assert out == [
        "references.bib:1:1: 'smith2020kratom' (DOI 10.1000/test.1) is in the Retraction Watch database: Retraction, "
        "2023-08-16 (record 90001, notice DOI 10.1000/test.notice.1) — check the notice and record it: notice_type = "
        "{retraction}, notice_url and notice_date in references.bib; a retracted work supports nothing: recode the "
        "evidence that cites it",
        "references.bib:12:1: 'doe2021other' (PMID 22345678) is in the Retraction Watch database: Expression of "
        "concern, 2024-01-05 (record 90002) — check the notice and record it: notice_type = {expression-of-concern}, "
        "notice_url and notice_date in references.bib",
    ]
    assert err == "2 cited work(s) found among 3 Retraction Watch records.\n"


def test_a_recorded_notice_is_still_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "references.bib").write_text(BIB.replace(
        "  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {retraction},\n"
        "  notice_url = {https://example.org/notice-1},\n"), encoding="utf-8")
    code, out, _ = run(project, SAMPLE, capsys)
    assert code == 1
    assert out[0].endswith("— already recorded in references.bib; check that the stance and verdict take it into account")


def test_no_cited_work_found(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    csv = tmp_path / "rw.csv"
    csv.write_text("\n".join([lines[0], lines[3]]) + "\n", encoding="utf-8")
    assert run(project, csv, capsys) == (0, ["OK: no cited work is among 1 Retraction Watch records."], "")


def test_the_live_header_with_a_trailing_comma_is_read(project: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    csv = tmp_path / "rw.csv"
    csv.write_text("\n".join([lines[0] + ",", lines[1] + ","]) + "\n", encoding="utf-8")
    code, out, _ = run(project, csv, capsys)
    assert code == 1 and len(out) == 1 and "'smith2020kratom' (DOI 10.1000/test.1)" in out[0]


def test_another_csv_is_refused(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "other.csv"
    csv.write_text("doi,title\n10.1000/test.1,x\n", encoding="utf-8")
    code, out, _ = run(project, csv, capsys)
    assert code == 2
    assert out == [f"{csv}: not a Retraction Watch export: no column Record ID, RetractionDate, RetractionDOI, "
                   "OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature"]


def test_fixture_has_the_published_column_layout() -> None:
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert header == ("Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,"
                      "RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,"
                      "OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes")
