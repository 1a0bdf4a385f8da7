"""The static scan on small pages and files: each rule, its exact message, and what it lets through."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kcr import csp, scan, site_allowlist

THEME_SCOPE = next(t for t in site_allowlist.INLINE_SCRIPTS.values() if t.startswith("__md_scope="))
FOOTER_STYLE = next(iter(site_allowlist.STYLE_ATTRIBUTES.values()))


def page(body: str, head: str = "", policy: bool = True) -> str:
    """A page shaped like the theme's, with the policy the hook would write."""
    html = (f'<!doctype html><html><head><meta charset="utf-8"><title>t</title>{head}</head>'
            f"<body>{body}</body></html>")
    return csp.apply(html) if policy else html


def found(body: str, head: str = "", policy: bool = True) -> list[str]:
    return [str(f) for f in scan.scan_html(page(body, head, policy), "p.html")]


def whats(body: str, head: str = "") -> list[str]:
    return [f.what for f in scan.scan_html(page(body, head), "p.html")]


def test_a_plain_page_with_the_theme_s_own_inline_code_passes() -> None:
    body = (f"<script>{THEME_SCOPE.replace('{base}', '../..')}</script><p>text <a href='../x/'>link</a></p>"
            f'<div style="{FOOTER_STYLE}">Build</div><script type="application/ld+json">{{"a": 1}}</script>'
            '<script id="__config" type="application/json">{}</script><script src="../../assets/kcr.js"></script>')
    assert found(body) == []


@pytest.mark.parametrize("base", [".", "..", "../../..", "/kratom-claims-review/"])
def test_the_theme_s_scope_script_passes_with_any_base_url(base: str) -> None:
    assert found(f"<script>{THEME_SCOPE.replace('{base}', base)}</script>") == []


def test_a_script_that_only_starts_like_the_theme_s_is_refused() -> None:
    text = '__md_scope=new URL(".",location);alert(1)'
    assert found(f"<script>{text}</script>") == [
        f"p.html:1:{page(f'<script>{text}</script>').index(text) + 1}: inline <script> not in the allow-list "
        f"({csp.digest(text)}): {text!r} — remove it; " + scan.REGENERATE]


def test_a_base_url_that_breaks_out_of_the_string_is_not_the_theme_s() -> None:
    evil = THEME_SCOPE.replace("{base}", '.",alert(1),"')
    assert whats(f"<script>{evil}</script>")[0].startswith("inline <script> not in the allow-list")


@pytest.mark.parametrize(("markup", "what"), [
    ('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
     ["SVG <animate> changes the href= attribute", "SVG <animate> values= holds a URL: 'javascript:alert(1)'"]),
    ('<svg><a><set attributeName="xlink:href" to="javascript:alert(1)"/></a></svg>',
     ["SVG <set> changes the xlink:href= attribute", "SVG <set> to= holds a URL: 'javascript:alert(1)'"]),
    ('<svg><a><animate attributeName="HREF" from="#a" to="#b"/></a></svg>', ["SVG <animate> changes the href= attribute"]),
    ('<svg><animate attributeName="onclick" to="alert(1)"/></svg>', ["SVG <animate> changes the onclick= attribute"]),
    ('<svg><rect><animate attributeName="x" values="0;data:text/html,x"/></rect></svg>',
     ["SVG <animate> values= holds a URL: 'data:text/html,x'"]),
    ("<style>.kcr-verdict::after{content:'Accurate'}</style>",
     [f"<style> element not in the allow-list ({csp.digest(chr(46) + 'kcr-verdict::after{content:' + chr(39) + 'Accurate' + chr(39) + '}')}): "
      + repr(".kcr-verdict::after{content:'Accurate'}")]),
    ('<p style="color:red">x</p>', [f"style= attribute not in the allow-list ({csp.digest('color:red')}): 'color:red'"]),
    ("<template><script>alert(1)</script></template>", ["<template> element"]),
    ('<div id="__config">{}</div>', ['a second element with id="__config" (the theme reads its settings from the first)']),
    ('<meta http-equiv="set-cookie" content="a=b">', ["<meta http-equiv='set-cookie'>"]),
    ('<link rel="stylesheet" href="https://example.org/x.css">',
     ["<link rel='stylesheet'> outside the site's assets: 'https://example.org/x.css'"]),
    ('<script src="https://example.org/x.js"></script>', ["<script src> outside the site's assets: 'https://example.org/x.js'"]),
    ('<script type="module">alert(1)</script>', [f"inline <script> not in the allow-list ({csp.digest('alert(1)')}): 'alert(1)'"]),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', ["unexpected URL in href= on <a>: 'javascript:alert(1)'"]),
])
def test_each_rule_names_what_it_found(markup: str, what: list[str]) -> None:
    assert whats(markup) == what


def test_harmless_svg_animation_passes() -> None:
    assert found('<svg><rect width="5"><animate attributeName="width" values="5;10;5" dur="2s"/></rect></svg>') == []


def test_a_page_without_the_policy_is_refused() -> None:
    assert [f.what for f in scan.scan_html(page("<p>x</p>", policy=False), "p.html")] == [
        "no Content-Security-Policy meta tag"]


