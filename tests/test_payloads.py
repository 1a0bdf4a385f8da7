"""Hostile contributor strings in every field, a build, and proof in Chromium that none of them runs.

The same harness is run on a deliberately unsafe page (the live control): it
must see the payloads fire there, so the test cannot pass vacuously.  The
static scan is run on a deliberately unsafe build too, and must refuse it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import yaml

from browser import ARGS, CHROMIUM, Server, build, copy_project, require_browser
from kcr import check, scan

# each one calls alert(n) if it ever runs
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "<svg onload=alert(3)>",
    '<iframe src="javascript:alert(4)"></iframe>',
    "[click me](javascript:alert(5))",
    '<a href="javascript:alert(6)">link</a>',
    '" onmouseover="alert(7)" autofocus onfocus="alert(7)" x="',
    "</title><script>alert(8)</script>",
    "<details open ontoggle=alert(9)>x</details>",
    '{: onclick="alert(10)" }',
    "<body onload=alert(11)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
    "</script><script>alert(14)</script>",
    "'><img src=x onerror=alert(15)>",
    "<object data=\"javascript:alert(16)\"></object>",
    "<embed src=\"javascript:alert(17)\">",
    "{{ 7*7 }} ${alert(18)}",
    "<style>@import 'javascript:alert(19)';</style>",
    "<base href=\"javascript:alert(20)//\">",
]
# the statement may not contain markup characters (the schema refuses them), so it gets these
STATEMENT_PAYLOADS = ['" onmouseover="alert(21)" x="', "javascript:alert(22)", "'; alert(23); var x='"]
CLAIM_FIELDS = ["conclusion", "bottom_line", "unknowns", "would_change", "wording_note", "not_checkable_reason"]
BIB_FIELDS = ["title", "author", "journal", "volume", "pages", "note"]


def inject(root: Path) -> int:
    """Write payloads into every contributor field of every record and reference; return how many were placed."""
    placed = 0
    for i, path in enumerate(sorted((root / "claims").glob("*.yaml"))):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["statement"] = (STATEMENT_PAYLOADS[i % len(STATEMENT_PAYLOADS)] + " kratom")[:75]
        placed += 1
        for j, field in enumerate(CLAIM_FIELDS):
            if field == "not_checkable_reason" and data.get("checkable"):
                continue
            if field != "not_checkable_reason" and not data.get("checkable"):
                continue
            data[field] = PAYLOADS[(i + j) % len(PAYLOADS)] + " end"
            placed += 1
        for k, item in enumerate(data.get("evidence") or []):
            item["finding"] = "Finding " + PAYLOADS[(i + k + 3) % len(PAYLOADS)]
            placed += 1
        for k, reason in enumerate((data.get("certainty") or {}).get("reasons") or []):
            reason["reason"] = "Reason " + PAYLOADS[(i + k + 5) % len(PAYLOADS)]
            placed += 1
        for entry in data["changelog"]:
            entry["summary"] = "Summary " + PAYLOADS[(i + 7) % len(PAYLOADS)]
            placed += 1
        path.write_text("# yaml-language-server: $schema=../schema/claim.schema.json\n"
                        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    bib = root / "references.bib"
    text = bib.read_text(encoding="utf-8")
    out, n = [], 0
    for line in text.splitlines():
        name = line.strip().split("=", 1)[0].strip()
        if name in BIB_FIELDS and line.rstrip().endswith("},"):
            payload = PAYLOADS[n % len(PAYLOADS)].replace("{", "(").replace("}", ")")
            value = line.split("= {", 1)[1][:-2]
            if name == "title" and value.startswith("[") and value.endswith("]"):  # a supplied title stays bracketed
                line = f"  {name} = {{{value[:-1]} {payload}]}},"
            else:
                line = f"  {name} = {{{value} {payload}}},"
            n += 1
        out.append(line)
    bib.write_text("\n".join(out) + "\n", encoding="utf-8")
    return placed + n


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    base = tmp_path_factory.mktemp("payloads")
    root = copy_project(base / "project")
    placed = inject(root)
    problems = [str(p) for p in check.load(root).problems]
    assert problems == [], problems
    build(root, base / "site")
    return base / "site", placed


def harness(page, url: str) -> list[str]:
    """Load ``url`` and provoke every handler a payload could have planted; return the alerts seen."""
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("""() => {
        for (const el of document.querySelectorAll('body *')) {
            for (const type of ['mouseover', 'focus', 'click', 'toggle']) {
                if (type === 'click' && (el.closest('a[href]') && !el.closest('a[href^="javascript:"]'))) continue;
                if (type === 'click' && el.closest('label, input, button, select')) continue;
                el.dispatchEvent(new Event(type, {bubbles: true}));
            }
        }
        for (const a of document.querySelectorAll('a[href^="javascript:"]')) a.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    }""")
    page.wait_for_timeout(300)
    return fired


@pytest.fixture(scope="module")
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_catalogue_size() -> None:
    assert len(PAYLOADS) + len(STATEMENT_PAYLOADS) >= 20


def test_static_scan_finds_nothing_in_the_hostile_build(hostile: tuple[Path, int]) -> None:
    site, placed = hostile
    assert placed > 200
    assert [str(f) for f in scan.scan(site)] == []


def test_payload_text_is_shown_as_text(hostile: tuple[Path, int]) -> None:
    """Nothing is lost either: the hostile strings appear on the pages as visible text."""
    from bs4 import BeautifulSoup

    site, _ = hostile
    text = " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                    for p in (site / "claims").rglob("index.html"))
    for payload in ("<script>alert(1)</script>", '<img src=x onerror="alert(2)">', "[click me](javascript:alert(5))",
                    "{{ 7*7 }} ${alert(18)}", '{: onclick="alert(10)" }'):
        assert payload in text, payload


def test_no_payload_executes_in_chromium(hostile: tuple[Path, int], chromium) -> None:
    site, _ = hostile
    srv = Server(site)
    try:
        pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
        assert len(pages) > 60
        context = chromium.new_context()
        fired: list[str] = []
        for rel in pages:
            page = context.new_page()
            fired += [f"{rel}: alert({m})" for m in harness(page, srv.url + ("" if rel == "." else rel + "/"))]
            page.close()
        context.close()
        assert fired == []
    finally:
        srv.close()


def test_live_control_detects_execution(tmp_path: Path, chromium) -> None:
    """The same harness on a deliberately unsafe page must see payloads run."""
    (tmp_path / "index.html").write_text("<!doctype html><title>unsafe</title><body>"
                                         + "".join(PAYLOADS) + "</body>", encoding="utf-8")
    srv = Server(tmp_path)
    try:
        context = chromium.new_context()
        fired = harness(context.new_page(), srv.url)
        context.close()
    finally:
        srv.close()
    assert len(fired) >= 3, fired


def test_static_scan_refuses_a_deliberately_unsafe_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "docs" / "methodology.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(PAYLOADS) + "\n", encoding="utf-8")
    proc = build(root, tmp_path / "site", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "The static scan of the built site found" in out
    for expected in ("event-handler attribute onerror=", "inline <script>", "<iframe> element",
                     "unexpected URL in href= on <a>: 'javascript:alert(6)'"):
        assert expected in out, out[-3000:]


# --- bypasses found by the audit (issue 13): each must be refused by the scan, and, where a page's
# --- Content-Security-Policy can reach it, stopped by the policy alone when the scan is switched off

BYPASS_MARKDOWN = """

