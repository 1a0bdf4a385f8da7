"""What a citer relies on: structured data, citation files that agree, charts that count right, redirects."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest
import rispy
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project
from kcr import check
from kcr.render.html import VERDICTS
from kcr.render.pagecite import framed_title

REVIEW = check.load(ROOT)
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]


def build(root: Path, out: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("citers")
    root = copy_project(base / "project")
    # a renamed claim: its old id must keep working
    rec = root / "claims" / "kratom-is-safer.yaml"
    rec.write_text(rec.read_text(encoding="utf-8").replace("\ntype:", "\nformer_ids:\n  - kratom-safer-option\ntype:", 1),
                   encoding="utf-8")
    build(root, base / "site")
    return base / "site"


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


CLAIMS = sorted(REVIEW.claims, key=lambda c: c.id)


def test_parameters_not_empty() -> None:
    assert len(CLAIMS) >= 20


def test_claimreview_jsonld_matches_the_page(site: Path) -> None:
    checked = 0
    for claim in CLAIMS:
        page = soup(site, f"claims/{claim.id}")
        blocks = page.select('script[type="application/ld+json"]')
        if not claim.data.get("checkable"):
            assert blocks == []
            continue
        assert len(blocks) == 1
        data = json.loads(blocks[0].string)
        assert data["@type"] == "ClaimReview" and data["@context"] == "https://schema.org"
        # the page is titled as a review of the claim; claimReviewed is the claim itself (schema.org's meaning)
        assert data["claimReviewed"] == claim.data["statement"]
        assert page.find("h1").get_text() == data["name"] == data["headline"] == \
            framed_title(claim.data["statement"], claim.data["verdict"])
        assert len(data["claimReviewed"]) < 75
        label, score = VERDICTS[claim.data["verdict"]]
        assert page.select_one(".kcr-verdict").get_text() == f"Verdict: {data['reviewRating']['alternateName']}"
        assert data["reviewRating"]["alternateName"] == label
        assert (data["reviewRating"]["ratingValue"], data["reviewRating"]["bestRating"], data["reviewRating"]["worstRating"]) == (score, 6, 1)
        assert data["url"] == f"{SITE_URL}claims/{claim.id}/"
        assert data["url"].startswith(SITE_URL)
        assert data["author"]["name"] and data["datePublished"] and data["itemReviewed"]["@type"] == "Claim"
        assert data["itemReviewed"]["appearance"]["name"]
        checked += 1
    assert checked >= 15


def test_scale_is_documented_on_the_methodology_page(site: Path) -> None:
    text = " ".join(soup(site, "methodology").get_text(" ").split())
    for label, score in VERDICTS.values():
        assert f"{score} {label}" in text
    assert "bestRating" in text and "worstRating" in text


def test_citation_meta_tags(site: Path) -> None:
    for claim in CLAIMS:
        page = soup(site, f"claims/{claim.id}")
        meta = {}
        for m in page.select('meta[name^="citation_"]'):
            meta.setdefault(m["name"], []).append(m["content"])
        assert meta["citation_title"] == [framed_title(claim.data["statement"], claim.data.get("verdict"))]
        # with the trailing comma Zotero saves one field, an organisation (tests/fixtures/zotero/after.json)
        assert meta["citation_author"] == ["Kratom Claims Review,"]
        assert meta["citation_technical_report_institution"] == ["Kratom Claims Review"]
        assert meta["citation_technical_report_number"] == [f"Version {claim.data['version']}"]
        assert meta["citation_publication_date"] == [claim.data["reviewed"].replace("-", "/")]
        assert meta["citation_public_url"] == [f"{SITE_URL}claims/{claim.id}/"]
        assert not page.select(".Z3988"), "no COinS on claim pages"


def test_citation_files_parse_and_agree(site: Path) -> None:
    for claim in CLAIMS:
        base = site / "data" / "cite" / claim.id
        url = f"{SITE_URL}claims/{claim.id}/"
        title, version = framed_title(claim.data["statement"], claim.data.get("verdict")), claim.data["version"]
        text = base.with_suffix(".txt").read_text(encoding="utf-8")
        assert title in text and url in text and f"(Version {version})" in text
        lib = bibtexparser.parse_string(base.with_suffix(".bib").read_text(encoding="utf-8"))
        assert not lib.failed_blocks and len(lib.entries) == 1
        entry = lib.entries[0]
        assert entry.entry_type == "techreport"
        assert entry["url"] == url and entry["year"] == claim.data["reviewed"][:4] and entry["date"] == claim.data["reviewed"]
        assert entry["title"] == "{" + title.replace("{", "(").replace("}", ")") + "}"
        assert (entry["number"], entry["type"], entry["author"]) == (f"Version {version}", "Claim review", "{Kratom Claims Review}")
        ris = rispy.loads(base.with_suffix(".ris").read_text(encoding="utf-8"))
        assert len(ris) == 1 and ris[0]["title"] == title and ris[0]["urls"] == [url]
        csl = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        assert csl[0]["title"] == title and csl[0]["URL"] == url and csl[0]["version"] == str(version)
        page = soup(site, f"claims/{claim.id}")
        assert page.select_one("#cite-txt").get_text() == text.strip()
        assert page.select_one("#cite-bib").get_text() == base.with_suffix(".bib").read_text(encoding="utf-8")
        for ext in ("txt", "bib", "ris", "json"):
            assert page.select_one(f'a[href="../../data/cite/{claim.id}.{ext}"][download]') is not None
            assert page.select_one(f'button.kcr-copy[data-copy="cite-{ext}"]') is not None


def test_downloads_parse_and_are_complete(site: Path) -> None:
    data = json.loads((site / "data" / "review.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in data["claims"]} == {c.id for c in CLAIMS}
    assert {r["key"] for r in data["references"]} == set(REVIEW.refs)
    csl = json.loads((site / "data" / "references.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in csl} == set(REVIEW.refs)
    assert all(i["title"] and i["author"] for i in csl)
    lib = bibtexparser.parse_string((site / "data" / "references.bib").read_text(encoding="utf-8"))
    assert {e.key for e in lib.entries} == set(REVIEW.refs) and not lib.failed_blocks
    home = soup(site, "")
    for name in ("review.json", "references.bib", "references.json"):
        assert home.select_one(f'a[href="data/{name}"]') is not None


def test_citation_cff_parses() -> None:
    import datetime

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["title"] and cff["authors"]
    # the same organisation as on every page, and a date, so "Cite this repository" is neither anonymous nor undated
    assert cff["authors"] == [{"name": "Kratom Claims Review"}]
    released = datetime.date.fromisoformat(str(cff["date-released"]))
    first_review = min(e["date"] for c in CLAIMS for e in c.data["changelog"])
    assert datetime.date.fromisoformat(first_review) <= released <= datetime.date.today()


def test_verdict_chart_counts_equal_records(site: Path) -> None:
    # the overview chart is an HTML table on the home page; every non-zero count links to the filtered index
    cells = soup(site, "").select("#kcr-matrix .kcr-cell")
    got = {(td["data-verdict"], td["data-certainty"]): int(td["data-count"]) for td in cells}
    want = Counter((c.data.get("verdict") or "none", (c.data.get("certainty") or {}).get("level") or "none") for c in CLAIMS)
    assert {k: v for k, v in got.items() if v} == dict(want)
    assert sum(got.values()) == len(CLAIMS)
    for td in cells:
        a = td.select_one("a")
        assert (a is not None) == (int(td["data-count"]) > 0)
        if a is not None and td["data-verdict"] != "none":
            assert a["href"] == f"claims/?verdict={td['data-verdict']}&certainty={td['data-certainty']}"


def test_evidence_map_counts_equal_records(site: Path) -> None:
    from kcr.render.charts import DESIGN_GROUPS

    items = soup(site, "evidence").select("#kcr-map .kcr-map-item")
    assert items
    got = Counter()
    for li in items:
        got[(li["data-claim"], int(li["data-design"]), li["data-stance"])] += int(li["data-count"])
        assert li.get_text().startswith(li["data-count"] + " " + DESIGN_GROUPS[int(li["data-design"])][0])
    want = Counter()
    for claim in CLAIMS:
        if claim.data.get("checkable"):
            for e in claim.data.get("evidence") or []:
                j = next(i for i, (_, designs) in enumerate(DESIGN_GROUPS) if e["design"] in designs)
                want[(claim.id, j, e["stance"])] += 1
    assert got == want


def test_claim_chart_counts_equal_records(site: Path) -> None:
    for claim in CLAIMS:
        bars = soup(site, f"claims/{claim.id}").select("svg.kcr-claim-chart g.kcr-bar")
        evidence = claim.data.get("evidence") or []
        assert sum(int(b["data-count"]) for b in bars) == len(evidence)
        for pop in ("human", "animal", "in-vitro", "none"):
            assert sum(int(b["data-count"]) for b in bars if b["data-population"] == pop) == \
                sum(1 for e in evidence if e["population"] == pop)


def test_renamed_claim_redirects(site: Path) -> None:
    old = (site / "claims" / "kratom-safer-option" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', old)
    assert m and m.group(1) == "../kratom-is-safer/"
    assert (site / "claims" / "kratom-safer-option" / m.group(1) / "index.html").resolve().exists()


def test_footer_shows_build_commit_and_date(site: Path) -> None:
    text = soup(site, "").select_one(".kcr-build").get_text()
    assert re.search(r"Build ([0-9a-f]{12}|unknown) · (\d{4}-\d{2}-\d{2}|unknown)", text)


def test_claim_page_sections_in_order(site: Path) -> None:
    page = soup(site, "claims/kratom-increases-dopamine")
    ids = [h.get("id") for h in page.select("article h2")]
    assert ids[:6] == ["claim", "bottom-line", "certainty", "evidence", "unknowns", "would-change"]
    assert ids.index("references") < ids.index("history") < ids.index("cite")
    assert page.select_one(".kcr-verdict-box .kcr-conclusion")
    marker = page.select_one("a.kcr-cite")
    assert marker["href"] == "#ref-1" and marker["title"]
    assert page.select_one('.kcr-quote a[href^="../../coverage/#s"]')
