"""`kcr serve` while a record is broken: every page lists the problems (escaped) instead of hanging,
and the site comes back when the record is fixed; open pages reload by themselves under the policy."""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from browser import ARGS, CHROMIUM, copy_project, require_browser
from conftest import ROOT
from kcr import check

RECORD = "claims/kratom-is-safer.yaml"
# the verdict badge of that record as the page shows it
SAFER_VERDICT = "Verdict: " + yaml.safe_load((ROOT / RECORD).read_text(encoding="utf-8"))["verdict"].replace(
    "-", " ").capitalize()
MOUNT = "kratom-claims-review/"  # mkdocs serves under site_url's path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    """GET with a timeout: a hanging request fails the test instead of stalling it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def wait_for(url: str, status: int, seconds: float = 60) -> str:
    end, last = time.monotonic() + seconds, None
    while time.monotonic() < end:
        try:
            last = get(url)
            if last[0] == status:
                return last[1]
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {status} within {seconds}s (last: {str(last)[:300]})")


class Serve:
    """`kcr serve` on a free port in its own process group, stopped by that group's id."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.log = (root.parent / "serve.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kcr.cli", "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/{MOUNT}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Serve]]:
    root = copy_project(tmp_path / "project")
    srv = Serve(root)
    try:
        yield root, srv
    finally:
        srv.stop()


def break_record(root: Path, verdict: str) -> list[str]:
    """Give the record an invalid verdict; return the checker's problems, as the page must show them."""
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nverdict: ", f"\nverdict: {verdict!r}  # was: ", 1), encoding="utf-8")
    return [str(p) for p in check.load(root).problems]


def test_a_broken_record_shows_its_problems_on_every_page_and_the_site_recovers(served) -> None:
    root, srv = served
    original = (root / RECORD).read_text(encoding="utf-8")
    page = wait_for(srv.url + "claims/kratom-is-safer/", 200)
    assert SAFER_VERDICT in page
    problems = break_record(root, "<script>alert(1)</script>")
    assert len(problems) == 1 and problems[0].startswith(f"{RECORD}:")
    body = wait_for(srv.url + "claims/", 503, seconds=30)
    assert f"<li><code>{html.escape(problems[0])}</code></li>" in body
    assert "<script>alert(1)</script>" not in body
    assert "<h1>The records do not pass the checker</h1>" in body
    for rel in ("", "claims/kratom-is-safer/", "references/", "methodology/", "404.html"):
        status, other = get(srv.url + rel)
        assert status == 503 and html.escape(problems[0]) in other, rel
    (root / RECORD).write_text(original, encoding="utf-8")
    page = wait_for(srv.url + "claims/kratom-is-safer/", 200, seconds=30)
    assert SAFER_VERDICT in page
    assert 'http-equiv="Content-Security-Policy"' in page


def test_serve_starts_on_a_broken_record_and_shows_the_problems(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    problems = break_record(root, "bogus")
    srv = Serve(root)
    try:
        body = wait_for(srv.url, 503)
        assert f"<li><code>{html.escape(problems[0])}</code></li>" in body
    finally:
        srv.stop()


def test_open_pages_reload_to_the_problems_and_back_under_the_policy(served) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    root, srv = served
    original = (root / RECORD).read_text(encoding="utf-8")
    wait_for(srv.url + "claims/kratom-is-safer/", 200)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 503" not in m.text else None)
        page.goto(srv.url + "claims/kratom-is-safer/")
        assert page.locator(".kcr-verdict").inner_text() == SAFER_VERDICT
        break_record(root, "bogus")
        page.locator("h1", has_text="The records do not pass the checker").wait_for(timeout=30_000)
        data = yaml.safe_load(original)
        data["conclusion"] = "Reloaded. " + data["conclusion"]
        (root / RECORD).write_text("# yaml-language-server: $schema=../schema/claim.schema.json\n"
                                   + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                                   encoding="utf-8")
        page.locator("text=Reloaded.").first.wait_for(timeout=30_000)
        browser.close()
    assert errors == []
