"""The site search (Pagefind behind the header's search box) in Chromium, and what a rebuild reuses.

* Nothing of the index is fetched while a page opens; a query fetches the
  library and only the chunks it needs, finds claims by a word of their quotes,
  and the box passes axe in light and dark mode.
* Text from the records reaches the results as text: a payload in a bottom
  line is shown, never run.
* ``kcr build`` after one record changed renders only that record's pages and
  gives the same site as a clean build.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import ARGS, CHROMIUM, Server, build, copy_project, require_browser

PAYLOAD = '<img src=x onerror="alert(1)">'
WORD = "zanzibarquokka"  # a word no page has, put into one bottom line


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_browser()
    base = tmp_path_factory.mktemp("search")
    root = copy_project(base / "project")
    record = root / "claims" / "kratom-is-safer.yaml"
    text = record.read_text(encoding="utf-8")
    assert "\nbottom_line: " in text
    record.write_text(text.replace("\nbottom_line: ", f"\nbottom_line: '{WORD} {PAYLOAD}' # was: ", 1)
                      if "\nbottom_line: >" not in text else
                      text.replace("\nbottom_line: >-\n", f"\nbottom_line: >-\n  {WORD} {PAYLOAD}\n", 1), encoding="utf-8")
    build(root, base / "site")
    return base / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Server]:
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


class Tab:
    """A page that records its requests, console errors, dialogs and policy violations."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.add_init_script("document.addEventListener('securitypolicyviolation', "
                                  "e => console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")

    def search(self, query: str) -> list[str]:
        self.page.fill("input.md-search__input", query)
        results = self.page.locator(".md-search-result__item a")
        results.first.wait_for(timeout=20_000)
        return results.evaluate_all("links => links.map(a => a.href)")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    t = Tab(browser)
    yield t
    t.close()


def test_search_finds_a_claim_and_fetches_only_what_the_query_needs(server: Server, tab: Tab) -> None:
    tab.page.goto(server.url + "claims/kratom-increases-dopamine/")
    tab.page.wait_for_load_state("networkidle")
    assert not [u for u in tab.requests if "pagefind" in u or "search_index" in u], "nothing fetched before a query"
    hrefs = tab.search("paramount")  # a word of two claims' quotes
    assert any("claims/kratom-reduces-cravings/" in h for h in hrefs), hrefs
    assert any("claims/safe-use-is-essential/" in h for h in hrefs), hrefs
    tab.page.wait_for_load_state("networkidle")
    fetched = [u for u in tab.requests if "/assets/pagefind/" in u]
    assert any("/index/" in u for u in fetched) and any("/fragment/" in u for u in fetched)
    assert not [u for u in tab.requests if "search_index" in u], "Material's whole index is never fetched"
    assert tab.page.locator(".md-search-result__meta").inner_text() == f"{len(hrefs)} matching documents"
    tab.page.keyboard.press("Enter")  # the first result; the pages allow no form submission
    tab.page.wait_for_url("**/claims/*/")
    assert tab.errors == []


def test_record_text_in_results_is_shown_never_run(server: Server, tab: Tab) -> None:
    tab.page.goto(server.url)
    hrefs = tab.search(WORD)
    assert len(hrefs) == 1 and hrefs[0].endswith("claims/kratom-is-safer/")
    teaser = tab.page.locator(".md-search-result__teaser").first
    assert teaser.locator("mark").first.inner_text() == WORD
    assert PAYLOAD.split(" ", maxsplit=1)[0] in teaser.inner_text()  # as text
    assert teaser.locator("img").count() == 0
    tab.page.wait_for_timeout(500)
    assert tab.dialogs == [] and tab.errors == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_search_box_and_results_are_accessible(server: Server, tab: Tab, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab.page.goto(server.url + "claims/")
    if tab.page.get_attribute("body", "data-md-color-scheme") != scheme:
        tab.page.click('label[title="Switch to dark mode"]')
        tab.page.wait_for_timeout(600)  # the theme animates the colour change
    tab.search("kratom")
    assert tab.page.locator(".md-search__output").is_visible()
    found = [f"{v['id']} ({v['impact']}): {n['target']}" for v in Axe().run(tab.page).response["violations"]
             if v["impact"] in ("serious", "critical") for n in v["nodes"]]
    assert found == []
    tab.page.keyboard.press("Escape")
    assert not tab.page.locator("#__search").is_checked()


def test_a_rebuild_after_one_change_renders_only_it_and_equals_a_clean_build(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    root = copy_project(tmp_path / "project")
    site, clean = tmp_path / "site", tmp_path / "clean"
    first = build(root, site)
    assert "Rebuilding only" not in first.stderr  # a folder built for the first time is built in full
    record = root / "claims" / "kratom-is-safer.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("\nconclusion: ", "\nconclusion: Edited. ", 1),
                      encoding="utf-8")
    again = build(root, site)
    assert "Rebuilding only the pages whose source changed" in again.stderr
    assert "Edited." in (site / "claims" / "kratom-is-safer" / "index.html").read_text(encoding="utf-8")
    assert "Rebuilding only" not in build(root, clean).stderr

    def pages(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and "pagefind" not in p.as_posix()}

    a, b = pages(site), pages(clean)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_the_index_fed_page_by_page_holds_what_pagefind_reads_from_the_folder(site: Path, tmp_path: Path) -> None:
    """A full build hands each page to Pagefind as it is written (kcr.search.Streaming); Pagefind reading the
    built folder (kcr.search.index, as after a dirty build) finds the same pages with the same content."""
    import json
    import shutil

    from kcr import search

    again = tmp_path / "site"
    shutil.copytree(site, again)
    search.index(again)

    def summary(folder: Path) -> tuple[int, list[str]]:
        out = folder / search.OUTPUT
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
        # a fragment is one page's content, named by its hash: the same pages give the same names
        return entry["languages"]["en"]["page_count"], sorted(p.name for p in (out / "fragment").iterdir())

    streamed, read = summary(site), summary(again)
    assert streamed[0] > 50
    assert streamed == read