<script>__md_scope=new URL(".",location);alert("theme-like-script")</script>

<script>var palette=__md_get("__palette");alert("theme-like-palette")</script>

<svg width="300" height="40"><a id="kcr-animate-probe"><animate attributeName="href" values="javascript:alert('svg-animate')" dur="1s" fill="freeze"/><text x="5" y="20">svg animate link</text></a></svg>

<svg width="300" height="40"><a id="kcr-set-probe"><set attributeName="href" to="javascript:alert('svg-set')"/><text x="5" y="20">svg set link</text></a></svg>

<style>:root{--kcr-pwned: yes}</style>

<p id="kcr-attr-probe" style="--kcr-pwned-attr: yes">styled</p>

<p><img src="../assets/evil.svg" alt="svg as image"></p>
"""
# standalone documents a pull request could add under docs/assets/, opened directly by a reader
BYPASS_FILES = {
    "evil.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert("svg-file")</script></svg>',
    "evil.xhtml": ('<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
                   '<body><script>alert("xhtml-file")</script></body></html>'),
    "evil.xml": '<x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert("xml-file")</h:script></x>',
    "evil.htm": '<p>x</p><script>alert("htm-file")</script>',
    "evil.svgz": gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "evil.mhtml": "MIME-Version: 1.0\r\n",
}
EXPECTED_FINDINGS = [
    ("methodology/index.html", "inline <script> not in the allow-list", "__md_scope=new URL(\".\",location);alert"),
    ("methodology/index.html", "inline <script> not in the allow-list", "var palette=__md_get(\"__palette\");alert"),
    ("methodology/index.html", "SVG <animate> changes the href= attribute", ""),
    ("methodology/index.html", "SVG <animate> values= holds a URL", "javascript:alert('svg-animate')"),
    ("methodology/index.html", "SVG <set> changes the href= attribute", ""),
    ("methodology/index.html", "SVG <set> to= holds a URL", "javascript:alert('svg-set')"),
    ("methodology/index.html", "<style> element not in the allow-list", ":root{--kcr-pwned: yes}"),
    ("methodology/index.html", "style= attribute not in the allow-list", "--kcr-pwned-attr: yes"),
    ("assets/evil.svg", "<script> in an XML document (svg)", ""),
    ("assets/evil.xhtml", "<script> in an XML document (xhtml)", ""),
    ("assets/evil.xml", "<script> in an XML document (xml)", ""),
    ("assets/evil.htm", "inline <script> not in the allow-list", 'alert("htm-file")'),
    ("assets/evil.htm", "no Content-Security-Policy meta tag", ""),
    ("assets/evil.svgz", "event-handler attribute onload= on <svg>", ""),
    ("assets/evil.mhtml", "a .mhtml web archive", ""),
]
IN_PAGE = {"theme-like-script", "theme-like-palette", "svg-animate", "svg-set", "style-element", "style-attribute"}
STANDALONE = {"svg-file": "assets/evil.svg", "xhtml-file": "assets/evil.xhtml", "xml-file": "assets/evil.xml",
              "htm-file": "assets/evil.htm"}
SCAN_CALL = 'findings = scan.scan(Path(config["site_dir"]), written=_written.pages)'
CSP_CALLS = ("output = csp.apply(output)", "return csp.apply(output_content)")


def unsafe_build(base: Path, *, scan_on: bool = True, csp_on: bool = True) -> tuple[Path, str, int]:
    """The real project with every bypass added; the scan and the policy can be switched off in its copied hook."""
    root = copy_project(base / "project")
    page = root / "docs" / "methodology.md"
    page.write_text(page.read_text(encoding="utf-8") + BYPASS_MARKDOWN, encoding="utf-8")
    for name, content in BYPASS_FILES.items():
        target = root / "docs" / "assets" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    hook = root / "hooks" / "kcr_hooks.py"
    text = hook.read_text(encoding="utf-8")
    if not scan_on:
        assert text.count(SCAN_CALL) == 1
        text = text.replace(SCAN_CALL, "findings = []")
    if not csp_on:
        for call in CSP_CALLS:
            assert text.count(call) == 1
            text = text.replace(call, call.replace("csp.apply(", "(", 1))
    hook.write_text(text, encoding="utf-8")
    proc = build(root, base / "site", check=False)
    return base / "site", proc.stdout + proc.stderr, proc.returncode


def fired_bypasses(context, url: str) -> set[str]:
    """Open the unsafe build's pages and files; return which bypasses ran (alerts) or applied (styles)."""
    fired: set[str] = set()
    page = context.new_page()
    page.on("dialog", lambda d: (fired.add(d.message), d.dismiss()))
    page.goto(url + "methodology/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # the SVG animations start at load
    styles = page.evaluate("""() => ({
        element: getComputedStyle(document.documentElement).getPropertyValue('--kcr-pwned').trim(),
        attribute: getComputedStyle(document.getElementById('kcr-attr-probe')).getPropertyValue('--kcr-pwned-attr').trim(),
    })""")
    if styles["element"] == "yes":
        fired.add("style-element")
    if styles["attribute"] == "yes":
        fired.add("style-attribute")
    for probe in ("#kcr-animate-probe text", "#kcr-set-probe text"):
        page.goto(url + "methodology/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        page.locator(probe).click()
        page.wait_for_timeout(300)
    for rel in STANDALONE.values():
        page.goto(url + rel)
        page.wait_for_timeout(300)
    page.close()
    return fired


def test_scan_refuses_each_bypass_and_names_it(tmp_path: Path) -> None:
    site, out, code = unsafe_build(tmp_path)
    assert code != 0
    assert "The static scan of the built site found" in out
    findings = [line for line in out.splitlines() if line.startswith(("methodology/", "assets/evil"))]
    for path, what, detail in EXPECTED_FINDINGS:
        assert any(line.startswith(path + ":") and what in line and detail in line for line in findings), \
            (path, what, detail, out[-4000:])
    # the same findings from `kcr scan` on the pages the failed build left behind
    from kcr.cli import main

    assert main(["scan", str(site)]) == 1


def test_policy_alone_stops_the_in_page_bypasses_in_chromium(tmp_path: Path, chromium) -> None:
    """With the scan switched off the build succeeds; the Content-Security-Policy must still stop them.

    A policy in a page's <meta> cannot reach a document a reader opens directly
    (an .svg, .xhtml, .xml or .htm file): those run, and only the scan stops them.
    The live control (no scan, no policy) shows the harness sees every one fire.
    """
    control_site, out, code = unsafe_build(tmp_path / "control", scan_on=False, csp_on=False)
    assert code == 0, out[-3000:]
    csp_site, out, code = unsafe_build(tmp_path / "csp", scan_on=False)
    assert code == 0, out[-3000:]
    results = {}
    for name, site in (("control", control_site), ("csp", csp_site)):
        srv = Server(site)
        try:
            context = chromium.new_context()
            results[name] = fired_bypasses(context, srv.url)
            context.close()
        finally:
            srv.close()
    assert results["control"] == IN_PAGE | set(STANDALONE), results
    assert results["csp"] & IN_PAGE == set(), results
    assert results["csp"] == set(STANDALONE), results  # the policy's known limit: the scan is the only guard there
