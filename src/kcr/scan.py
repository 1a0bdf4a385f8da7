"""A fast static scan of the built HTML for anything that could run in a reader's browser.

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
from html.parser import HTMLParser
from pathlib import Path

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


class _Scanner(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.findings: list[Finding] = []
        self._script: tuple[int, bool] | None = None  # (line, needs inline check)

    def _add(self, what: str) -> None:
        self.findings.append(Finding(self.path, self.getpos()[0], what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._add(f"event-handler attribute {name}= on <{tag}>")
            if name in URL_ATTRS or (tag == "meta" and name == "content" and "url=" in value.lower()):
                url = value.split("url=", 1)[1] if tag == "meta" and name == "content" else value
                for part in (url.split(",") if name == "srcset" else [url]):
                    candidate = "".join(part.split()).strip("'\"")
                    if not SAFE_URL.match(candidate) or candidate.startswith("//"):
                        self._add(f"unexpected URL in {name}= on <{tag}>: {candidate[:60]!r}")
            if name == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.I):
                self._add(f"style attribute with url() or expression() on <{tag}>")
        if tag in BLOCKED_TAGS:
            self._add(f"<{tag}> element")
        if tag == "script":
            a = dict(attrs)
            if (a.get("type") or "").lower() in DATA_SCRIPT_TYPES:
                self._script = (self.getpos()[0], False)
            elif a.get("src") is not None:
                src = a.get("src") or ""
                if not re.match(r"^((\.\./)*|/([A-Za-z0-9_.-]+/)*)assets/[A-Za-z0-9_./-]+\.js$", src):
                    self._add(f"<script src> outside the site's assets: {src[:60]!r}")
                self._script = (self.getpos()[0], False)
            else:
                self._script = (self.getpos()[0], True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script and self._script[1]:
            if not data.strip().startswith(THEME_INLINE):
                self.findings.append(Finding(self.path, self._script[0], f"inline <script>: {data.strip()[:60]!r}"))
            self._script = (self._script[0], False)


def scan_file(path: Path, shown: str) -> list[Finding]:
    scanner = _Scanner(shown)
    scanner.feed(path.read_text(encoding="utf-8", errors="replace"))
    scanner.close()
    return scanner.findings


def scan(site: Path) -> list[Finding]:
    """Every finding in every HTML file under ``site``."""
    out: list[Finding] = []
    for path in sorted(site.rglob("*.html")):
        out.extend(scan_file(path, path.relative_to(site).as_posix()))
    return out
