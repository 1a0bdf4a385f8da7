"""The built site in a real browser: Playwright driving Debian's Chromium.

Skipped where Chromium is not installed; `.ci/run` installs it and sets
KCR_REQUIRE_BROWSER=1, so in CI a missing browser fails instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from browser import ARGS, CHROMIUM, Server, build, copy_project, require_browser
from conftest import ROOT
from kcr import check

REVIEW = check.load(ROOT)
PAGES = ["", "claims/", "claims/kratom-increases-dopamine/", "claims/safe-use-is-essential/", "coverage/",
         "evidence/", "references/", "references/singh2014kratom/", "methodology/"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()
    base = tmp_path_factory.mktemp("browser")
    build(copy_project(base / "project"), base / "site")
    srv = Server(base / "site")
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
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    context.close()


def test_pages_load_without_console_errors(server: Server, page) -> None:
    for rel in PAGES:
        page.goto(server.url + rel)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible()
    assert page.errors == []


def test_home_page_shows_the_verdict_chart(server: Server, page) -> None:
    # the overview chart is an HTML table (it was an <img> of an SVG, whose cells could not be links)
    page.goto(server.url)
    chart = page.locator("#kcr-matrix")
    chart.wait_for()
    assert chart.is_visible()
    assert page.locator("#kcr-matrix td.kcr-cell a").count() > 0


def test_claims_index_filters_and_sorts(server: Server, page) -> None:
    page.goto(server.url + "claims/")
    rows = page.locator("#kcr-claims tbody tr")
    assert rows.count() == len(REVIEW.claims)
    page.select_option('select[data-filter="verdict"]', "unsupported")
    want = sum(1 for c in REVIEW.claims if c.data.get("verdict") == "unsupported")
    assert page.locator("#kcr-claims tbody tr:not([hidden])").count() == want > 0
    assert page.locator(".kcr-count").inner_text() == f"{want} of {len(REVIEW.claims)} claims shown"
    page.select_option('select[data-filter="topic"]', "pharmacology")
    both = sum(1 for c in REVIEW.claims if c.data.get("verdict") == "unsupported" and c.data["topic"] == "pharmacology")
    assert page.locator("#kcr-claims tbody tr:not([hidden])").count() == both
    page.select_option('select[data-filter="verdict"]', "")
    page.select_option('select[data-filter="topic"]', "")
    page.click("th:has-text('Verdict')")
    values = page.locator("#kcr-claims tbody tr td:nth-child(2)").evaluate_all("tds => tds.map(t => +t.dataset.value)")
    assert values == sorted(values)
    page.click("th:has-text('Verdict')")
    values = page.locator("#kcr-claims tbody tr td:nth-child(2)").evaluate_all("tds => tds.map(t => +t.dataset.value)")
    assert values == sorted(values, reverse=True)


def test_claim_page_verdict_and_reference_hover(server: Server, page) -> None:
    page.goto(server.url + "claims/kratom-increases-dopamine/")
    record = yaml.safe_load((ROOT / "claims/kratom-increases-dopamine.yaml").read_text(encoding="utf-8"))
    expected = "Verdict: " + record["verdict"].replace("-", " ").capitalize()
    assert page.locator(".kcr-verdict").inner_text() == expected
    marker = page.locator("a.kcr-cite").first
    assert marker.get_attribute("title")
    marker.click()
    assert page.url.endswith("#ref-1")


def test_search_finds_a_claim_by_a_word_of_its_quote(server: Server, page) -> None:
    page.goto(server.url)
    page.wait_for_load_state("networkidle")
    results = page.locator(".md-search-result__item a")
    for _ in range(10):  # typing before the search worker has loaded its index is ignored: type again
        page.fill("input.md-search__input", "paramount")
        page.keyboard.press("End")
        try:
            results.first.wait_for(timeout=1_500)
            break
        except Exception:
            page.fill("input.md-search__input", "")
    results.first.wait_for(timeout=5_000)
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert any("claims/kratom-reduces-cravings" in h or "claims/safe-use-is-essential" in h for h in hrefs), hrefs


def test_copy_citation_button(server: Server, browser) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server.url + "claims/kratom-is-safer/")
    page.click(".kcr-cite-more > summary")  # BibTeX, RIS and CSL-JSON are one click away
    page.click('button[data-copy="cite-bib"]')
    page.wait_for_function("document.querySelector('button[data-copy=\"cite-bib\"]').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-bib").text_content()
    assert copied.startswith("@techreport{kcr-kratom-is-safer-v")
    context.close()


def test_dark_mode_toggle(server: Server, page) -> None:
    page.goto(server.url + "claims/kratom-is-safer/")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click('label[title="Switch to dark mode"]')
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"


def test_mobile_viewport_has_no_sideways_scroll(server: Server, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    for rel in ("", "claims/", "claims/kratom-increases-dopamine/", "coverage/"):
        page.goto(server.url + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{rel} is {width}px wide on a 375px screen"
    context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_serious_accessibility_violations(server: Server, page, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    for rel in PAGES:
        page.goto(server.url + rel)
        if page.get_attribute("body", "data-md-color-scheme") != scheme:
            page.click('label[title="Switch to dark mode"]')
            page.wait_for_timeout(600)  # the theme animates the colour change
        results = axe.run(page)
        found.extend(f"{rel or 'home'}: {v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:150]}"
                     for v in results.response["violations"] if v["impact"] in ("serious", "critical")
                     for node in v["nodes"])
    assert found == []
