"""The Content-Security-Policy on the real site: the allow-list matches what the theme and project emit,
every page carries the policy first, and the theme still works under it in Chromium with no violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from browser import ARGS, CHROMIUM, Server, build, copy_project, require_browser
from kcr import csp, scan, site_allowlist


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("csp")
    build(copy_project(base / "project"), base / "site")
    return base / "site"


def test_the_allow_list_matches_what_the_site_emits(site: Path) -> None:
    """When the theme or a template changes its inline code, this names each new and each unused hash."""
    emitted = scan.collect(site)
    listed = {name: getattr(site_allowlist, name) for name in emitted}
    problems = []
    for name, found in emitted.items():
        for key, value in found.items():
            if name == "FILES":
                if listed[name].get(key) != value:
                    problems.append(f"{name}: {key} is now {value}")
            elif key not in listed[name]:
                problems.append(f"{name}: new {key}: {' '.join(value.split())[:80]!r}")
        problems.extend(f"{name}: {key} is in the allow-list but no page emits it any more"
                        for key in listed[name] if key not in found)
    assert problems == [], ("\n".join(problems) + "\nIf the change is intended: kcr build --site-dir site; "
                            "review `kcr allowlist site`; then `kcr allowlist --write site`")


def test_every_page_carries_its_policy_first_in_head(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        html = path.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        first = head.index('<meta http-equiv="Content-Security-Policy"')
        assert head.index('<meta charset="utf-8">') < first, path
        assert all(first < head.index(t) for t in ("<script", "<style", "<link rel=\"stylesheet\"") if t in head), path
        policy = html[first:].split('content="', 1)[1].split('"', 1)[0]
        assert policy == csp.policy_for(LexborHTMLParser(html)), path
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        # every inline script that runs on the page is named by its exact hash, and nothing else is
        scripts = {csp.digest(t) for k, t, _ in csp.inline_items(LexborHTMLParser(html)) if k == "script"}
        sources = policy.split("script-src ", 1)[1].split(";", 1)[0].split()
        named = {s.strip("'") for s in sources if s.startswith("'sha256-")}
        assert named == scripts, path
        # besides the hashes: the site itself, and compiling WebAssembly (the search index's reader)
        assert [s for s in sources if not s.startswith("'sha256-")] == ["'self'", "'wasm-unsafe-eval'"], path
    assert scan.scan(site) == []


# records CSP violations from the first moment of every page (Playwright runs this outside the page's policy)
LISTEN = """
window.__kcrViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__kcrViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));
"""
PAGES = ["", "claims/", "claims/kratom-increases-dopamine/", "claims/kratom-is-safer/", "coverage/", "evidence/",
         "references/", "references/singh2014kratom/", "methodology/"]  # 404.html loads its assets from the real site_url


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Server]:
    require_browser()
    srv = Server(site)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def chromium(server: Server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A browser context whose pages record CSP violations and console errors."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.violations: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def harvest(self) -> None:
        self.violations += self.page.evaluate("window.__kcrViolations.splice(0)")

    def goto(self, url: str) -> None:
        if self.page.url.startswith("http"):
            self.harvest()
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.harvest()
        self.context.close()


def test_the_policy_is_enforced_and_the_listener_sees_a_violation(server: Server, chromium) -> None:
    """The control for the tests below: an inline script added to a page is refused, and reported."""
    w = Watched(chromium)
    w.goto(server.url + "claims/")
    ran = w.page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__kcrRan = true'; document.head.appendChild(s); return !!window.__kcrRan; }""")
    w.page.wait_for_timeout(100)
    w.close()
    assert ran is False
    assert len(w.violations) == 1 and w.violations[0].startswith("script-src-elem inline"), w.violations


def test_normal_pages_load_without_a_violation(server: Server, chromium) -> None:
    w = Watched(chromium)
    for rel in PAGES:
        w.goto(server.url + rel)
        assert w.page.locator("h1").first.is_visible(), rel
        assert w.page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1, rel
    w.close()
    assert w.violations == [] and w.errors == []


def test_search_works_under_the_policy(server: Server, chromium) -> None:
    w = Watched(chromium)
    w.goto(server.url)
    results = w.page.locator(".md-search-result__item a")
    for _ in range(10):  # typing before the search worker has loaded its index is ignored: type again
        w.page.fill("input.md-search__input", "paramount")
        w.page.keyboard.press("End")
        try:
            results.first.wait_for(timeout=1_500)
            break
        except Exception:
            w.page.fill("input.md-search__input", "")
    results.first.wait_for(timeout=5_000)
    w.page.keyboard.press("Enter")  # submitting the search form must not trip form-action 'none'
    w.page.wait_for_timeout(300)
    w.close()
    assert w.violations == [] and w.errors == []


def test_palette_toggle_persists_under_the_policy(server: Server, chromium) -> None:
    w = Watched(chromium)
    w.goto(server.url + "claims/kratom-is-safer/")
    assert w.page.get_attribute("body", "data-md-color-scheme") == "default"
    w.page.click('label[title="Switch to dark mode"]')
    assert w.page.get_attribute("body", "data-md-color-scheme") == "slate"
    w.goto(server.url + "coverage/")  # the theme's inline palette script restores the choice on the next page
    assert w.page.get_attribute("body", "data-md-color-scheme") == "slate"
    w.close()
    assert w.violations == [] and w.errors == []


def test_copy_filters_sort_and_back_to_top_under_the_policy(server: Server, chromium) -> None:
    w = Watched(chromium, permissions=["clipboard-read", "clipboard-write"])
    w.goto(server.url + "claims/kratom-is-safer/")
    w.page.click(".kcr-cite-more > summary")  # BibTeX, RIS and CSL-JSON are one click away
    w.page.click('button[data-copy="cite-bib"]')
    w.page.wait_for_function("document.querySelector('button[data-copy=\"cite-bib\"]').textContent === 'Copied'")
    assert w.page.evaluate("navigator.clipboard.readText()") == w.page.locator("#cite-bib").text_content()
    w.goto(server.url + "claims/")
    total = w.page.locator("#kcr-claims tbody tr").count()
    w.page.select_option('select[data-filter="verdict"]', "unsupported")
    shown = w.page.locator("#kcr-claims tbody tr:not([hidden])").count()
    assert 0 < shown < total
    assert w.page.locator(".kcr-count").inner_text() == f"{shown} of {total} claims shown"
    w.page.click("th:has-text('Verdict')")
    # every row again, so the page is long enough for the theme to offer "Back to top"
    w.page.select_option('select[data-filter="verdict"]', index=0)
    assert w.page.locator("#kcr-claims tbody tr:not([hidden])").count() == total
    w.page.mouse.wheel(0, 3000)
    w.page.wait_for_timeout(300)
    w.page.mouse.wheel(0, -200)  # the theme shows "Back to top" when scrolling up
    top = w.page.locator(".md-top")
    top.wait_for(state="visible", timeout=3_000)
    top.click()
    w.page.wait_for_function("window.scrollY === 0")
    w.close()
    assert w.violations == [] and w.errors == []
