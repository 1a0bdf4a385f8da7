"""Cite this page in a real browser: one format in view, the rest one click away, the reader's day as the
accessed date, nothing of it on paper; the link-preview image loads."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from browser import ARGS, CHROMIUM, Server, build, copy_project, require_browser

CLAIM = "claims/kratom-is-safer/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()
    base = tmp_path_factory.mktemp("citers-browser")
    with pytest.MonkeyPatch.context() as mp:  # a copy has no git history: give the build its date
        mp.setenv("SOURCE_DATE_EPOCH", "1764547200")
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


def test_cite_block_one_format_in_view_the_rest_one_click_away(server: Server, browser) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + CLAIM)
    assert page.locator("#cite-txt").is_visible()
    for ident in ("cite-bib", "cite-ris", "cite-json"):
        assert not page.locator(f"#{ident}").is_visible()
    page.click(".kcr-cite-more > summary")
    for ident in ("cite-bib", "cite-ris", "cite-json"):
        assert page.locator(f"#{ident}").is_visible()
    assert errors == []
    page.close()


def test_accessed_date_is_the_readers_day(server: Server, browser) -> None:
    page = browser.new_page()
    page.goto(server.url + CLAIM)
    page.wait_for_load_state("load")
    today = datetime.date.fromisoformat(page.evaluate(
        "(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0')"
        " + '-' + String(d.getDate()).padStart(2, '0'); })()"))
    long = f"{today:%B} {today.day}, {today.year}"
    assert page.locator("#cite-txt").text_content().endswith(f"Retrieved {long}, from "
                                                             "https://kratom-claims-review.github.io/kratom-claims-review/claims/kratom-is-safer/")
    assert f"urldate     = {{{today.isoformat()}}}," in page.locator("#cite-bib").text_content()
    assert f"Y2  - {today:%Y/%m/%d}\n" in page.locator("#cite-ris").text_content()
    csl = page.locator("#cite-json").text_content()
    import json

    assert json.loads(csl)[0]["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    page.close()


def test_cite_block_is_not_printed(server: Server, browser) -> None:
    page = browser.new_page()
    page.goto(server.url + CLAIM)
    page.emulate_media(media="print")
    assert not page.locator("section.kcr-cite").is_visible()
    assert not page.locator("#cite").is_visible()
    assert page.locator("h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("#cite").is_visible()
    page.close()


def test_preview_image_loads(server: Server, browser) -> None:
    page = browser.new_page()
    page.goto(server.url + CLAIM)
    url = page.locator('meta[property="og:image"]').get_attribute("content")
    local = server.url + url.split("/kratom-claims-review/", 1)[1]
    page.goto(local)
    size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [1200, 630]
    page.close()
