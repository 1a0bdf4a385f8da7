"""Full-page screenshots of every page type at phone, tablet and desktop width, light and dark.

    python scripts/screenshots.py [--site-dir DIR] [--out screenshots] [--only claim,home] [--pdf]
    python scripts/screenshots.py --readme media/screenshots   # the README's four pictures

Without --site-dir it builds the site (``kcr build``) into a temporary folder
first. Pages are served from a loopback port and captured with Playwright
driving Debian's Chromium (``KCR_CHROMIUM`` overrides /usr/bin/chromium).
The PNGs go to ``screenshots/`` (git-ignored), named
``<page>-<width>-<light|dark>.png``; look at them before committing a change
to a page. ``--readme DIR`` instead writes the first screen of the home page and
of a claim page at desktop and phone width (light), as shown in README.md.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KCR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WIDTHS = (375, 768, 1280)
SCHEMES = ("light", "dark")
# one page of every type; the claim page is one with a full evidence table
PAGES = {
    "home": "",
    "claims-index": "claims/",
    "claim": "claims/kratom-is-safer/",
    "claim-not-checkable": "claims/safe-use-is-essential/",
    "evidence-map": "evidence/",
    "references-index": "references/",
    "reference": "references/singh2014kratom/",
    "coverage": "coverage/",
    "methodology": "methodology/",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build(site: Path) -> None:
    cmd = [sys.executable, "-m", "kcr.cli", "--root", str(ROOT), "build", "--site-dir", str(site)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"build failed:\n{proc.stdout}{proc.stderr}")


def shoot(site: Path, out: Path, only: set[str] | None = None, print_pdf: bool = False) -> list[Path]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for scheme in SCHEMES:
                for width in WIDTHS:
                    # the theme follows prefers-color-scheme until the reader picks a palette
                    context = browser.new_context(viewport={"width": width, "height": 900},
                                                  color_scheme=scheme, is_mobile=width < 700,
                                                  has_touch=width < 700)
                    page = context.new_page()
                    for name, rel in PAGES.items():
                        if only and name not in only:
                            continue
                        page.goto(base + rel)
                        page.wait_for_load_state("networkidle")
                        page.wait_for_timeout(150)
                        path = out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(path), full_page=True)
                        written.append(path)
                    context.close()
            if print_pdf:
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + PAGES["claim"])
                page.wait_for_load_state("networkidle")
                pdf = out / "claim-print.pdf"
                page.pdf(path=str(pdf), format="A4")
                written.append(pdf)
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return written


README_SHOTS = {"home": PAGES["home"], "claim": PAGES["claim"]}
README_SIZES = {"desktop": (1280, 860), "phone": (375, 812)}


def shoot_readme(site: Path, out: Path) -> list[Path]:
    """The first screen (not the full page) of the home and a claim page, desktop and phone, light."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for size, (width, height) in README_SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light",
                                              is_mobile=width < 700, has_touch=width < 700)
                page = context.new_page()
                for name, rel in README_SHOTS.items():
                    page.goto(base + rel)
                    page.wait_for_load_state("networkidle")
                    path = out / f"{name}-{size}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="where the PNGs go (default: screenshots/)")
    parser.add_argument("--only", help="comma-separated page names: " + ", ".join(PAGES))
    parser.add_argument("--pdf", action="store_true", help="also print the claim page to claim-print.pdf")
    parser.add_argument("--readme", metavar="DIR", help="write the README's screenshots to DIR instead")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    if only and only - set(PAGES):
        parser.error(f"unknown page(s): {', '.join(sorted(only - set(PAGES)))}")
    def run(site: Path) -> list[Path]:
        if args.readme:
            return shoot_readme(site, Path(args.readme))
        return shoot(site, Path(args.out), only, args.pdf)

    if args.site_dir:
        written = run(Path(args.site_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="kcr-shots-") as tmp:
            build(Path(tmp) / "site")
            written = run(Path(tmp) / "site")
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
