"""Measure how long `kcr serve` takes from saving a claim record to serving the rebuilt page.

    python scripts/serve_latency.py [--runs 5] [--synthetic N]

Works on a temporary copy of the repository (the real files are never edited),
or with ``--synthetic N`` on a synthetic project of N claims and 2N references
(``kcr.synthetic.make``): starts `kcr serve` on a free loopback port, waits for
the first build, then for each run appends a marker to one record's bottom
line, saves it, and polls the claim page until the marker appears.  Prints
each time and the median.  The user cache folder is a fresh one (XDG_CACHE_HOME),
as on a contributor's first `kcr serve`.
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


def load_average() -> list[str]:
    """The 1, 5 and 15 minute load averages (Linux; '?' elsewhere): timings mean little on a busy machine."""
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    except OSError:
        return ["?"]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, metavar="N", help="a synthetic project of N claims, 2N references")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for one rebuilt page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        root = Path(tmp) / "repo"
        claim = CLAIM
        if args.synthetic:
            sys.path.insert(0, str(ROOT / "src"))
            from kcr import synthetic

            synthetic.make(root, args.synthetic, 2 * args.synthetic)
            names = sorted(p.stem for p in (root / "claims").glob("*.yaml"))
            claim = next(n for n in names[args.synthetic // 2:] + names
                         if 'bottom_line: "' in (root / "claims" / f"{n}.yaml").read_text(encoding="utf-8"))
        else:
            shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "site", ".git", "__pycache__"))
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        env.pop("KCR_NO_CACHE", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
        port = free_port()
        from urllib.parse import urlsplit

        import yaml

        prefix = urlsplit(yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path
        url = f"http://127.0.0.1:{port}{prefix}claims/{claim}/"  # mkdocs serve mounts the site at site_url's path
        log = open(Path(tmp) / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 - closed with the folder
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "kcr.cli", "--root", str(root), "serve", "--dev-addr",
                                 f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # its own process group: mkdocs runs as a child
        try:
            deadline = time.monotonic() + max(120, (args.synthetic or 0) * 0.5)
            while "Verdict" not in fetch(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("kcr serve did not come up:\n" + (Path(tmp) / "serve.log").read_text()[-3000:], file=sys.stderr)
                    return 1
                time.sleep(0.2)
            print(f"first build served after {time.monotonic() - started:.1f} s ({claim}; "
                  f"load average {' '.join(load_average())})")
            time.sleep(3)  # let the server settle (the search index is written after the first build)
            record = root / "claims" / f"{claim}.yaml"
            original = record.read_text(encoding="utf-8")
            times = []
            for i in range(args.runs):
                marker = f"edit marker {i} {time.time_ns()}"
                edited = original.replace("bottom_line: >-\n", f"bottom_line: >-\n  {marker}\n", 1)
                if edited == original:  # a quoted bottom line (the synthetic records)
                    edited = original.replace('bottom_line: "', f'bottom_line: "{marker} ', 1)
                record.write_text(edited, encoding="utf-8")
                start = time.monotonic()
                while marker not in fetch(url):
                    if time.monotonic() - start > args.timeout:
                        print(f"run {i}: page not rebuilt within {args.timeout:g} s", file=sys.stderr)
                        return 1
                    time.sleep(0.05)
                times.append(time.monotonic() - start)
                print(f"run {i + 1}: {times[-1]:.2f} s from save to rebuilt page")
                time.sleep(1.5)
            print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} runs "
                  f"(load average {' '.join(load_average())})")
            log.flush()
            for line in (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace").splitlines():
                if "Rebuilt" in line:  # where each rebuild's time went, as kcr serve logs it
                    print("  serve: " + line.split("-  ", 1)[-1])
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
