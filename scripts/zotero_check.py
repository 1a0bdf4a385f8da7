#!/usr/bin/env python3
"""What Zotero saves from the built site: runs Zotero's own translation-server against pages served on 127.0.0.1.

For three pages (a checked claim, a not-checkable claim, the home page) it records what Zotero's web
translators (Embedded Metadata) save, and what its import translators make of the claim's BibTeX, RIS
and CSL-JSON downloads: item type, creators (``name`` = one field, an organisation; ``firstName`` /
``lastName`` = a person), title, date, report type and number, institution, URL.  Values that change
with the day or the commit (access dates, the build date, the commit) are replaced by placeholders, so
the output can be compared with ``tests/fixtures/zotero/after.json``.

Setting up the translation-server (Node 18+; once):

    git clone --recurse-submodules https://github.com/zotero/translation-server /tmp/zts
    cd /tmp/zts && npm install --omit=dev

(If the git dependency ``wicked-good-xpath`` cannot be fetched, clone github.com/zotero/wicked-good-xpath
at commit 1b88459 and point package.json at it with ``"file:/path"``.)  Then:

    .venv/bin/python scripts/zotero_check.py --server-dir /tmp/zts            # starts and stops the server
    .venv/bin/python scripts/zotero_check.py --server-url http://127.0.0.1:1969  # a server already running
    ... --write tests/fixtures/zotero/after.json    # record;  --compare FILE  to check against a record

Exit status 1 when --compare finds a difference.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["claims/kratom-is-safer/", "claims/consult-healthcare-professionals/", ""]
IMPORTS = ["kratom-is-safer.bib", "kratom-is-safer.ris", "kratom-is-safer.json"]
KEEP = ("itemType", "creators", "title", "shortTitle", "date", "reportType", "reportNumber", "institution",
        "publisher", "websiteTitle", "versionNumber", "edition", "url", "language", "accessDate", "note")


def _post(url: str, body: str, timeout: float = 60) -> list[dict]:
    req = urllib.request.Request(url, data=body.encode("utf-8"), headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read().decode("utf-8"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(folder: Path):
    """The built site on http://127.0.0.1:PORT/ for as long as the block runs."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def translation_server(server_dir: Path | None, url: str | None):
    """A running translation-server: the one at ``url``, or one started from ``server_dir`` (and stopped)."""
    if url:
        yield url.rstrip("/")
        return
    assert server_dir is not None
    port = _free_port()
    import os

    # the server's settings come from the `config` package, which reads overrides from NODE_CONFIG
    env = {**os.environ, "NODE_CONFIG": json.dumps({"port": port})}
    proc = subprocess.Popen(["node", "src/server.js"], cwd=server_dir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
            except urllib.error.HTTPError:
                break  # the server answers (404 for /)
            except OSError:
                time.sleep(0.5)
                continue
            break
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def normalise(items: list[dict], stamps: dict[str, str], fields: tuple[str, ...] = ("accessDate",)) -> list[dict]:
    """The fields that matter, with the build's date and commit (only in ``fields``) and the time of the
    request replaced by placeholders."""
    out = []
    for item in items:
        kept = {k: item[k] for k in KEEP if k in item}
        for k in fields:
            v = kept.get(k)
            if not isinstance(v, str):
                continue
            if k == "accessDate" and re.match(r"\d{4}-\d\d-\d\dT", v):
                v = "(time of saving)"
            for placeholder, real in stamps.items():
                if real:
                    v = v.replace(real, placeholder)
            kept[k] = v
        out.append(kept)
    return out


def run(zotero: str, site: Path) -> dict:
    build = (site / "index.html").read_text(encoding="utf-8")
    m = re.search(r"Build ([0-9a-f]{12}|unknown) · (\d{4}-\d\d-\d\d|unknown)", build)
    commit, date = (m.group(1), m.group(2)) if m else ("", "")
    stamps = {"(build commit)": commit if commit != "unknown" else "",
              "(build date)": date if date != "unknown" else "",
              "(build date, with slashes)": date.replace("-", "/") if date != "unknown" else ""}
    result: dict = {"web": {}, "import": {}}
    with serve(site) as base:
        for page in PAGES:
            fields = ("accessDate", "date", "reportNumber") if not page else ("accessDate",)
            result["web"][page or "(home)"] = normalise(_post(f"{zotero}/web", base + page), stamps, fields)
    for name in IMPORTS:
        body = (site / "data" / "cite" / name).read_text(encoding="utf-8")
        result["import"][name] = normalise(_post(f"{zotero}/import", body), stamps)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server-dir", type=Path, help="a translation-server checkout (npm-installed) to start")
    ap.add_argument("--server-url", help="a translation-server already running, e.g. http://127.0.0.1:1969")
    ap.add_argument("--site", type=Path, help="an already built site (default: build one with kcr build)")
    ap.add_argument("--write", type=Path, help="write the result as JSON here")
    ap.add_argument("--compare", type=Path, help="compare the result with this JSON file")
    args = ap.parse_args(argv)
    if not (args.server_dir or args.server_url):
        ap.error("give --server-dir or --server-url (see the setup steps at the top of this script)")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(ROOT), "build", "--site-dir", str(site)],
                           check=True, capture_output=True)
        with translation_server(args.server_dir, args.server_url) as zotero:
            result = run(zotero, site)
    text = json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    if args.compare:
        want = json.loads(args.compare.read_text(encoding="utf-8"))
        if want != result:
            print(text)
            print(f"differs from {args.compare}", file=sys.stderr)
            return 1
        print(f"same as {args.compare}")
    elif not args.write:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
