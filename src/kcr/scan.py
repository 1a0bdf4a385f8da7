"""A fast static scan of the built HTML for anything that could run in a reader's browser.

Pages are parsed as a browser parses them (lexbor, an HTML5 parser, through
selectolax: ~0.5 ms a page), so markup that only a browser would treat as a
tag is seen as one too.

Runs after every build (the MkDocs hook) and as ``kcr scan SITE``.  It flags
event-handler attributes, URL attributes with a scheme other than http(s) or
mailto (``javascript:``, ``data:``, protocol-relative ``//``), ``<iframe>``,
``<object>``, ``<embed>`` and ``<base>`` elements, and every
``<script>`` that is neither a data block (JSON, JSON-LD), a file under the
site's own ``assets/``, nor one of the theme's own inline scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data", "srcset"}
BLOCKED_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# the inline scripts Material for MkDocs writes into every page, by their opening words
THEME_INLINE = ("__md_scope=new URL(", "var palette=__md_get(", "var target=document.getElementById(location.hash")
SAFE_URL = re.compile(r"^(https?://|mailto:|#|\.{0,2}/(?!/)|[A-Za-z0-9_.~%-]+(/|\.|#|$)|\.\.?$|$)")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _line(raw: str, needle: str) -> int:
    i = raw.find(needle)
    return raw.count("\n", 0, i) + 1 if i >= 0 else 1


def scan_file(path: Path, shown: str) -> list[Finding]:
    """Parse the page as a browser would (lexbor, via selectolax) and report what could run."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    tree = LexborHTMLParser(raw)
    findings: list[Finding] = []

    def add(what: str, needle: str) -> None:
        findings.append(Finding(shown, _line(raw, needle), what))

    root = tree.root
    if root is None:
        return findings
    for node in root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        if tag.startswith("-"):
            continue
        attrs = node.attributes
        for name, value in attrs.items():
            name = name.lower()
            value = value or ""
            if name.startswith("on"):
                add(f"event-handler attribute {name}= on <{tag}>", name + "=")
            if name in URL_ATTRS or (tag == "meta" and name == "content" and "url=" in value.lower()):
                url = value.split("url=", 1)[1] if tag == "meta" and name == "content" else value
                for part in (url.split(",") if name == "srcset" else [url]):
                    candidate = "".join(part.split()).strip("'\"")
                    if not SAFE_URL.match(candidate) or candidate.startswith("//"):
                        add(f"unexpected URL in {name}= on <{tag}>: {candidate[:60]!r}", candidate[:20] or name)
            if name == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.I):
                add(f"style attribute with url() or expression() on <{tag}>", "style=")
        if tag in BLOCKED_TAGS:
            add(f"<{tag}> element", f"<{tag}")
        if tag == "script":
            kind = (attrs.get("type") or "").lower()
            if kind in DATA_SCRIPT_TYPES:
                continue
            if "src" in attrs:
                src = attrs.get("src") or ""
                if not re.match(r"^((\.\./)*|/([A-Za-z0-9_.-]+/)*)assets/[A-Za-z0-9_./-]+\.js$", src):
                    add(f"<script src> outside the site's assets: {src[:60]!r}", src[:40] or "<script")
                continue
            text = (node.text(deep=True) or "").strip()
            if not text.startswith(THEME_INLINE):
                add(f"inline <script>: {text[:60]!r}", text[:40] or "<script")
    return findings


def scan(site: Path) -> list[Finding]:
    """Every finding in every HTML file under ``site``."""
    out: list[Finding] = []
    for path in sorted(site.rglob("*.html")):
        out.extend(scan_file(path, path.relative_to(site).as_posix()))
    return out
