"""The Content-Security-Policy every page carries, built from the page's own allow-listed inline code.

Each built page gets a ``<meta http-equiv="Content-Security-Policy">`` right
after ``<meta charset>``, before any script or stylesheet.  It lets scripts and
stylesheets load only from the site itself (and WebAssembly, for the search, be compiled), and lets run only the inline
scripts, ``<style>`` elements and ``style=`` attributes whose text is in
:mod:`kcr.site_allowlist` (the theme's and the project's own), each by the
sha256 of its exact text.  Inline code that is not allow-listed gets no hash,
so the browser refuses it even if the static scan (:mod:`kcr.scan`) missed it.

``frame-ancestors``, ``report-uri`` and ``sandbox`` are ignored in a meta
policy, so they are not written.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import site_allowlist

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# the theme writes its base URL into its first inline script; every other character must match exactly
_MD_SCOPE = re.compile(r'^__md_scope=new URL\("((?:\.\./)*\.\.|\.|/(?:[A-Za-z0-9._~-]+/)*)",location\)')
_META_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.I)


def digest(text: str) -> str:
    """The CSP hash source of ``text`` (without quotes): ``sha256-`` and the base64 digest of its UTF-8 bytes."""
    return digest_bytes(text.encode("utf-8"))


def digest_bytes(data: bytes) -> str:
    """The same hash source for a file's bytes."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def normalize_script(text: str) -> str:
    """The script's text with the theme's per-page base URL replaced by ``{base}`` (nothing else changes)."""
    return _MD_SCOPE.sub('__md_scope=new URL("{base}",location)', text, count=1)


def is_data_block(node: LexborNode) -> bool:
    """A ``<script>`` the browser never runs: JSON or JSON-LD data."""
    return (node.attributes.get("type") or "").strip().lower() in DATA_SCRIPT_TYPES


def inline_items(tree: LexborHTMLParser) -> Iterator[tuple[str, str, LexborNode]]:
    """Every piece of inline code on the page, in document order, as (kind, exact text, node).

    kind is ``script`` (an inline script that would run), ``style`` (a ``<style>``
    element) or ``style-attr`` (a ``style=`` attribute).
    """
    root = tree.root
    if root is None:
        return
    for node in root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        attrs = node.attributes
        if tag == "script" and "src" not in attrs and not is_data_block(node):
            yield "script", node.text(deep=True) or "", node
        elif tag == "style":
            yield "style", node.text(deep=True) or "", node
        if "style" in attrs:
            yield "style-attr", attrs.get("style") or "", node


def allowed(kind: str, text: str) -> bool:
    """Whether this inline code is the theme's or the project's own (its hash is in the allow-list)."""
    if kind == "script":
        return digest(normalize_script(text)) in site_allowlist.INLINE_SCRIPTS
    if kind == "style":
        return digest(text) in site_allowlist.INLINE_STYLES
    return digest(text) in site_allowlist.STYLE_ATTRIBUTES


def policy(scripts: set[str], styles: set[str], attributes: set[str]) -> str:
    """The policy text for a page whose allow-listed inline code has these hashes."""
    # 'wasm-unsafe-eval': the site search (Pagefind) compiles its WebAssembly; it allows no eval() of text
    script_src = " ".join(["'self'", *(f"'{h}'" for h in sorted(scripts)), "'wasm-unsafe-eval'"])
    style_src = ["'self'", *(f"'{h}'" for h in sorted(styles | attributes))]
    if attributes:  # a style= attribute may only be allowed by hash with 'unsafe-hashes'
        style_src.insert(1, "'unsafe-hashes'")
    return "; ".join([
        "default-src 'self'",
        f"script-src {script_src}",
        f"style-src {' '.join(style_src)}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])


def policy_for(tree: LexborHTMLParser, items: list[tuple[str, str, LexborNode]] | None = None) -> str:
    """The policy for this page: hashes of its allow-listed inline code only."""
    found: dict[str, set[str]] = {"script": set(), "style": set(), "style-attr": set()}
    for kind, text, _ in inline_items(tree) if items is None else items:
        if allowed(kind, text):
            found[kind].add(digest(text))
    return policy(found["script"], found["style"], found["style-attr"])


def meta(policy_text: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy_text}">'


def apply(html: str) -> str:
    """The page with its policy inserted right after ``<meta charset="utf-8">`` (or first in ``<head>``)."""
    tag = meta(policy_for(LexborHTMLParser(html)))
    m = _META_CHARSET.search(html)
    if m is None:
        m = re.search(r"<head(\s[^>]*)?>", html, re.I)
    if m is None:
        raise ValueError("the page has no <head> to put the Content-Security-Policy in")
    return html[: m.end()] + tag + html[m.end():]
