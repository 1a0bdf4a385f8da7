"""Every page light at thousands of claims: build a synthetic review, measure every page, check the listings in Chromium.

    python scripts/index_pages_check.py --synthetic 5000          # 5,000 claims, 10,000 references
    python scripts/index_pages_check.py --root DIR --site SITE    # a project already built into SITE

Prints the largest HTML page of the site, every listing's pages (count, largest), the claims index's
data files, and any file over the limit (500 KB); then, in Chromium (Debian's /usr/bin/chromium,
through Playwright), on the claims index: nothing fetched as the page opens, a filter and a sort that
span every claim (compared with the records), a filter from the address, and a search through the
header's box (Pagefind) that finds a claim by a word of its statement.  Exits 1 if a page is over the
limit or a check fails.  Prints the load average with the figures (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

LIMIT = 500 * 1024
WINDOW = 500  # claims the index lists at a time once it has loaded them all (docs/assets/kcr.js)
LISTINGS = ("claims", "references", "evidence", "coverage")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    except OSError:
        return "?"


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def sizes(site: Path) -> int:
    """Print the page sizes; return the number of HTML pages over the limit."""
    pages = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    biggest = max(pages.items(), key=lambda kv: kv[1])
    print(f"HTML pages: {len(pages):,}; largest {biggest[0]} {kb(biggest[1])}")
    for listing in LISTINGS:
        own = {k: v for k, v in pages.items() if k == f"{listing}/index.html" or k.startswith(f"{listing}/page/")}
        top = max(own.items(), key=lambda kv: kv[1])
        print(f"  {listing + '/':13} {len(own):4} page(s); first {kb(own[f'{listing}/index.html'])}, "
              f"largest {top[0]} {kb(top[1])}")
    data = sorted((site / "data" / "claims-index").glob("*.json"))
    if data:
        print(f"  claims data   {len(data):4} file(s); largest {kb(max(p.stat().st_size for p in data))}, "
              f"together {kb(sum(p.stat().st_size for p in data))}")
    over = sorted((k, v) for k, v in pages.items() if v > LIMIT)
    others = sorted((p.relative_to(site).as_posix(), p.stat().st_size) for p in site.rglob("*")
                    if p.is_file() and p.suffix != ".html" and p.stat().st_size > LIMIT)
    print(f"HTML pages over {kb(LIMIT)}: {len(over)}" + "".join(f"\n  {k} {kb(v)}" for k, v in over))
    if others:
        print("other files over the limit (downloads, images; not pages):"
              + "".join(f"\n  {k} {kb(v)}" for k, v in others))
    return len(over)


def browser_checks(root: Path, site: Path) -> list[str]:
    """The claims index and the search in Chromium; returns what failed."""
    from playwright.sync_api import expect as saw
    from playwright.sync_api import sync_playwright

    from browser import ARGS, CHROMIUM, Server
    from kcr import check
    from kcr.render.sentences import article_order

    review = check.load(root)
    claims = article_order(review)
    n = len(claims)
    failed: list[str] = []

    def expect(ok: bool, what: str) -> None:
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            failed.append(what)

    srv = Server(site)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = b.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            rows = page.locator("#kcr-claims tbody tr")

            def count_says(text: str) -> None:
                saw(page.locator(".kcr-count")).to_have_text(text, timeout=60_000)

            def counted(k: int) -> str:  # what the count says once k claims match (500 listed at a time)
                if k <= WINDOW:
                    return f"{k} of {n} claims shown"
                return f"Showing {WINDOW} of {k} matching claims ({n} in all)" if k < n else f"Showing {WINDOW} of {n} claims"

            def show_all() -> int:
                """Press "Show … more" until every matching claim is listed; how many presses."""
                more, presses = page.locator("button.kcr-more"), 0
                while more.count() and more.is_visible():
                    more.click()
                    presses += 1
                return presses

            def listed() -> list[str]:
                return page.locator("#kcr-claims tbody tr:not([hidden]) td:first-child a").evaluate_all(
                    "as => as.map(a => new URL(a.href).pathname.split('/').filter(Boolean).pop())")

            t0 = time.perf_counter()
            page.goto(srv.url + "claims/")
            page.wait_for_load_state("networkidle")
            print(f"claims/ opened in {time.perf_counter() - t0:.2f} s with {rows.count()} rows")
            expect(not [u for u in requests if "claims-index" in u], "no data file fetched as the page opens")
            expect(rows.count() < n, f"page 1 lists {rows.count()} of {n} claims")
            verdict = "unsupported"
            want = [c.id for c in claims if (c.data.get("verdict") or "none") == verdict]
            t0 = time.perf_counter()
            page.select_option('select[data-filter="verdict"]', verdict)
            count_says(counted(len(want)))
            print(f"filter (loads {len([u for u in requests if 'claims-index' in u])} data files, builds {n} rows, "
                  f"lists {min(len(want), WINDOW)}): {time.perf_counter() - t0:.2f} s")
            expect(listed() == want[:WINDOW], f"filter verdict={verdict}: the first {min(len(want), WINDOW)} listed "
                   f"of {len(want)} in the records ({page.locator('.kcr-count').inner_text()!r})")
            t0 = time.perf_counter()
            presses = show_all()
            print(f"'Show more' pressed {presses} time(s) to list all {len(want)}: {time.perf_counter() - t0:.2f} s")
            expect(listed() == want, f"filter verdict={verdict}: {len(listed())} listed, {len(want)} in the records")
            expect(page.locator(".kcr-count").inner_text() == f"{len(want)} of {n} claims shown",
                   f"count says: {page.locator('.kcr-count').inner_text()!r}")
            page.select_option('select[data-filter="verdict"]', "")
            count_says(counted(n))
            t0 = time.perf_counter()
            page.click("#kcr-claims th:has-text('References')")
            saw(page.locator("#kcr-claims th[aria-sort=ascending]")).to_have_count(1)
            values = page.locator("#kcr-claims tbody tr td:nth-child(6)").evaluate_all(
                "tds => tds.map(t => +t.dataset.value)")
            print(f"sort by references over {n} claims, {len(values)} listed: {time.perf_counter() - t0:.2f} s")
            records = sorted(len({e["ref"] for e in c.data.get("evidence") or []}) for c in claims)
            expect(values == records[:WINDOW], f"sort by references: the first {len(values)} of all {n} claims")
            show_all()
            values = page.locator("#kcr-claims tbody tr td:nth-child(6)").evaluate_all(
                "tds => tds.map(t => +t.dataset.value)")
            expect(values == records, f"sort by references spans all {n} claims, ascending")
            page.goto(srv.url + "claims/page/3/?verdict=inaccurate")
            want = [c.id for c in claims if c.data.get("verdict") == "inaccurate"]
            count_says(counted(len(want)))
            show_all()
            expect(listed() == want, f"address filter on page 3: {len(want)} inaccurate claims")
            # search: a claim found by a word of its statement, through the header's box
            target = next(c for c in claims if c.data.get("checkable"))
            word = max(re.findall(r"[a-z]{6,}", target.data["statement"].lower()), key=len, default="kratom")
            page.goto(srv.url + f"claims/{target.id}/")
            page.wait_for_load_state("networkidle")
            before = len(requests)
            t0 = time.perf_counter()
            page.fill("input.md-search__input", word)
            results = page.locator(".md-search-result__item a")
            results.first.wait_for(timeout=60_000)
            hrefs = results.evaluate_all("links => links.map(a => a.href)")
            print(f"search {word!r}: {len(hrefs)} results shown in {time.perf_counter() - t0:.2f} s "
                  f"({len(requests) - before} requests)")
            expect(any("/claims/" in h for h in hrefs), "search finds claim pages")
            expect(errors == [], f"no console errors ({errors[:3]})")
            b.close()
    finally:
        srv.close()
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, help="make a synthetic review of N claims (2N references)")
    parser.add_argument("--root", type=Path, help="an existing project (instead of --synthetic)")
    parser.add_argument("--site", type=Path, help="its built site (built here if missing)")
    parser.add_argument("--no-browser", action="store_true", help="sizes only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kcr-pages-"))
    print(f"load average at start: {loadavg()}")
    if args.synthetic:
        from kcr import synthetic

        root = work / f"kcr-{args.synthetic}"
        t = time.perf_counter()
        synthetic.make(root, args.synthetic, 2 * args.synthetic, seed=0)
        print(f"synthetic review: {args.synthetic:,} claims, {2 * args.synthetic:,} references "
              f"({time.perf_counter() - t:.0f} s)")
    elif args.root:
        root = args.root
    else:
        parser.error("--synthetic N or --root DIR")
    site = args.site or work / "site"
    if not (site / "index.html").exists():
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(site)],
                              capture_output=True, text=True, env=dict(os.environ))
        if proc.returncode != 0:
            print(proc.stdout + proc.stderr)
            return 1
        print(f"built in {time.perf_counter() - t:.0f} s (load average {loadavg()})")
    over = sizes(site)
    failed = [] if args.no_browser else browser_checks(root, site)
    print(f"load average at end: {loadavg()}; work folder {work} (remove it when done)")
    return 1 if over or failed else 0


if __name__ == "__main__":
    sys.exit(main())
