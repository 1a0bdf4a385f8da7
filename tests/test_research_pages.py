"""A strict build of a small project using every new feature: the contradicting-evidence marker, provenance
and notices, supplied titles, search-log and second-review pages, and a withdrawn claim's page."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BIB, CLAIM, ROOT, SEARCH_LOG, SECOND_REVIEW, make_project
from kcr.paths import OWNED

ID = "kratom-eases-withdrawal"
DOE_ITEM = """  - ref: doe2021other
    design: cohort
    population: human
    substance: kratom-products
    n: 40
    stance: contradicts
    finding: In a small test cohort, withdrawal scores did not differ between kratom users and others.
"""
DOE = (BIB.replace("smith2020kratom", "doe2021other").replace("A test title about kratom use", "Another study of kratom")
       .replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678")
       .replace("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {retraction},\n"
                "  notice_url = {https://journal.example.org/retraction-notice},\n  notice_date = {2024-05-31},\n"))
SMITH = (BIB.replace("{A test title about kratom use}", "{[A test title about kratom use]}")
         .replace("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  title_supplied = {true},\n"))
WITHDRAWN = """\
- id: kratom-cures-withdrawal
  statement: Kratom cures opioid withdrawal outright
  date: "2026-11-30"
  reason: Merged into the claim about easing withdrawal, which quotes the same sentence.
  replaced_by: kratom-eases-withdrawal
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("research")
    root = make_project(base)
    generated = {name.split("/")[-1] for name in OWNED}
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__", *generated))
    for name in ("overrides", "hooks"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "claims" / f"{ID}.yaml").write_text(CLAIM.replace("reviewed:", DOE_ITEM + "reviewed:", 1), encoding="utf-8")
    (root / "references.bib").write_text(SMITH + "\n" + DOE, encoding="utf-8")
    (root / "research/search-logs" / f"{ID}.yaml").write_text(
        SEARCH_LOG.replace("kratom withdrawal no benefit trial", "kratom <b>withdrawal</b> no benefit")
        + '  - work: "Doe J 2021, Journal of Tests (PMID 22345678)"\n    decision: include\n    ref: doe2021other\n',
        encoding="utf-8")
    (root / "research/second-reviews" / f"{ID}.yaml").write_text(
        SECOND_REVIEW.replace("missing_evidence: []", "missing_evidence:\n  - A 2023 survey of kratom users in Malaysia")
        .replace("    fidelity: faithful\n", "    fidelity: faithful\n  - ref: doe2021other\n    fidelity: minor-issue\n"
                 "    note: The cohort had 40 participants, as stated, but the follow-up was 2 weeks.\n"),
        encoding="utf-8")
    (root / "source" / "withdrawn.yaml").write_text(WITHDRAWN, encoding="utf-8")
    out = base / "site"
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_contradicting_marker_next_to_every_verdict(site: Path) -> None:
    box = page(site, f"claims/{ID}").select_one(".kcr-verdict-box")
    marker = box.select_one(".kcr-contradicting")
    assert marker is not None and marker["data-contradicting"] == "1"
    assert "1 contradicting" in marker.get_text()
    assert marker.find_previous_sibling(class_="kcr-verdict") is not None  # right after the verdict
    row = page(site, "claims").select_one('tr[data-verdict="overstated"]')
    assert row.select_one(".kcr-contradicting")["data-contradicting"] == "1"
    assert page(site, "coverage").select_one(".kcr-cov-link .kcr-contradicting") is not None
    cell = page(site, "").select_one('td.kcr-cell[data-verdict="overstated"][data-certainty="very-low"]')
    assert (cell["data-count"], cell["data-contradicted"]) == ("1", "1")
    assert "✕1" in cell.get_text() and "1 of them with contradicting evidence" in cell.a["aria-label"]


def test_claim_page_shows_notices_provenance_and_research(site: Path) -> None:
    soup = page(site, f"claims/{ID}")
    banner = soup.select_one(".kcr-notices")
    assert "A cited work has been retracted" in text(banner) and "Retracted (2024-05-31)" in text(banner)
    refs = soup.select("ol.kcr-references li")
    assert "Checked against: PubMed record" in text(refs[0]) and "[title supplied]" in text(refs[0])
    assert "Retracted (2024-05-31)" in text(refs[1])
    assert refs[1].select_one('a[href="https://journal.example.org/retraction-notice"]') is not None
    research = text(soup.select_one(".kcr-research"))
    assert "How we searched: 2 queries, 3 works screened, 2 included — full log" in research
    assert "Independently checked by a second reviewer on 2026-11-26 (agreed) — second review" in research
    hrefs = [a["href"] for a in soup.select(".kcr-research a")]
    assert hrefs == [f"../../research/search-logs/{ID}/", f"../../research/second-reviews/{ID}/"]


