"""Shared helpers for the real-browser tests: build, serve, and drive Debian's Chromium with Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import copy_project  # noqa: F401 - re-exported for the browser tests

CHROMIUM = os.environ.get("KCR_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("KCR_REQUIRE_BROWSER") == "1"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def require_browser() -> None:
    """Skip (or, in CI with KCR_REQUIRE_BROWSER=1, fail) when Chromium or Playwright is missing."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        msg = "browser tests need " + " and ".join(missing)
        if REQUIRED:
            pytest.fail(msg)
        pytest.skip(msg)


def build(root: Path, out: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(out)],
                          capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


class Server:
    """A static file server on a free loopback port, in a thread; fails loudly if it died."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        assert self.thread.is_alive(), "the test web server died"
        with socket.create_connection(("127.0.0.1", self.port), timeout=2):
            pass
        return f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
