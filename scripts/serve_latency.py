"""Measure how long `kcr serve` takes from saving a claim record to serving the rebuilt page.

    python scripts/serve_latency.py [--runs 5]

Works on a temporary copy of the repository (the real files are never edited):
starts `kcr serve` on a free loopback port, waits for the first build, then
for each run appends a marker to one record's bottom line, saves it, and
polls the claim page until the marker appears.  Prints each time and the median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAIM = "kratom-reduces-cravings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "site", ".git", "__pycache__"))
        port = free_port()
        from urllib.parse import urlsplit

        import yaml

        prefix = urlsplit(yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path
        url = f"http://127.0.0.1:{port}{prefix}claims/{CLAIM}/"  # mkdocs serve mounts the site at site_url's path
        proc = subprocess.Popen([sys.executable, "-m", "kcr.cli", "--root", str(root), "serve", "--dev-addr",
                                 f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # its own process group: mkdocs runs as a child
        try:
            deadline = time.monotonic() + 120
            while "Verdict" not in fetch(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("kcr serve did not come up", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            record = root / "claims" / f"{CLAIM}.yaml"
            original = record.read_text(encoding="utf-8")
            times = []
            for i in range(args.runs):
                marker = f"edit marker {i} {time.time_ns()}"
                record.write_text(original.replace("bottom_line: >-\n", f"bottom_line: >-\n  {marker}\n", 1),
                                  encoding="utf-8")
                start = time.monotonic()
                while marker not in fetch(url):
                    if time.monotonic() - start > 60:
                        print(f"run {i}: page not rebuilt within 60 s", file=sys.stderr)
                        return 1
                    time.sleep(0.05)
                times.append(time.monotonic() - start)
                print(f"run {i + 1}: {times[-1]:.2f} s from save to rebuilt page")
                time.sleep(1.5)
            print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} runs")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