def test_search_log_page(site: Path) -> None:
    soup = page(site, f"research/search-logs/{ID}")
    queries = [[td.get_text() for td in tr.find_all("td")] for tr in soup.select("table.kcr-log-queries tbody tr")]
    assert queries[1] == ["2", "kratom <b>withdrawal</b> no benefit",
                          "Stored web pages (PubMed and mirrors, PMC, journals, FDA, CDC)", "4"]
    assert soup.select_one("table.kcr-log-queries b") is None  # shown as text, never markup
    rows = [[text(td) for td in tr.find_all("td")] for tr in soup.select("table.kcr-log-records tbody tr")]
    assert rows[1] == ["Doe J 2019, Journal of Opinions (editorial)", "Excluded", "Wrong design (opinion, editorial, news)"]
    assert rows[0][1:] == ["Included", "Cited as smith2020kratom"]
    assert soup.select_one('a[href="../../../references/smith2020kratom/"]') is not None
    assert soup.select_one(f'a[href="../../../claims/{ID}/"]') is not None


def test_second_review_page(site: Path) -> None:
    soup = page(site, f"research/second-reviews/{ID}")
    body = text(soup)
    assert "Reviewed by second-reviewer on 2026-11-26, version 1 of the record (current version 1)." in body
    assert "Agreed with the review. The second reviewer's own verdict: Overstated; certainty: Very low." in body
    rows = [[text(td) for td in tr.find_all("td")] for tr in soup.select("table.kcr-review-items tbody tr")]
    assert rows == [["smith2020kratom", "Faithful", "—"],
                    ["doe2021other", "Minor issue",
                     "The cohort had 40 participants, as stated, but the follow-up was 2 weeks."]]
    assert "A 2023 survey of kratom users in Malaysia" in body


def test_reference_page_shows_class_flag_and_notice(site: Path) -> None:
    smith = text(page(site, "references/smith2020kratom"))
    assert "Checked against: PubMed record" in smith and "[title supplied]" in smith
    assert "supplied by the reviewers (library practice)" in smith
    doe = page(site, "references/doe2021other")
    assert "Retracted (2024-05-31)" in text(doe.select_one(".kcr-notices"))
    assert "Retracted" in text(page(site, "references").select_one("#doe2021other"))


def test_withdrawn_claim_keeps_its_page(site: Path) -> None:
    soup = page(site, "claims/kratom-cures-withdrawal")
    body = text(soup)
    assert soup.find("h1").get_text() == "Kratom cures opioid withdrawal outright"
    assert "This claim was withdrawn on 2026-11-30." in body
    assert "Why: Merged into the claim about easing withdrawal, which quotes the same sentence." in body
    assert soup.select_one(f'a[href="../{ID}/"]') is not None
    index = page(site, "claims")
    assert index.select_one('#withdrawn') is not None
    assert index.select_one('a[href="kratom-cures-withdrawal/"]') is not None


def test_downloads_carry_the_research(site: Path) -> None:
    data = json.loads((site / "data/review.json").read_text(encoding="utf-8"))
    assert data["withdrawn"][0]["id"] == "kratom-cures-withdrawal"
    assert data["search_logs"][ID]["claim"] == ID
    assert data["second_reviews"][ID]["agreement"] == "agree"


def test_csl_download_carries_the_notice(site: Path) -> None:
    items = {i["id"]: i for i in json.loads((site / "data/references.json").read_text(encoding="utf-8"))}
    assert items["doe2021other"]["note"] == "Retracted 2024-05-31: https://journal.example.org/retraction-notice"
    assert "note" not in items["smith2020kratom"]
    assert items["smith2020kratom"]["title"] == "[A test title about kratom use]"


def test_certainty_section_names_the_body(site: Path) -> None:
    section = text(page(site, f"claims/{ID}").find(id="certainty").find_next("div"))
    assert section.startswith("The grade rests on observational studies , which start at low certainty.")  # text() spaces tags
