"""Listing pages cut into pages for large reviews, with the claims index's filter and sort over every claim.

A synthetic review of 60 claims and 120 references is built with every listing cut at 20 rows
(``KCR_ROWS_PER_PAGE=20``, what ``render_all(per_page=...)`` does in-process):

* every listing's pages together hold every row exactly once, in the listing's order; each page has
  one pager (``nav[aria-label=Pages]``) whose links reach every page, the current one marked;
  every relative link on a further page reaches a built file;
* the claims index's data files hold every claim, none over the byte budget; they are fetched only
  when the reader filters or sorts, then the filter and the sort span all 60 claims, and the rows
  the script builds are the very rows the pages render;
* without script, page 1 lists its claims and the pager leads to page 2;
* no listing page is marked for the search index; a claim page's link to its sentence on the
  coverage listing reaches the page that shows that sentence;
* the real review (30 claims) still gets one page a listing, with no pager and no data file.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import ARGS, CHROMIUM, Server, require_browser
from conftest import ROOT
from kcr import check, generate, synthetic
from kcr.render import index_pages, pager
from kcr.render.sentences import article_order

N, REFS, PER_PAGE = 60, 120, 20
LISTINGS = ("claims", "references", "evidence", "coverage")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paged") / "project"
    synthetic.make(root, N, REFS, seed=0)
    return root


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    out = project.parent / "site"
    env = dict(os.environ, KCR_ROWS_PER_PAGE=str(PER_PAGE))
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(project), "build", "--site-dir", str(out)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def review(project: Path) -> check.Review:
    return check.load(project)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages_of(site: Path, listing: str) -> list[Path]:
    """The built pages of a listing, in order (index.html, page/2/index.html, …)."""
    found = [site / listing / "index.html"]
    k = 2
    while (site / listing / "page" / str(k) / "index.html").exists():
        found.append(site / listing / "page" / str(k) / "index.html")
        k += 1
    return found


def resolve(site: Path, page: Path, href: str) -> Path:
    """The file a relative link on ``page`` reaches (a folder address → its index.html)."""
    base = page.parent.relative_to(site).as_posix()
    target = posixpath.normpath(posixpath.join(base, href.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]))
    path = site / target
    return path / "index.html" if path.is_dir() else path


# --- the pages, without a browser ------------------------------------------------------------------

def test_the_real_review_keeps_one_page_a_listing_without_pager() -> None:
    out = generate.render_all(check.load(ROOT))
    assert not [p for p in out.pages if "/page/" in p or p.startswith(index_pages.CLAIMS_DATA)]
    for listing in LISTINGS:
        text = out.pages[f"{listing}/index.md"]
        assert isinstance(text, str) and "kcr-pager" not in text and "data-chunks" not in text


def test_every_listing_is_cut_into_pages_that_hold_every_row_once(site: Path, review: check.Review) -> None:
    expect = {
        "claims": [f"{c.id}/" for c in article_order(review)],
        "references": sorted(review.refs),
        "evidence": [c.id for c in article_order(review) if c.data.get("checkable")],
    }
    for listing in LISTINGS:
        pages = pages_of(site, listing)
        assert len(pages) >= 2, listing
        seen: list[str] = []
        for k, path in enumerate(pages, start=1):
            doc = soup(path)
            if listing == "claims":
                rows = doc.select("#kcr-claims tbody tr td:first-child a")
                assert len(rows) <= PER_PAGE
                seen += [posixpath.relpath(posixpath.normpath(posixpath.join(
                    path.parent.relative_to(site).as_posix(), a["href"])), "claims") + "/" for a in rows]
            elif listing == "references":
                items = doc.select("ol.kcr-references > li")
                assert len(items) <= PER_PAGE
                seen += [li["id"] for li in items]
            elif listing == "evidence":
                items = doc.select("#kcr-map tbody tr")
                assert len(items) <= PER_PAGE
                seen += [tr.select_one("th a")["href"].rstrip("/").rsplit("/", 1)[1] for tr in items]
            else:
                seen += [p["id"] for p in doc.select(".kcr-coverage .kcr-sentence")]
            navs = doc.select('nav[aria-label="Pages"]')
            assert len(navs) == 1, f"{path}: one pager"
            numbered = navs[0].select("ol a")
            assert [a.get_text() for a in numbered] == [str(j) for j in range(1, len(pages) + 1)]
            assert [resolve(site, path, a["href"]) for a in numbered] == pages
            assert [a.get_text() for a in navs[0].select('a[aria-current="page"]')] == [str(k)]
            prev, nxt = navs[0].select_one('a[rel="prev"]'), navs[0].select_one('a[rel="next"]')
            assert (prev is None) == (k == 1) and (nxt is None) == (k == len(pages))
            if prev:
                assert resolve(site, path, prev["href"]) == pages[k - 2]
            if nxt:
                assert resolve(site, path, nxt["href"]) == pages[k]
            # every relative link of the page's content reaches a built file
            for a in doc.select("article a[href]"):
                href = a["href"]
                if not href.startswith(("http", "#", "mailto:")):
                    assert resolve(site, path, href).exists(), f"{path}: {href}"
        if listing in expect:
            assert seen == expect[listing], listing
        else:
            n_sentences = sum(1 for s in review.article.sentences if not s.heading)
            assert seen == [f"s{n}" for n in range(1, n_sentences + 1)]


def test_claims_data_files_hold_every_claim_and_stay_under_the_budget(site: Path, review: check.Review,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    table = soup(site / "claims" / "page" / "2" / "index.html").select_one("#kcr-claims")
    files = [resolve(site, site / "claims" / "page" / "2" / "index.html", u) for u in table["data-chunks"].split()]
    rows = [r for f in files for r in json.loads(f.read_text(encoding="utf-8"))["rows"]]
    assert [r[1] for r in rows] == [c.id for c in article_order(review)]
    assert int(table["data-total"]) == N
    # a small byte budget cuts them into several files, none over it
    monkeypatch.setattr(index_pages, "CHUNK_BUDGET", 2_000)
    out = index_pages.claims_index(review, PER_PAGE)
    chunks = [v for k, v in out.items() if k.startswith(index_pages.CLAIMS_DATA)]
    assert len(chunks) > 3 and all(len(c.encode()) <= 2_000 for c in chunks)
    assert sum(len(json.loads(c)["rows"]) for c in chunks) == N


def test_listing_pages_are_not_indexed_for_search(site: Path) -> None:
    for listing in LISTINGS:
        for path in pages_of(site, listing):
            assert "data-pagefind-body" not in path.read_text(encoding="utf-8"), path
    assert "data-pagefind-body" in (site / "methodology" / "index.html").read_text(encoding="utf-8")


def test_a_claim_page_links_to_its_sentence_on_the_coverage_page_that_shows_it(site: Path, review: check.Review) -> None:
    checked = 0
    for c in review.claims:
        path = site / "claims" / c.id / "index.html"
        for a in soup(path).select('.kcr-where a[href*="coverage/"]'):
            target = resolve(site, path, a["href"])
            anchor = a["href"].split("#")[1]
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (c.id, a["href"])
            checked += "/page/" in a["href"]
    assert checked > 0, "some sentences are on further pages"


def test_coverage_lists_each_claim_once_a_sentence_in_the_claims_order(review: check.Review) -> None:
    # the listing's definition, written out plainly: claims in the listing's order, each once a sentence
    # however many of its quotes overlap that sentence (the function keeps track by identity, for speed)
    review = copy.deepcopy(review)
    assert review.article is not None
    first = review.claims[0]
    first.data["quotes"] = [*first.data["quotes"], dict(first.data["quotes"][0])]  # one sentence quoted twice
    want: dict[int, list[str]] = {}
    for c in index_pages._sorted_claims(review):
        for q in c.data.get("quotes") or []:
            for s in review.article.sentences_for(q["text"]):
                if c.id not in want.setdefault(s.number, []):
                    want[s.number].append(c.id)
    got = {n: [c.id for c in cs] for n, cs in index_pages.coverage(review).items()}
    assert got == want
    assert any(len(cs) > 1 for cs in got.values())


def test_pages_split_by_rows_and_bytes() -> None:
    assert pager.split([10] * 5, 2) == [range(2), range(2, 4), range(4, 5)]
    assert pager.split([10, 10, 10], 100, budget=25) == [range(2), range(2, 3)]
    assert pager.split([50, 10], 100, budget=25) == [range(1), range(1, 2)]  # a large row: a page of its own
    assert pager.split([], 10) == [range(0)]


# --- in Chromium ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Server]:
    require_browser()
    srv = Server(site)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def browser(server: Server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.requests = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def wait_for_every_claim(page) -> None:
    """Until the table holds every claim (the page's CSP forbids evaluating strings: no wait_for_function)."""
    page.locator(f"#kcr-claims tbody tr >> nth={N - 1}").wait_for(state="attached")
    assert page.locator("#kcr-claims tbody tr").count() == N


def visible_ids(page) -> list[str]:
    return page.locator("#kcr-claims tbody tr:not([hidden]) td:first-child a").evaluate_all(
        "as => as.map(a => new URL(a.href).pathname.split('/').filter(Boolean).pop())")


def test_without_script_page_one_lists_its_claims_and_the_pager_leads_on(browser, server: Server,
                                                                        review: check.Review) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "claims/")
    assert visible_ids(page) == [c.id for c in article_order(review)][:PER_PAGE]
    page.click('nav[aria-label="Pages"] a[rel="next"]')
    page.wait_for_url("**/claims/page/2/")
    assert visible_ids(page) == [c.id for c in article_order(review)][PER_PAGE:2 * PER_PAGE]
    page.click("#kcr-claims tbody tr td:first-child a >> nth=0")
    page.wait_for_url(f"**/claims/{article_order(review)[PER_PAGE].id}/")
    context.close()


