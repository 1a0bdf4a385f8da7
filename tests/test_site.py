"""One strict build of the real site into a temp folder, then assertions on the HTML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project
from kcr import check
from kcr.render.pagecite import framed_title

REVIEW = check.load(ROOT)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("build")
    dst = copy_project(base / "real")
    out = base / "site"
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(dst), "build", "--site-dir", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_parameter_sets_are_not_empty() -> None:
    assert REVIEW.claims and REVIEW.refs


def test_every_claim_has_a_page(site: Path) -> None:
    for claim in REVIEW.claims:
        soup = page(site, f"claims/{claim.id}")
        # titled as a review of the claim, never the bare claim (pagecite.framed_title)
        assert soup.find("h1").get_text() == framed_title(claim.data["statement"], claim.data.get("verdict"))
        text = soup.get_text(" ")
        assert "Not medical advice" in text
        for q in claim.data["quotes"]:
            assert " ".join(q["text"].split()) in " ".join(text.split())
        edit = soup.select_one("a.md-content__button[href]")
        assert edit is not None and edit["href"].endswith(f"/edit/main/claims/{claim.id}.yaml")


def test_claim_pages_show_verdict_certainty_and_numbered_references(site: Path) -> None:
    for claim in REVIEW.claims:
        soup = page(site, f"claims/{claim.id}")
        verdict = soup.select_one(".kcr-verdict").get_text()
        if claim.data.get("checkable"):
            assert verdict.startswith("Verdict: ")
            assert soup.select_one(".kcr-certainty") is not None
            refs = soup.select("ol.kcr-references > li")
            cited = {e["ref"] for e in claim.data["evidence"]}
            assert len(refs) == len(cited)
            for li in refs:
                assert li.select_one("a.kcr-doi, a.kcr-pmid, a[rel]") is not None
        else:
            assert verdict == "Not checkable"


def test_every_reference_appears(site: Path) -> None:
    index = page(site, "references").get_text(" ")
    for key, ref in REVIEW.refs.items():
        soup = page(site, f"references/{key}")
        assert soup.find("h1") is not None
        assert f"Citation key: {key}" in " ".join(soup.get_text(" ").split())
        # the citation style may change a title's capitalisation, never its words
        title = " ".join(ref.get("title").replace("{", "").replace("}", "").split())[:40].lower()
        assert title in " ".join(index.split()).lower()


def test_claims_index_lists_every_claim(site: Path) -> None:
    rows = page(site, "claims").select("#kcr-claims tbody tr")
    assert len(rows) == len(REVIEW.claims)


def test_claim_pages_stay_out_of_the_navigation(site: Path) -> None:
    soup = page(site, "claims/kratom-increases-dopamine")
    nav_links = [a["href"] for a in soup.select("nav.md-nav--primary a[href]")]
    ids = {c.id for c in REVIEW.claims}
    assert not [h for h in nav_links if h.rstrip("/").rsplit("/", 1)[-1] in ids]
    assert len(nav_links) < 10


def test_build_refuses_invalid_records(real_copy: Path, tmp_path: Path) -> None:
    f = real_copy / "claims" / "kratom-reduces-cravings.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("verdict: ", "verdict: nonsense-", 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(real_copy), "build", "--site-dir",
                           str(tmp_path / "s")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "claims/kratom-reduces-cravings.yaml:" in proc.stdout
    assert "is not an allowed value" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    from urllib.parse import unquote, urldefrag, urljoin, urlsplit

    ids: dict[Path, set[str]] = {}

    def anchors(target: Path) -> set[str]:
        if target not in ids:
            s = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
            ids[target] = {t["id"] for t in s.select("[id]")} | {t["name"] for t in s.select("a[name]")}
        return ids[target]

    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":  # served from any depth, so the theme writes absolute paths under site_url
            continue
        base = "http://x/" + rel
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.select("a[href], link[href], img[src], script[src]"):
            url = tag.get("href") or tag.get("src")
            if url.startswith(("http://", "https://", "mailto:")) and not url.startswith("http://x/"):
                continue
            absolute, fragment = urldefrag(urljoin(base, url))
            target = site / unquote(urlsplit(absolute).path.lstrip("/"))
            if target.is_dir() or absolute.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{rel}: {url}")
            elif fragment and target.suffix == ".html" and fragment not in anchors(target):
                broken.append(f"{rel}: {url} (no #{fragment})")
    assert broken == []