def test_a_policy_after_a_script_or_in_the_body_is_refused() -> None:
    meta = csp.meta(csp.policy(set(), set(), set()))
    late = f'<!doctype html><html><head><meta charset="utf-8"><script src="assets/a.js"></script>{meta}</head></html>'
    assert [f.what for f in scan.scan_html(late, "p.html")] == [
        "the Content-Security-Policy meta tag comes after a script or stylesheet, or outside <head>"]
    body = f'<!doctype html><html><head><meta charset="utf-8"></head><body>{meta}</body></html>'
    assert [f.what for f in scan.scan_html(body, "p.html")] == [
        "the Content-Security-Policy meta tag comes after a script or stylesheet, or outside <head>"]


def test_a_policy_that_allows_more_than_the_page_s_own_code_is_refused() -> None:
    loose = page("<p>x</p>").replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    assert [f.what[:62] for f in scan.scan_html(loose, "p.html")] == [
        "the Content-Security-Policy differs from the one for this page"]
    second = page("<p>x</p>", head=csp.meta("default-src *"))
    assert [f.what for f in scan.scan_html(second, "p.html")] == ["2 Content-Security-Policy meta tags"]


def test_the_policy_names_only_allow_listed_inline_code() -> None:
    theme = THEME_SCOPE.replace("{base}", "..")
    html = page(f"<script>{theme}</script><script>alert(1)</script><style>p{{}}</style>"
                f'<p style="{FOOTER_STYLE}"></p><p style="color:red"></p>')
    content = html.split('content="', 1)[1].split('"', 1)[0]
    assert content == csp.policy({csp.digest(theme)}, set(), {csp.digest(FOOTER_STYLE)})
    assert csp.digest("alert(1)") not in content and csp.digest("color:red") not in content
    assert "'unsafe-inline'" not in content
    assert content.startswith("default-src 'self'; script-src 'self' 'sha256-")
    assert content.endswith("; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
                            "frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'none'")


def test_the_policy_goes_right_after_meta_charset() -> None:
    html = page("<p>x</p>")
    assert html.index('<meta charset="utf-8"><meta http-equiv="Content-Security-Policy"') > 0


@pytest.mark.parametrize(("name", "content", "what"), [
    ("a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     ["a.svg:1:41: <script> in an XML document (svg) — " + scan.REMOVE]),
    ("a.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><body onload="alert(1)"/></html>',
     ["a.xhtml:1:44: event-handler attribute onload= on <body> — " + scan.REMOVE]),
    ("a.xml", '<x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></x>',
     ["a.xml:1:43: <script> in an XML document (xml) — " + scan.REMOVE]),
    ("a.xml", '<?xml-stylesheet type="text/xsl" href="a.xsl"?><x/>',
     ['a.xml:1:1: <?xml-stylesheet type="text/xsl" href="a.xsl"?> (an XSLT or CSS stylesheet applied to the document) — '
      + scan.REMOVE]),
    ("a.svg", '<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     ["a.svg:1:15: a DOCTYPE with declarations or an external DTD — remove the DOCTYPE's declarations",
      "a.svg:1:27: an entity declaration — remove it"]),
    ("a.svg", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
              '<a x:href="javascript:alert(1)"><text>t</text></a></svg>',
     ["a.svg:1:80: unexpected URL in xlink:href= on <a>: 'javascript:alert(1)' — "
      "link with http(s), mailto or a relative path"]),
    ("a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" values="javascript:a()"/></a></svg>',
     ["a.svg:1:44: SVG <animate> changes the href= attribute — " + scan.REMOVE,
      "a.svg:1:44: SVG <animate> values= holds a URL: 'javascript:a()' — " + scan.REMOVE]),
    ("a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>',
     ["a.svg:1:66: not well-formed XML (no element found) — fix the markup: a browser shows, and runs, "
      "what comes before the error", "a.svg:1:41: <script> in an XML document (svg) — " + scan.REMOVE]),
    ("a.mhtml", "MIME-Version: 1.0", ["a.mhtml:1:1: a .mhtml web archive (a browser may open it as a page) — " + scan.REMOVE]),
    ("a.txt", "<script>alert(1)</script>", []),
])
def test_documents_a_browser_may_open(tmp_path: Path, name: str, content: str, what: list[str]) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert sorted(str(f) for f in scan.scan(tmp_path)) == sorted(what)


def test_a_compressed_svg_is_read_decompressed(tmp_path: Path) -> None:
    (tmp_path / "a.svgz").write_bytes(gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'))
    assert [f.what for f in scan.scan(tmp_path)] == ["event-handler attribute onload= on <svg>"]


def test_script_and_style_files_must_be_the_theme_s_or_allow_listed(tmp_path: Path) -> None:
    theme = scan._theme_dir()
    assert theme is not None
    bundle = next((theme / "assets" / "javascripts").glob("bundle.*.min.js"))
    rel = bundle.relative_to(theme).as_posix()
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_bytes(bundle.read_bytes())
    own = Path(__file__).resolve().parent.parent / "docs" / "assets" / "kcr.js"
    (tmp_path / "assets" / "kcr.js").write_bytes(own.read_bytes())
    assert scan.scan(tmp_path) == []
    (tmp_path / rel).write_bytes(bundle.read_bytes() + b";alert(1)")
    (tmp_path / "assets" / "kcr.js").write_bytes(own.read_bytes() + b"\nalert(1)")
    (tmp_path / "assets" / "extra.css").write_text(".kcr-verdict::after{content:'x'}", encoding="utf-8")
    assert [f"{f.path}: {f.what.split(': ', 1)[1]}" for f in scan.scan(tmp_path)] == [
        "assets/extra.css: it is neither the theme's nor in the allow-list",
        f"{rel}: it is neither the theme's nor in the allow-list",
        "assets/kcr.js: its content changed",
    ]