def test_filter_and_sort_span_every_page(tab, server: Server, review: check.Review) -> None:
    tab.goto(server.url + "claims/page/2/")
    tab.wait_for_load_state("networkidle")
    assert not [u for u in tab.requests if "claims-index" in u], "no data fetched while the page opens"
    assert tab.locator(".kcr-count").inner_text() == f"{PER_PAGE} of {N} claims shown"
    verdict = "unsupported"
    want = [c.id for c in article_order(review) if (c.data.get("verdict") or "none") == verdict]
    assert len(want) > 0 and set(want) - set(visible_ids(tab)), "the filter must reach claims of other pages"
    tab.select_option('select[data-filter="verdict"]', verdict)
    wait_for_every_claim(tab)
    assert visible_ids(tab) == want
    assert tab.locator(".kcr-count").inner_text() == f"{len(want)} of {N} claims shown"
    assert tab.url.endswith(f"claims/page/2/?verdict={verdict}")
    assert tab.locator('nav[aria-label="Pages"]').is_hidden()
    tab.select_option('select[data-filter="verdict"]', "")
    tab.click("#kcr-claims th:has-text('References')")
    values = tab.locator("#kcr-claims tbody tr td:nth-child(6)").evaluate_all("tds => tds.map(t => +t.dataset.value)")
    assert len(values) == N and values == sorted(values)
    assert values == sorted(len({e["ref"] for e in c.data.get("evidence") or []}) for c in review.claims)
    # a built row's link opens its claim
    first = visible_ids(tab)[0]
    tab.click("#kcr-claims tbody tr td:first-child a >> nth=0")
    tab.wait_for_url(f"**/claims/{first}/")
    assert tab.errors == []


