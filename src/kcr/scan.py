"""A fast static scan of the built site for anything that could run, or restyle a page, in a reader's browser.

Runs after every build (the MkDocs hook) and as ``kcr scan SITE``.  Every file
type a browser may open as a document is scanned:

* HTML (``.html``, ``.htm``, ``.shtml``) is parsed as a browser parses it
  (lexbor, an HTML5 parser, through selectolax: ~0.5 ms a page);
* XML documents (``.svg``, ``.svgz``, ``.xhtml``, ``.xht``, ``.xml``, ``.xsl``,
  ``.xslt``, ``.rss``, ``.atom``, ``.rdf``, ``.mml``), in which elements in the
  XHTML namespace run too, are parsed with expat; one that is not well-formed,
  declares entities or names an XSLT stylesheet is refused;
* ``.mhtml`` / ``.mht`` archives are refused outright;
* every ``.js``, ``.mjs``, ``.cjs`` and ``.css`` file must be the theme's own
  (byte for byte the file in the installed Material package) or the project's
  own (its sha256 in :mod:`kcr.site_allowlist`).

In every document it flags event-handler attributes; URL attributes with a
scheme other than http(s) or mailto (``javascript:``, ``data:``,
protocol-relative ``//``); SVG ``<animate>``/``<set>`` elements that target a
link or handler attribute or carry such a URL in values/to/from/by;
``<iframe>``, ``<object>``, ``<embed>``, ``<base>``, ``<template>`` elements;
scripts and stylesheets loaded from outside the site; ``http-equiv`` meta tags
other than the policy; a second ``id="__config"``; and every inline
``<script>``, ``<style>`` and ``style=`` attribute whose exact text is not in
the allow-list.  Every HTML page must carry the Content-Security-Policy that
:mod:`kcr.csp` writes, before any script or stylesheet.

Each finding reads ``path:line:col: what is wrong — what to do``.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import csp, site_allowlist

HTML_TYPES = {".html", ".htm", ".shtml"}
XML_TYPES = {".svg", ".svgz", ".xhtml", ".xht", ".xml", ".xsl", ".xslt", ".rss", ".atom", ".rdf", ".mml"}
REFUSED_TYPES = {".mhtml", ".mht"}
CODE_TYPES = {".js", ".mjs", ".cjs", ".css"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data", "srcset"}
BLOCKED_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal", "template"}
ANIMATION_TAGS = {"animate", "set", "animatemotion", "animatetransform", "animatecolor"}
ANIMATION_VALUES = ("values", "to", "from", "by")
SAFE_URL = re.compile(r"^(https?://|mailto:|#|\.{0,2}/(?!/)|[A-Za-z0-9_.~%-]+(/|\.|#|$)|\.\.?$|$)")
LOCAL_ASSET = re.compile(r"^((\.\./)*|/([A-Za-z0-9_.-]+/)*)assets/[A-Za-z0-9_./-]+\.(js|css)$")
XLINK = "http://www.w3.org/1999/xlink"
CSP_META = "content-security-policy"
REGENERATE = ("if the theme or the project changed it on purpose, rebuild and review `kcr allowlist SITE`, "
              "then `kcr allowlist --write SITE`")
REMOVE = "remove it (a page may hold text, links and images only)"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    what: str
    todo: str = REMOVE

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.what} — {self.todo}"


def _position(raw: str, needle: str, start: int = 0) -> tuple[int, int]:
    i = raw.find(needle, start) if needle else -1
    if i < 0:
        i = raw.find(needle) if needle else -1
    if i < 0:
        return 1, 1
    return raw.count("\n", 0, i) + 1, i - (raw.rfind("\n", 0, i) + 1) + 1


def _url_problem(value: str) -> str | None:
    """The offending URL (normalised as a browser reads it) when it is not a plain link, else None."""
    candidate = "".join(value.split()).strip("'\"")
    if not SAFE_URL.match(candidate) or candidate.startswith("//"):
        return candidate
    return None


def _element(tag: str, attrs: dict[str, str]) -> Iterable[tuple[str, str, str]]:
    """What is wrong with one element, whichever parser read it: (what, what to do, text to locate it by)."""
    for name, value in attrs.items():
        if name.startswith("on"):
            yield f"event-handler attribute {name}= on <{tag}>", REMOVE, name + "="
        if name in URL_ATTRS or (tag == "meta" and name == "content" and "url=" in value.lower()):
            url = value.split("url=", 1)[-1] if tag == "meta" and name == "content" else value
            for part in (url.split(",") if name == "srcset" else [url]):
                bad = _url_problem(part)
                if bad is not None:
                    yield (f"unexpected URL in {name}= on <{tag}>: {bad[:60]!r}",
                           "link with http(s), mailto or a relative path", bad[:20] or name)
    if tag in BLOCKED_TAGS:
        yield f"<{tag}> element", REMOVE, f"<{tag}"
    if tag in ANIMATION_TAGS:
        target = attrs.get("attributename", "").strip().lower()
        if target in URL_ATTRS or target.split(":")[-1] in URL_ATTRS or target.startswith("on"):
            yield (f"SVG <{tag}> changes the {target}= attribute", REMOVE, "attributeName")
        for name in ANIMATION_VALUES:
            for part in attrs.get(name, "").split(";"):
                if part.strip() and ":" in part and _url_problem(part) is not None:
                    yield (f"SVG <{tag}> {name}= holds a URL: {part.strip()[:60]!r}", REMOVE, part.strip()[:20])
    if tag == "meta" and "http-equiv" in attrs and attrs["http-equiv"].strip().lower() not in (CSP_META, "refresh"):
        yield f"<meta http-equiv={attrs['http-equiv']!r}>", REMOVE, "http-equiv"
    if tag == "link" and re.search(r"\b(stylesheet|modulepreload|import)\b", attrs.get("rel", ""), re.I):
        href = attrs.get("href", "")
        if not LOCAL_ASSET.match(href):
            yield (f"<link rel={attrs.get('rel')!r}> outside the site's assets: {href[:60]!r}", REMOVE,
                   href[:40] or "<link")
    if tag == "script" and "src" in attrs:
        src = attrs["src"]
        if not LOCAL_ASSET.match(src) or not src.endswith(".js"):
            yield f"<script src> outside the site's assets: {src[:60]!r}", REMOVE, src[:40] or "<script"


def _preview(text: str) -> str:
    return " ".join(text.split())[:60]


# elements the checks below look at even when they have no attributes
_TAGS_WITHOUT_ATTRIBUTES = BLOCKED_TAGS | ANIMATION_TAGS | {"meta", "script", "style", "link"}


def scan_html(raw: str, shown: str) -> list[Finding]:
    """Parse the page as a browser would (lexbor, via selectolax) and report what could run or restyle it."""
    tree = LexborHTMLParser(raw)
    findings: list[Finding] = []

    def add(what: str, todo: str, needle: str) -> None:
        findings.append(Finding(shown, *_position(raw, needle), what, todo))

    root = tree.root
    if root is None:
        return findings
    head = tree.head
    policies: list[tuple[str, bool]] = []  # (content, whether code came before it)
    code_seen = config_seen = False
    items: list[tuple[str, str, LexborNode]] = []  # the page's inline code, as csp.inline_items finds it
    for node in root.traverse(include_text=False):
        tag = (node.tag or "").lower()
        given = node.attributes
        # csp.inline_items, in the same walk
        if tag == "script" and "src" not in given and not csp.is_data_block(node):
            items.append(("script", node.text(deep=True) or "", node))
        elif tag == "style":
            items.append(("style", node.text(deep=True) or "", node))
        if "style" in given:
            items.append(("style-attr", given.get("style") or "", node))
        if not given and tag not in _TAGS_WITHOUT_ATTRIBUTES:
            continue  # nothing below can find anything in it
        if tag.startswith("-"):
            continue
        attrs = {k.lower(): v or "" for k, v in given.items()}
        for what, todo, needle in _element(tag, attrs):
            add(what, todo, needle)
        if tag == "meta" and attrs.get("http-equiv", "").strip().lower() == CSP_META:
            in_head = head is not None and any(p.mem_id == head.mem_id for p in _ancestors(node))
            policies.append((attrs.get("content", ""), code_seen or not in_head))
        if tag in ("script", "style") or (tag == "link" and "stylesheet" in attrs.get("rel", "").lower()):
            code_seen = True
        if attrs.get("id") == "__config":
            if config_seen or tag != "script" or not csp.is_data_block(node):
                add('a second element with id="__config" (the theme reads its settings from the first)',
                    REMOVE, 'id="__config"')
            config_seen = True
    for kind, text, node in items:
        if not csp.allowed(kind, text):
            label = {"script": "inline <script>", "style": "<style> element", "style-attr": "style= attribute"}[kind]
            needle = text[:40]
            add(f"{label} not in the allow-list ({csp.digest(text)}): {_preview(text)!r}",
                "remove it; " + REGENERATE, needle or f"<{node.tag}")
    expected = csp.policy_for(tree, items)
    if not policies:
        add("no Content-Security-Policy meta tag",
            "build the page with the project's MkDocs hook (it writes the policy)", "<head")
    elif len(policies) > 1:
        add(f"{len(policies)} Content-Security-Policy meta tags", "keep only the one the hook writes",
            'http-equiv="Content-Security-Policy"')
    else:
        content, late = policies[0]
        if late:
            add("the Content-Security-Policy meta tag comes after a script or stylesheet, or outside <head>",
                "build the page with the project's MkDocs hook (it writes the policy first in <head>)",
                'http-equiv="Content-Security-Policy"')
        if content != expected:
            add(f"the Content-Security-Policy differs from the one for this page's inline code: {content[:80]!r}",
                "build the page with the project's MkDocs hook", 'http-equiv="Content-Security-Policy"')
    return findings


def _ancestors(node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def scan_xml(data: bytes, shown: str) -> list[Finding]:
    """Parse an XML document (SVG, XHTML, feeds) with expat and report what could run in it."""
    findings: list[Finding] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    style_text: list[str] | None = None

    def add(what: str, todo: str = REMOVE) -> None:
        findings.append(Finding(shown, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, what, todo))

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal style_text
        tag = name.rsplit(" ", 1)[-1].lower()
        attrs: dict[str, str] = {}
        for key, value in attributes.items():
            ns, _, local = key.rpartition(" ")
            attrs[("xlink:" if ns == XLINK else "") + local.lower()] = value
        for what, todo, _ in _element(tag, attrs):
            add(what, todo)
        if tag == "script":
            add(f"<script> in an XML document ({shown.rsplit('.', 1)[-1]})")
        if tag == "style":
            style_text = []
        if "style" in attrs and not csp.allowed("style-attr", attrs["style"]):
            add(f"style= attribute not in the allow-list ({csp.digest(attrs['style'])}): {_preview(attrs['style'])!r}",
                "remove it; " + REGENERATE)

    def end(name: str) -> None:
        nonlocal style_text
        if style_text is not None and name.rsplit(" ", 1)[-1].lower() == "style":
            text = "".join(style_text)
            if not csp.allowed("style", text):
                add(f"<style> element not in the allow-list ({csp.digest(text)}): {_preview(text)!r}",
                    "remove it; " + REGENERATE)
            style_text = None

    def chars(text: str) -> None:
        if style_text is not None:
            style_text.append(text)

    def pi(target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            add(f"<?xml-stylesheet {data[:60]}?> (an XSLT or CSS stylesheet applied to the document)")

    def doctype(name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal or sysid:
            add("a DOCTYPE with declarations or an external DTD", "remove the DOCTYPE's declarations")

    def entity(*args: object) -> None:
        add("an entity declaration", "remove it")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.ProcessingInstructionHandler = pi
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        findings.append(Finding(shown, exc.lineno, exc.offset + 1, f"not well-formed XML ({expat.errors.messages[exc.code]})",
                                "fix the markup: a browser shows, and runs, what comes before the error"))
    return findings


@functools.cache
def _theme_dir() -> Path | None:
    spec = importlib.util.find_spec("material")  # finds the theme's files without importing it (or MkDocs)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


def _is_theme_file(rel: str, data: bytes) -> bool:
    theme = _theme_dir()
    if theme is None:
        return False
    own = theme / rel
    return own.is_file() and own.stat().st_size == len(data) and own.read_bytes() == data


def scan_code_file(data: bytes, rel: str) -> list[Finding]:
    """A script or stylesheet file must be the theme's own or the project's allow-listed one."""
    if _is_theme_file(rel, data):
        return []
    got = csp.digest_bytes(data)
    if site_allowlist.FILES.get(rel) == got:
        return []
    what = "script" if not rel.endswith(".css") else "stylesheet"
    known = "its content changed" if rel in site_allowlist.FILES else "it is neither the theme's nor in the allow-list"
    return [Finding(rel, 1, 1, f"{what} file {rel} ({got}): {known}", "remove it; " + REGENERATE)]


def scan_file(path: Path, shown: str) -> list[Finding]:
    """Every finding in one file of the site (none for file types a browser never runs)."""
    suffix = path.suffix.lower()
    if suffix not in SCANNED_TYPES:
        return []
    return scan_bytes(path.read_bytes(), shown)


def scan_bytes(data: bytes, shown: str) -> list[Finding]:
    """Every finding in the bytes of one file of the site, whose type its name ``shown`` tells."""
    suffix = Path(shown).suffix.lower()
    if suffix in HTML_TYPES:
        return scan_html(data.decode("utf-8", errors="replace"), shown)
    if suffix in XML_TYPES:
        if suffix == ".svgz" or data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                return [Finding(shown, 1, 1, "a compressed file that does not decompress", REMOVE)]
        return scan_xml(data, shown)
    if suffix in REFUSED_TYPES:
        return [Finding(shown, 1, 1, f"a {suffix} web archive (a browser may open it as a page)", REMOVE)]
    if suffix in CODE_TYPES:
        return scan_code_file(data, shown)
    return []


class Written:
    """The pages of one build, scanned as they are written: kcr's MkDocs hook hands each page's final text
    to :meth:`page`, and :func:`scan` then takes those findings instead of reading the pages back."""

    def __init__(self, site: Path, *, cached: bool = True) -> None:
        self.findings: dict[str, list[Finding]] = {}
        self.keys: dict[str, str] = {}  # page -> its findings' cache key, when cached
        self.store = _store(site) if cached else None

    def page(self, shown: str, text: str) -> None:
        """Scan one page, ``shown`` its path in the site, ``text`` what is written there."""
        if not text.strip():  # MkDocs writes no file for an empty page: whatever is there is read by scan()
            self.findings.pop(shown, None)
            self.keys.pop(shown, None)
            return
        data = text.encode("utf-8", errors="xmlcharrefreplace")  # the bytes MkDocs writes
        store = self.store
        if store is None or not store.enabled:
            self.findings[shown] = scan_bytes(data, shown)
            return
        self.keys[shown], self.findings[shown] = _stored_scan(store, data, shown)

    def export(self) -> dict[str, list]:
        """What was found in each page, as JSON (see :meth:`merge`): a forked copy of the build hands back
        the findings of the pages it wrote (kcr.forked)."""
        return {shown: [self.keys.get(shown, ""), [[f.line, f.col, f.what, f.todo] for f in found]]
                for shown, found in self.findings.items()}

    def merge(self, exported: dict[str, list]) -> None:
        """Take :meth:`export`'s findings as this build's own; their cache entries are kept for the next build."""
        store = self.store
        for shown, (key, rows) in exported.items():
            found = _findings(rows, shown)
            if found is None:
                raise ValueError(f"the scan of {shown} came back damaged")
            self.findings[shown] = found
            if key and store is not None and store.enabled and _findings(store.get(key), shown) is None:
                store.discard(key)  # missing, or not in the expected shape (the copy scanned the page again)
                store.put(key, rows)


def scan(site: Path, *, cached: bool = True, written: Written | None = None) -> list[Finding]:
    """Every finding in every file under ``site``; the pages in ``written`` were scanned as they were
    written, and are not read again.

    With ``cached`` (unless ``KCR_NO_CACHE=1``), each file's findings are kept by a digest of its bytes, its name, kcr's code
    (the allow-list is part of it) and the theme's version, in the user's cache folder and in this
    process (see :class:`kcr.cache.LineCache`), and taken from there when all are the same; a file
    whose size and times have not changed since this process read it is not read again.
    """
    out: list[Finding] = []
    pages = written.findings if written is not None else {}
    # one store for the run (it remembers only the entries a run used): the pages' entries are in it too
    store = (written.store if written is not None and written.store is not None else _store(site)) if cached else None
    if store is None or not store.enabled:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            shown = path.relative_to(site).as_posix()
            out.extend(pages[shown] if shown in pages else scan_file(path, shown))
        return out
    base = str(site)
    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, _, names in os.walk(base):  # strings, not paths: tens of thousands of files
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        for name in names:
            i = name.rfind(".")
            if i > 0 and name[i:].lower() in SCANNED_TYPES:
                shown = name if rel == "." else f"{rel}/{name}"
                found.append((tuple(shown.split("/")), os.path.join(dirpath, name)))
    for parts, name in sorted(found):  # the order of the uncached scan (sorted paths)
        shown = "/".join(parts)
        if shown in pages:
            out.extend(pages[shown])
        elif os.path.isfile(name):
            out.extend(_cached_scan(store, name, shown))
    if store is not None:
        store.save()
    return out


SCANNED_TYPES = HTML_TYPES | XML_TYPES | REFUSED_TYPES | CODE_TYPES
# in this process: file -> (lstat signature, cache key), for files unchanged since they were scanned
_SCANNED: dict[str, tuple[tuple[int, ...], str]] = {}


def _store(site: Path):
    from .cache import LineCache

    return LineCache(site, "scan")


@functools.cache
def _scan_fingerprint() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from .cache import digest
    from .records import fingerprint

    try:
        theme = version("mkdocs-material")
    except PackageNotFoundError:  # pragma: no cover - the theme is a dependency
        theme = "none"
    return digest(fingerprint(), theme, str(_theme_dir()))


def _cached_scan(store, path: str, shown: str) -> list[Finding]:
    import time


    try:
        st = os.lstat(path)
        sig = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
    except OSError:
        sig = None
    seen = _SCANNED.get(str(path))
    key = seen[1] if sig is not None and seen is not None and seen[0] == sig else None
    if key is not None:
        hit = _findings(store.get(key), shown)
        if hit is not None:
            return hit
    with open(path, "rb") as fh:
        data = fh.read()
    key, hit = _stored_scan(store, data, shown)
    if sig is not None and time.time_ns() - max(sig[2], sig[3]) > 2_000_000_000:
        _SCANNED[str(path)] = (sig, key)
    return hit


def _stored_scan(store, data: bytes, shown: str) -> tuple[str, list[Finding]]:
    """(cache key, findings) of one file's bytes: taken from ``store`` when kept there, else scanned and kept."""
    import hashlib

    from .cache import digest

    key = digest(_scan_fingerprint(), shown, hashlib.sha256(data).hexdigest())
    hit = _findings(store.get(key), shown)
    if hit is None:
        store.discard(key)
        hit = scan_bytes(data, shown)
        store.put(key, [[f.line, f.col, f.what, f.todo] for f in hit])
    return key, hit