def test_first_sort_on_page_one_loads_every_claim_and_sorts_them(tab, server: Server, review: check.Review) -> None:
    tab.goto(server.url + "claims/")
    tab.click("#kcr-claims th:has-text('Verdict')")
    wait_for_every_claim(tab)
    values = tab.locator("#kcr-claims tbody tr td:nth-child(2)").evaluate_all("tds => tds.map(t => +t.dataset.value)")
    assert values == sorted(values) and len(values) == N
    assert tab.locator("#kcr-claims th[aria-sort=ascending]").inner_text().startswith("Verdict")
    assert tab.errors == []


def test_more_claims_than_a_window_are_listed_a_window_at_a_time(tab, server: Server, review: check.Review) -> None:
    # thousands of claims: a sort or filter lists the first window of them (500), "Show N more" the next;
    # the table's data-window (here 25 of the 60 claims) stands in for the 500
    tab.goto(server.url + "claims/")
    tab.locator("#kcr-claims").evaluate("t => { t.dataset.window = '25'; }")
    tab.click("#kcr-claims th:has-text('References')")
    refs = sorted((len({e["ref"] for e in c.data.get("evidence") or []}), i)
                  for i, c in enumerate(article_order(review)))
    values = lambda: tab.locator("#kcr-claims tbody tr td:nth-child(6)").evaluate_all(  # noqa: E731
        "tds => tds.map(t => +t.dataset.value)")
    tab.locator("#kcr-claims tbody tr >> nth=24").wait_for(state="attached")
    assert values() == [n for n, _ in refs][:25], "the 25 with fewest references of all 60, in order"
    assert tab.locator(".kcr-count").inner_text() == f"Showing 25 of {N} claims"
    more = tab.locator("button.kcr-more")
    assert more.inner_text() == "Show 25 more"
    more.click()
    assert values() == [n for n, _ in refs][:50]
    assert more.inner_text() == "Show 10 more"
    more.click()
    assert values() == [n for n, _ in refs] and more.is_hidden()
    assert tab.locator(".kcr-count").inner_text() == f"{N} of {N} claims shown"
    # a filter starts again from the first window of the claims it keeps, in the sorted order
    verdict = "unsupported"
    want = [c for c in article_order(review) if (c.data.get("verdict") or "none") == verdict]
    tab.select_option('select[data-filter="verdict"]', verdict)
    shown = min(25, len(want))
    assert len(visible_ids(tab)) == shown
    if len(want) > 25:
        assert tab.locator(".kcr-count").inner_text() == f"Showing 25 of {len(want)} matching claims ({N} in all)"
        assert more.is_visible()
    assert set(visible_ids(tab)) <= {c.id for c in want}
    assert tab.errors == []