def _findings(value: object, shown: str) -> list[Finding] | None:
    """The stored findings of one file, or None when there are none stored or they are not in the expected shape."""
    if not isinstance(value, list):
        return None
    out = []
    for row in value:
        if not (isinstance(row, list) and len(row) == 4 and type(row[0]) is int and type(row[1]) is int
                and isinstance(row[2], str) and isinstance(row[3], str)):
            return None
        out.append(Finding(shown, *row))
    return out


def collect(site: Path) -> dict[str, dict[str, str]]:
    """What a built site's pages and files hold that the allow-list must name, for ``kcr allowlist``.

    Reads every HTML page's inline scripts (with the theme's base URL normalised),
    ``<style>`` elements and ``style=`` attributes, and every script or
    stylesheet file that is not the theme's own.
    """
    found: dict[str, dict[str, str]] = {"INLINE_SCRIPTS": {}, "INLINE_STYLES": {}, "STYLE_ATTRIBUTES": {}, "FILES": {}}
    names = {"script": "INLINE_SCRIPTS", "style": "INLINE_STYLES", "style-attr": "STYLE_ATTRIBUTES"}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        suffix = path.suffix.lower()
        if suffix in HTML_TYPES:
            tree = LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace"))
            for kind, text, _ in csp.inline_items(tree):
                text = csp.normalize_script(text) if kind == "script" else text
                found[names[kind]].setdefault(csp.digest(text), text)
        elif suffix in CODE_TYPES and not _is_theme_file(rel, data := path.read_bytes()):
            found["FILES"][rel] = csp.digest_bytes(data)
    return found


def allowlist_source(found: dict[str, dict[str, str]]) -> str:
    """The text of ``site_allowlist.py`` for what :func:`collect` found."""
    lines = [
        '"""What the theme and the project write inline into pages, and the project\'s own script and style files.',
        "",
        "Generated by `kcr allowlist --write SITE` from a built site; review every change by eye:",
        "each entry is code that readers' browsers will run or apply. Inline scripts are hashed",
        "with the theme's per-page base URL replaced by {base} (see kcr.csp.normalize_script);",
        "the Content-Security-Policy of each page names the exact hashes of its own inline code.",
        '"""',
        "",
    ]
    for name in ("INLINE_SCRIPTS", "INLINE_STYLES", "STYLE_ATTRIBUTES"):
        lines.append(f"{name}: dict[str, str] = {{")
        for h, text in sorted(found[name].items(), key=lambda kv: kv[1]):
            lines.append(f"    {h!r}:  # {_preview(text)[:70]}")
            lines.append(f"        {text!r},")
        lines.append("}")
    lines.append("# the project's own script and stylesheet files (the theme's are compared with the installed package)")
    lines.append("FILES: dict[str, str] = {")
    for rel, h in sorted(found["FILES"].items()):
        lines.append(f"    {rel!r}: {h!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"