def test_the_show_more_button_passes_axe_on_a_phone_in_light_and_dark(browser, server: Server) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True,
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(server.url + "claims/")
        page.locator("#kcr-claims").evaluate("t => { t.dataset.window = '25'; }")
        page.click("#kcr-claims th:has-text('References')")
        more = page.locator("button.kcr-more")
        more.wait_for()
        box = more.bounding_box()
        assert box and box["height"] >= 24 and box["width"] >= 24  # WCAG 2.5.8 target size
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.hover("#kcr-claims tbody tr td:first-child a >> nth=0")  # a link under the pointer keeps its contrast
        found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]} {v['nodes'][0].get('failureSummary')}"
                 for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        context.close()
        assert found == [], scheme


def test_script_builds_the_rows_the_pages_render(tab, server: Server) -> None:
    tab.goto(server.url + "claims/")
    rendered = tab.locator("#kcr-claims tbody tr").evaluate_all("rs => rs.map(r => r.outerHTML)")
    assert len(rendered) == PER_PAGE
    tab.select_option('select[data-filter="type"]', index=1)  # loads every claim
    wait_for_every_claim(tab)
    tab.select_option('select[data-filter="type"]', "")
    built = tab.locator("#kcr-claims tbody tr").evaluate_all("rs => rs.map(r => r.outerHTML)")
    assert built[:PER_PAGE] == rendered


def test_a_filter_in_the_address_spans_every_page(tab, server: Server, review: check.Review) -> None:
    tab.goto(server.url + "claims/?verdict=inaccurate#certainty=")
    want = [c.id for c in article_order(review) if c.data.get("verdict") == "inaccurate"]
    wait_for_every_claim(tab)
    assert visible_ids(tab) == want and want
    assert tab.locator(".kcr-count").inner_text() == f"{len(want)} of {N} claims shown"


def test_later_pages_are_cards_on_a_phone_and_pass_axe(browser, server: Server) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    found = []
    for rel in ("claims/page/2/", "references/page/2/", "evidence/page/2/", "coverage/page/2/"):
        page.goto(server.url + rel)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, rel
        box = page.locator('nav[aria-label="Pages"] a[aria-current="page"]').bounding_box()
        assert box and box["height"] >= 24 and box["width"] >= 24, rel  # WCAG 2.5.8 target size
        found += [f"{rel}: {v['id']} ({v['impact']})" for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    page.goto(server.url + "claims/page/2/")
    assert page.locator("#kcr-claims tbody tr").first.evaluate("r => getComputedStyle(r).display") == "flex"
    context.close()
    assert found == []


def test_rows_per_page_comes_from_the_parameter_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pager.ENV, raising=False)
    assert pager.rows_per_page("claims") == pager.ROWS["claims"]
    assert pager.rows_per_page("claims", 7) == 7
    monkeypatch.setenv(pager.ENV, "20")
    assert pager.rows_per_page("evidence") == 20
