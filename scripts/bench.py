"""Benchmark the checker and the site build on synthetic projects of growing size.

    python scripts/bench.py --sizes 100 1000 5000 [--out BENCHMARKS.md]

For each N (claims; references = 2N by default) this writes a synthetic project
(``kcr.synthetic.make``) and measures, each in a fresh subprocess:

* the checker: ``check.load`` (imports excluded; best of ``--repeat`` runs), cold (an empty
  cache), and after one record changed: in the same process (as ``kcr serve`` runs it) and in a
  new process with the user cache warm (as a new ``kcr check``);
* ``kcr generate`` from clean (check + render + write, no MkDocs);
* the full ``kcr build`` (check + generate + ``mkdocs build --strict``): wall time
  and peak resident memory (``/usr/bin/time -v`` when present, otherwise
  ``getrusage(RUSAGE_CHILDREN)`` in a wrapper process);
* ``kcr build`` again after one record changed (the caches warm, as a contributor rebuilds);
* the output: size of site/, the largest claim and reference page, the index
  pages, and the search index (Pagefind's folder, total and per claim);
* what a reader downloads to open a claim page and run one search
  (``scripts/search_bytes.py`` in Chromium; theme assets left out), when Chromium
  and Playwright are there;
* a baseline: a plain Material site (same mkdocs-material, ``theme.font: false``,
  the search plugin) with as many pages as the generated claim and reference
  pages, each plain Markdown of the same length, kept out of the nav with
  ``not_in_nav``, built with ``mkdocs build``.

At ``--profile-size`` (default 1000, when it is among the sizes) the generate step
and ``mkdocs build`` are run under cProfile and the top functions are reported;
the checker is profiled at the largest size.

references.bib is limited to ``kcr.bib.MAX_BYTES``.  When the synthetic file
(sized like the real entries) is larger, the run records what the unmodified
checker says and then lifts the limit for the measurements only, through a
``sitecustomize`` shim on PYTHONPATH; the report says so.

No timing is asserted here: the report prints each target as met or missed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pickle
import platform
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from kcr import bib, synthetic  # noqa: E402

GNU_TIME = "/usr/bin/time"
STATE = "bench-state.pickle"  # results of the last run in --workdir, for --report-only
NOTES_BEGIN = "<!-- notes: kept by scripts/bench.py when it rewrites this file -->"
NOTES_END = "<!-- end of notes -->"
INDEX_PAGES = ("index.html", "claims/index.html", "references/index.html", "coverage/index.html",
               "evidence/index.html")

TARGETS = {
    "checker": 2.0,          # seconds at 5,000 claims + 10,000 references
    "scaling": 5.5,          # build time(5000) / time(1000)
    "baseline": 1.0,         # build(5000) / baseline(5000), measured side by side in one run
    "page_kb": 500.0,        # largest HTML page of the whole site, index pages included (N = 5,000)
    "serve_s": 3.0,          # kcr serve: a saved record's page rebuilt and served (N = 5,000)
    "search_read_kb": 500.0,  # bytes a reader downloads to open a claim page and run one search (N = 5,000)
    "checker_changed": 0.3,  # seconds to check again after one record changed (N = 5,000)
    "memory_mb": 1024.0,     # peak resident memory of the build at 5,000
}


@dataclass
class Run:
    wall: float
    rc: int
    max_rss_kb: int | None
    log: str
    cpu: float | None = None  # user + system seconds of the whole process tree
    load: float | None = None  # 1-minute load average at the end of the run

    @property
    def cpu_text(self) -> str:
        return "n/a" if self.cpu is None else f"{self.cpu:.1f} s"


@dataclass
class Result:
    n: int
    refs: int
    bib_bytes: int = 0
    claims_bytes: int = 0
    limit_lifted: bool = False
    unpatched_problems: list[str] = field(default_factory=list)
    checker: float = 0.0
    checker_cpu: float = 0.0  # this process and its worker processes
    checker_workers_cpu: float = 0.0
    checker_problems: int = 0
    generate: float = 0.0
    generate_cpu: float | None = None
    pages: int = 0
    build: Run | None = None
    mkdocs_reported: float | None = None
    rebuild: Run | None = None
    site_bytes: int = 0
    site_files: int = 0
    largest_claim: tuple[int, str] = (0, "")
    largest_ref: tuple[int, str] = (0, "")
    largest_page: tuple[int, str] = (0, "")  # every HTML page of the site
    checker_warm: float | None = None  # new process, user cache warm, nothing changed
    checker_warm_cpu: float | None = None
    serve: dict | None = None  # scripts/serve_latency.py: median and max seconds from save to page
    index_pages: dict[str, int] = field(default_factory=dict)
    search_bytes: int = 0
    search_read: dict | None = None  # scripts/search_bytes.py's result
    checker_changed: float | None = None  # same process, one record changed
    checker_changed_cpu: float | None = None
    checker_warm_disk: float | None = None  # new process, user cache warm, one record changed
    checker_warm_disk_cpu: float | None = None
    rebuild_changed: Run | None = None
    baseline: Run | None = None
    baseline_pages: int = 0
    baseline_site_bytes: int = 0
    baseline_search_bytes: int = 0

    @property
    def ratio(self) -> float | None:
        if self.build and self.baseline and self.baseline.wall:
            return self.build.wall / self.baseline.wall
        return None

    @property
    def cpu_ratio(self) -> float | None:
        if self.build and self.baseline and self.build.cpu and self.baseline.cpu:
            return self.build.cpu / self.baseline.cpu
        return None


# --- running things ---------------------------------------------------------------------------------------


def measured(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Run ``cmd``; wall time, exit code and peak RSS (kB) of the process tree's largest process."""
    mem = log.with_suffix(".rss")
    if os.access(GNU_TIME, os.X_OK):
        full = [GNU_TIME, "-v", "-o", str(mem), *cmd]
    else:  # a wrapper that reports the largest child's maximum RSS
        wrapper = ("import resource, subprocess, sys\n"
                   "rc = subprocess.call(sys.argv[2:])\n"
                   "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                   "open(sys.argv[1], 'w').write('Maximum resident set size (kbytes): %d\\n"
                   "User time (seconds): %.2f\\nSystem time (seconds): %.2f\\n'"
                   " % (u.ru_maxrss, u.ru_utime, u.ru_stime))\n"
                   "sys.exit(rc)\n")
        full = [sys.executable, "-c", wrapper, str(mem), *cmd]
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        rc = subprocess.call(full, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    rss = cpu = None
    if mem.exists():
        stats = mem.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats)
        rss = int(m.group(1)) if m else None
        times = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([0-9.]+)", stats)]
        cpu = sum(times) if len(times) == 2 else None
    return Run(wall, rc, rss, log.read_text(encoding="utf-8", errors="replace"), cpu, os.getloadavg()[0])


SRC = REPO / "src"  # replaced by a snapshot of src/ in main(), so that edits during a run do not mix in


def fresh_cache(work: Path, label: str) -> Path:
    """An empty cache folder (XDG_CACHE_HOME), so that a run starts cold: kcr caches formatted references there."""
    path = work / "cache" / label
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def bench_env(shim: Path | None, lift: int | None, cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    env.pop("KCR_NO_CACHE", None)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["SOURCE_DATE_EPOCH"] = "1764028800"  # fixed, so that builds are comparable (and no git lookup)
    env.pop("KCR_BENCH_BIB_MAX_BYTES", None)
    if shim is not None and lift:
        env["KCR_BENCH_BIB_MAX_BYTES"] = str(lift)
        env["PYTHONPATH"] = os.pathsep.join([str(shim), str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    else:
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


SHIM = '''\
"""Benchmark-only: lift kcr's references.bib size limit (scripts/bench.py)."""
import os

_limit = os.environ.get("KCR_BENCH_BIB_MAX_BYTES")
if _limit:
    try:
        import kcr.bib

        kcr.bib.MAX_BYTES = int(_limit)
    except Exception:  # noqa: BLE001 - never break the interpreter over a benchmark shim
        pass
'''

CHECKER = '''\
import json, sys, time
from pathlib import Path
from kcr import check
import resource
root = Path(sys.argv[1])
best, problems = None, []


def kids():  # the worker processes (kcr.parallel) this process has waited for: their CPU time counts too
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


for _ in range(int(sys.argv[2])):
    t, c, w = time.perf_counter(), time.process_time(), kids()
    review = check.load(root)
    t, c, w = time.perf_counter() - t, time.process_time() - c, kids() - w
    if best is None or t < best[0]:
        best = (t, c + w, w)
    problems = [str(p) for p in review.problems]
print(json.dumps({"seconds": best[0], "cpu": best[1], "problems": len(problems), "first": problems[:3],
                  "workers_cpu": best[2]}))
'''


CHANGED = '''\
import json, sys, time
from pathlib import Path
from kcr import check
root, record = Path(sys.argv[1]), Path(sys.argv[2])
review = check.load(root)  # fills the caches
time.sleep(2.5)  # files changed in the last 2 s are always read again (kcr.records.RACY_NS)
check.load(root)
original = record.read_text(encoding="utf-8")
best = None
for i in range(int(sys.argv[3])):
    record.write_text(original.replace('\\nconclusion: "', f'\\nconclusion: "E{i:05d} ', 1), encoding="utf-8")  # 7 more characters
    t, c = time.perf_counter(), time.process_time()
    review = check.load(root)
    t, c = time.perf_counter() - t, time.process_time() - c
    if best is None or t < best[0]:
        best = (t, c)
record.write_text(original, encoding="utf-8")
print(json.dumps({"seconds": best[0], "cpu": best[1], "problems": len(review.problems)}))
'''

WARM = '''\
import json, sys, time
from pathlib import Path
from kcr import check
root = Path(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
review = check.load(root)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "problems": len(review.problems)}))
'''


def changed_record(root: Path) -> Path:
    """A checkable record in the middle of claims/ (its conclusion is edited to measure a change)."""
    names = sorted((root / "claims").glob("*.yaml"))
    # a quoted conclusion with room for the 7 to 23 characters the measurements add (the limit is 200)
    return next(p for p in names[len(names) // 2:] + names
                if (m := re.search(r'\nconclusion: "([^"\n]*)"\n', p.read_text(encoding="utf-8"))) and len(m.group(1)) <= 170)


def run_checker_changed(root: Path, env: dict[str, str], repeat: int) -> tuple[dict, dict]:
    """(one record changed in the same process, one record changed in a new process with the cache warm)."""
    record = changed_record(root)
    proc = subprocess.run([sys.executable, "-c", CHANGED, str(root), str(record), str(repeat)], env=env,
                          capture_output=True, text=True, check=True)
    same = json.loads(proc.stdout.strip().splitlines()[-1])
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace('\nconclusion: "', '\nconclusion: "Edited in a new process. ', 1), encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "-c", WARM, str(root)], env=env, capture_output=True, text=True,
                              check=True)
    finally:
        record.write_text(original, encoding="utf-8")
    return same, json.loads(proc.stdout.strip().splitlines()[-1])


def run_checker(root: Path, env: dict[str, str], repeat: int) -> dict:
    """The checker cold: each run a new process with the user cache folder emptied first (best of ``repeat``);
    the last run's cache is left for the measurements that follow."""
    best: dict | None = None
    for _ in range(max(1, repeat)):
        if env.get("XDG_CACHE_HOME"):
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
            Path(env["XDG_CACHE_HOME"]).mkdir(parents=True)
        proc = subprocess.run([sys.executable, "-c", CHECKER, str(root), "1"], env=env,
                              capture_output=True, text=True, check=True)
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    assert best is not None
    return best


def clean_generated(root: Path) -> None:
    from kcr.synthetic import _owned

    for name in _owned():
        shutil.rmtree(root / "docs" / name, ignore_errors=True)


# --- sizes ------------------------------------------------------------------------------------------------


def tree_bytes(path: Path) -> tuple[int, int]:
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return total, files


def largest(folder: Path) -> tuple[int, str]:
    best = (0, "")
    if folder.is_dir():
        for sub in folder.iterdir():
            page = sub / "index.html"
            if sub.is_dir() and page.exists():
                best = max(best, (page.stat().st_size, sub.name))
    return best


def largest_html(site: Path) -> tuple[int, str]:
    """The largest HTML page anywhere in the site (size, path)."""
    best = (0, "")
    for dirpath, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                best = max(best, (os.path.getsize(path), os.path.relpath(path, site)))
    return best


def serve_latency(n: int, runs: int, logs: Path | None = None) -> dict | None:
    """scripts/serve_latency.py --synthetic N: seconds from saving a record to its rebuilt page being served
    (its output, with kcr serve's line for each rebuild, kept in ``logs``/serve-N.log)."""
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "serve_latency.py"), "--synthetic", str(n),
                           "--runs", str(runs)], capture_output=True, text=True, check=False)
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"serve-{n}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    m = re.search(r"median ([0-9.]+) s, max ([0-9.]+) s over (\d+) runs", proc.stdout)
    first = re.search(r"first build served after ([0-9.]+) s", proc.stdout)
    if proc.returncode or not m:
        say(f"serve_latency.py failed at N={n}: " + (proc.stdout + proc.stderr)[-1500:])
        return None
    return {"median": float(m.group(1)), "max": float(m.group(2)), "runs": int(m.group(3)),
            "first": float(first.group(1)) if first else None, "load": os.getloadavg()[0]}


def search_read(site: Path) -> dict | None:
    """scripts/search_bytes.py on the built site (None when Chromium or Playwright is missing)."""
    chromium = os.environ.get("KCR_CHROMIUM", "/usr/bin/chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return None
    if not Path(chromium).exists():
        return None
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "search_bytes.py"), str(site), "--json"],
                          capture_output=True, text=True)
    if proc.returncode:
        say("search_bytes.py failed: " + proc.stderr[-1000:])
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- baseline ---------------------------------------------------------------------------------------------


def make_baseline(base: Path, lengths: list[int], seed: int = 0) -> None:
    """A plain Material site: one home page plus one Markdown page of each given length, out of the nav."""
    rng = random.Random(seed)
    text = synthetic._Text(rng)
    docs = base / "docs"
    (docs / "pages").mkdir(parents=True)
    (docs / "index.md").write_text("# Baseline\n\nA plain Material site for comparison.\n", encoding="utf-8")
    for i, length in enumerate(lengths):
        parts = [f"# {text.statement()}\n"]
        size = len(parts[0])
        while size < length:
            if rng.random() < 0.15:
                chunk = f"\n## {text.sentence(20, 50).rstrip('.')}\n"
            else:
                chunk = "\n" + text.para(200, 700) + "\n"
            parts.append(chunk)
            size += len(chunk)
        (docs / "pages" / f"page-{i:05d}.md").write_text("".join(parts), encoding="utf-8")
    (base / "mkdocs.yml").write_text(
        "site_name: Baseline\n"
        "site_url: https://example.invalid/\n"
        "theme:\n  name: material\n  font: false\n  language: en\n"
        "nav:\n  - Home: index.md\n"
        "not_in_nav: |\n  /pages/*\n"
        "plugins:\n  - search\n",
        encoding="utf-8")


# --- one size ---------------------------------------------------------------------------------------------


def bench_size(n: int, refs: int, work: Path, shim: Path, repeat: int, seed: int) -> Result:
    res = Result(n, refs)
    root = work / f"kcr-{n}"
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    synthetic.make(root, n, refs, seed=seed)
    say(f"[N={n}] synthetic project written in {time.perf_counter() - t:.1f} s: {root}")
    res.bib_bytes = (root / "references.bib").stat().st_size
    res.claims_bytes = tree_bytes(root / "claims")[0]

    lift = None
    if res.bib_bytes > bib.MAX_BYTES:
        plain = run_checker(root, bench_env(None, None, fresh_cache(work, f"plain-{n}")), 1)
        res.unpatched_problems = [f"{plain['problems']} problem(s), first: {plain['first'][0]}"] if plain["problems"] else []
        lift = max(res.bib_bytes * 2, bib.MAX_BYTES)
        res.limit_lifted = True
        say(f"[N={n}] references.bib is {res.bib_bytes:,} bytes > limit {bib.MAX_BYTES:,}: "
            f"unmodified checker reports {plain['problems']} problem(s); limit lifted for the measurements")
    env = bench_env(shim, lift, fresh_cache(work, f"check-{n}"))

    chk = run_checker(root, env, repeat)
    res.checker, res.checker_cpu, res.checker_problems = chk["seconds"], chk["cpu"], chk["problems"]
    res.checker_workers_cpu = chk["workers_cpu"]
    say(f"[N={n}] checker {res.checker:.2f} s (CPU {res.checker_cpu:.2f} s), {res.checker_problems} problem(s), "
        f"load {os.getloadavg()[0]:.1f}")
    if chk["problems"]:
        for p in chk["first"]:
            say("    " + p)
        raise SystemExit(f"the synthetic project at N={n} does not pass the checker")
    proc = subprocess.run([sys.executable, "-c", WARM, str(root)], env=env, capture_output=True, text=True, check=True)
    warm0 = json.loads(proc.stdout.strip().splitlines()[-1])
    res.checker_warm, res.checker_warm_cpu = warm0["seconds"], warm0["cpu"]
    say(f"[N={n}] checker in a new process, cache warm, nothing changed: {res.checker_warm:.2f} s "
        f"(CPU {res.checker_warm_cpu:.2f} s)")
    same, warm = run_checker_changed(root, env, repeat)
    res.checker_changed, res.checker_changed_cpu = same["seconds"], same["cpu"]
    res.checker_warm_disk, res.checker_warm_disk_cpu = warm["seconds"], warm["cpu"]
    say(f"[N={n}] checker after one record changed: {same['seconds']:.2f} s in the same process (CPU "
        f"{same['cpu']:.2f} s), {warm['seconds']:.2f} s in a new process with the cache warm (CPU {warm['cpu']:.2f} s)")

    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    clean_generated(root)
    gen = measured([sys.executable, "-m", "kcr.cli", "--root", str(root), "generate"], root,
                   bench_env(shim, lift, fresh_cache(work, f"generate-{n}")), logs / f"generate-{n}.log")
    if gen.rc:
        raise SystemExit(f"kcr generate failed at N={n}:\n{gen.log[-3000:]}")
    res.generate = gen.wall
    res.generate_cpu = gen.cpu
    m = re.search(r"Generated (\d+) pages", gen.log)
    res.pages = int(m.group(1)) if m else 0
    say(f"[N={n}] kcr generate (clean) {gen.wall:.1f} s (CPU {gen.cpu_text}), {res.pages} files")

    clean_generated(root)
    shutil.rmtree(root / "site", ignore_errors=True)
    env = bench_env(shim, lift, fresh_cache(work, f"build-{n}"))
    build = measured([sys.executable, "-m", "kcr.cli", "--root", str(root), "build"], root, env,
                     logs / f"build-{n}.log")
    if build.rc:
        raise SystemExit(f"kcr build failed at N={n}:\n{build.log[-3000:]}")
    res.build = build
    m = re.search(r"Documentation built in ([0-9.]+) seconds", build.log)
    res.mkdocs_reported = float(m.group(1)) if m else None
    say(f"[N={n}] kcr build {build.wall:.1f} s (CPU {build.cpu_text}), peak {mb(build.max_rss_kb)}, load {build.load:.1f}")

    # the same build again: pages unchanged, kcr's cache of formatted references warm (a local rebuild)
    again = measured([sys.executable, "-m", "kcr.cli", "--root", str(root), "build"], root, env,
                     logs / f"rebuild-{n}.log")
    res.rebuild = again if again.rc == 0 else None
    say(f"[N={n}] kcr build again (warm cache) {again.wall:.1f} s (CPU {again.cpu_text}), rc {again.rc}")

    # one record changed, then built again (the caches warm): only its pages are rendered again
    record = changed_record(root)
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace('\nconclusion: "', '\nconclusion: "Changed for the benchmark. ', 1),
                      encoding="utf-8")
    try:
        changed = measured([sys.executable, "-m", "kcr.cli", "--root", str(root), "build"], root, env,
                           logs / f"rebuild-changed-{n}.log")
    finally:
        record.write_text(original, encoding="utf-8")
    res.rebuild_changed = changed if changed.rc == 0 else None
    say(f"[N={n}] kcr build after one record changed {changed.wall:.1f} s (CPU {changed.cpu_text}), rc {changed.rc}")
    # back to the original record, so the site measured below is the synthetic project's
    back = measured([sys.executable, "-m", "kcr.cli", "--root", str(root), "build"], root, env,
                    logs / f"rebuild-back-{n}.log")
    if back.rc:
        raise SystemExit(f"kcr build failed at N={n}:\n{back.log[-3000:]}")

    site = root / "site"
    res.site_bytes, res.site_files = tree_bytes(site)
    res.largest_claim = largest(site / "claims")
    res.largest_ref = largest(site / "references")
    res.largest_page = largest_html(site)
    res.index_pages = {rel: (site / rel).stat().st_size for rel in INDEX_PAGES if (site / rel).exists()}
    res.search_bytes = tree_bytes(site / "assets" / "pagefind")[0]
    res.search_read = search_read(site)
    if res.search_read:
        say(f"[N={n}] a claim page and one search: {kb(res.search_read['total_bytes'])} "
            f"(page {kb(res.search_read['page_bytes'])}, search '{res.search_read['query']}' "
            f"{kb(res.search_read['search_bytes'])})")

    # baseline: as many plain pages as the site renders (every Markdown page under docs/: claims, references,
    # search logs and second reviews, listings, hand-written pages), of the same lengths
    lengths = sorted(p.stat().st_size for p in (root / "docs").rglob("*.md"))
    base = work / f"baseline-{n}"
    shutil.rmtree(base, ignore_errors=True)
    make_baseline(base, lengths, seed)
    res.baseline_pages = len(lengths)
    bl = measured([sys.executable, "-m", "mkdocs", "build", "-f", str(base / "mkdocs.yml")], base, env,
                  logs / f"baseline-{n}.log")
    if bl.rc:
        raise SystemExit(f"baseline build failed at N={n}:\n{bl.log[-3000:]}")
    res.baseline = bl
    res.baseline_site_bytes = tree_bytes(base / "site")[0]
    bsearch = base / "site" / "search" / "search_index.json"
    res.baseline_search_bytes = bsearch.stat().st_size if bsearch.exists() else 0
    say(f"[N={n}] baseline ({len(lengths)} pages) {bl.wall:.1f} s (CPU {bl.cpu_text}), peak {mb(bl.max_rss_kb)}; "
        f"ratio {res.ratio:.2f}, load {bl.load:.1f}")
    return res


# --- profiles ---------------------------------------------------------------------------------------------


def short(func: tuple[str, int, str]) -> str:
    path, line, name = func
    for marker in ("site-packages/", "/_src/", "/src/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    if path.startswith("~") or path == "~":
        return name
    path = re.sub(r"^/.*/kcr-\d+/hooks/", "hooks/", path)
    return f"{path}:{line}({name})"


# launcher frames that sit above everything in a cumulative listing and say nothing about the work
LAUNCHER = re.compile(r"runpy|builtins\.exec|^<string>|click/|mkdocs/__main__|kcr/cli\.py|mkdocs/commands/build\.py:\d+\(build\)$")


def top(prof: Path, key: str, limit: int) -> list[tuple[int, float, float, str]]:
    st = pstats.Stats(str(prof))
    rows = []
    for func, (_cc, nc, tt, ct, _) in st.stats.items():  # type: ignore[attr-defined]
        name = short(func)
        if key == "cumulative" and LAUNCHER.search(name):
            continue
        rows.append((nc, tt, ct, name))
    rows.sort(key=lambda r: r[2] if key == "cumulative" else r[1], reverse=True)
    return rows[:limit]


def profile(n: int, work: Path, shim: Path, lift: int | None) -> dict[str, dict]:
    root = work / f"kcr-{n}"
    # cold cache for generate; mkdocs then finds it warm, as the hook does inside `kcr build`
    env = bench_env(shim, lift, fresh_cache(work, f"profile-{n}"))
    out: dict[str, dict] = {}
    logs = work / "logs"
    clean_generated(root)
    prof = work / f"generate-{n}.prof"
    run = measured([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "kcr.cli", "--root", str(root),
                    "generate"], root, env, logs / f"profile-generate-{n}.log")
    if run.rc:
        raise SystemExit(f"profiled generate failed:\n{run.log[-3000:]}")
    out["generate"] = {"wall": run.wall, "prof": prof}
    prof = work / f"mkdocs-{n}.prof"
    run = measured([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build", "--strict",
                    "-f", str(root / "mkdocs.yml"), "--site-dir", str(work / f"site-profile-{n}")], root, env,
                   logs / f"profile-mkdocs-{n}.log")
    if run.rc:
        raise SystemExit(f"profiled mkdocs build failed:\n{run.log[-3000:]}")
    out["mkdocs build"] = {"wall": run.wall, "prof": prof}
    shutil.rmtree(work / f"site-profile-{n}", ignore_errors=True)
    return out


def profile_checker(n: int, work: Path, shim: Path, lift: int | None) -> dict:
    root = work / f"kcr-{n}"
    prof = work / f"check-{n}.prof"
    code = ("import cProfile, sys, time\nfrom pathlib import Path\nfrom kcr import check\n"
            "p = cProfile.Profile(); t = time.perf_counter(); p.enable(); check.load(Path(sys.argv[1])); "
            "p.disable(); print(time.perf_counter() - t); p.dump_stats(sys.argv[2])\n")
    run = measured([sys.executable, "-c", code, str(root), str(prof)], root,
                   bench_env(shim, lift, fresh_cache(work, f"profile-check-{n}")),
                   work / "logs" / f"profile-check-{n}.log")
    if run.rc:
        raise SystemExit(f"profiled checker failed:\n{run.log[-3000:]}")
    return {"wall": float(run.log.strip().splitlines()[-1]), "prof": prof}


# --- report -----------------------------------------------------------------------------------------------


def mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.0f} MB"


def kb(b: int) -> str:
    return f"{b / 1024:,.1f} KB"


def mbytes(b: int) -> str:
    return f"{b / 1024 / 1024:,.1f} MB"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def targets(results: dict[int, Result]) -> list[tuple[str, str, str, str]]:
    """(target, measured, met/missed, margin) rows."""
    rows = []
    big = results.get(5000) or results[max(results)]
    at = f" (measured at N={big.n}, not 5,000)" if big.n != 5000 else ""
    ok = big.checker < TARGETS["checker"]
    rows.append((f"checker, 5,000 claims + 10,000 refs < {TARGETS['checker']:g} s, cold: new process, empty cache{at}",
                 f"{big.checker:.2f} s (CPU {big.checker_cpu:.2f} s)",
                 verdict(ok), f"{big.checker / TARGETS['checker']:.2f}× the limit"))
    if big.checker_warm is not None:
        rows.append((f"checker < {TARGETS['checker']:g} s, new process, user cache warm (nothing changed){at}",
                     f"{big.checker_warm:.2f} s (CPU {big.checker_warm_cpu:.2f} s)",
                     verdict(big.checker_warm < TARGETS["checker"]),
                     f"{big.checker_warm / TARGETS['checker']:.2f}× the limit"))
    if 5000 in results and 1000 in results:
        a, b = results[1000].build, results[5000].build
        r = b.wall / a.wall
        rc = f", CPU {b.cpu / a.cpu:.2f}" if a.cpu and b.cpu else ""
        rows.append((f"build time(5000) / time(1000) ≤ {TARGETS['scaling']:g}", f"{r:.2f} (wall{rc})",
                     verdict(r <= TARGETS["scaling"]), f"{r - TARGETS['scaling']:+.2f}"))
    else:
        rows.append((f"build time(5000) / time(1000) ≤ {TARGETS['scaling']:g}", "needs sizes 1000 and 5000", "n/a", ""))
    r = big.ratio
    rc = f" (CPU {big.cpu_ratio:.2f}×)" if big.cpu_ratio else ""
    rows.append((f"build ≤ {TARGETS['baseline']:g} × baseline{at}", f"{r:.2f}×{rc}" if r else "n/a",
                 verdict(r <= TARGETS["baseline"] if r else None), f"{r / TARGETS['baseline']:.1f}× the allowance" if r else ""))
    worst = max((res.largest_page[0], res.largest_page[1], n) for n, res in results.items())
    rows.append((f"every HTML page ≤ {TARGETS['page_kb']:g} KB, index pages included (all sizes)",
                 f"largest {kb(worst[0])} ({worst[1]}, N={worst[2]:,})", verdict(worst[0] <= TARGETS["page_kb"] * 1024),
                 f"{worst[0] / 1024 - TARGETS['page_kb']:+.1f} KB"))
    read = big.search_read
    rows.append((f"a claim page and one search ≤ {TARGETS['search_read_kb']:g} KB{at}",
                 f"{kb(read['total_bytes'])} ('{read['query']}')" if read else "n/a (no Chromium)",
                 verdict(read["total_bytes"] <= TARGETS["search_read_kb"] * 1024 if read else None),
                 f"{read['total_bytes'] / 1024 - TARGETS['search_read_kb']:+.1f} KB" if read else ""))
    if big.checker_changed is not None:
        rows.append((f"checker after one record changed < {TARGETS['checker_changed']:g} s{at}",
                     f"{big.checker_changed:.2f} s (CPU {big.checker_changed_cpu:.2f} s) in the same process; "
                     f"{big.checker_warm_disk:.2f} s in a new process",
                     verdict(big.checker_changed < TARGETS["checker_changed"]),
                     f"{big.checker_changed / TARGETS['checker_changed']:.2f}× the limit"))
    if big.rebuild_changed is not None and big.build is not None:
        r = big.rebuild_changed.wall / big.build.wall
        rows.append((f"kcr build after one record changed much faster than a cold build{at}",
                     f"{big.rebuild_changed.wall:.1f} s vs {big.build.wall:.1f} s", verdict(r < 0.5),
                     f"{r:.2f}× the cold build"))
    served = big.serve
    rows.append((f"kcr serve: a saved record's page served in < {TARGETS['serve_s']:g} s{at}",
                 f"median {served['median']:.2f} s, max {served['max']:.2f} s over {served['runs']} saves"
                 if served else "not measured",
                 verdict(served["median"] < TARGETS["serve_s"] if served else None),
                 f"{served['median'] / TARGETS['serve_s']:.2f}× the limit" if served else ""))
    rss = big.build.max_rss_kb if big.build else None
    rows.append((f"peak memory of the build < 1 GB{at}", mb(rss),
                 verdict(rss < TARGETS["memory_mb"] * 1024 if rss else None),
                 f"{rss / 1024 / TARGETS['memory_mb']:.0%} of the limit" if rss else ""))
    return rows


def table(results: dict[int, Result]) -> str:
    ns = sorted(results)
    head = "| | " + " | ".join(f"N = {n:,}" for n in ns) + " |\n|---|" + "---:|" * len(ns) + "\n"

    def row(label: str, f) -> str:
        return f"| {label} | " + " | ".join(f(results[n]) for n in ns) + " |\n"

    def ix(rel: str):
        return lambda r: kb(r.index_pages[rel]) if rel in r.index_pages else "—"

    out = head
    out += row("claims / references", lambda r: f"{r.n:,} / {r.refs:,}")
    out += row("input: claims/ + references.bib", lambda r: f"{mbytes(r.claims_bytes)} + {mbytes(r.bib_bytes)}")
    out += row(f"references.bib over kcr's limit ({bib.MAX_BYTES:,} bytes)?",
               lambda r: "yes: limit lifted" if r.limit_lifted else "no")
    out += row("**checker** (check.load), cold: new process, empty cache",
               lambda r: f"**{r.checker:.2f} s** (CPU {r.checker_cpu:.2f} s, {r.checker_workers_cpu:.2f} s of it in "
                         "worker processes)")
    out += row("checker, new process, cache warm, nothing changed",
               lambda r: f"{r.checker_warm:.2f} s (CPU {r.checker_warm_cpu:.2f} s)" if r.checker_warm is not None else "n/a")
    out += row("checker after one record changed, same process (kcr serve)",
               lambda r: f"{r.checker_changed:.2f} s (CPU {r.checker_changed_cpu:.2f} s)" if r.checker_changed is not None else "n/a")
    out += row("checker after one record changed, new process, cache warm",
               lambda r: f"{r.checker_warm_disk:.2f} s (CPU {r.checker_warm_disk_cpu:.2f} s)" if r.checker_warm_disk is not None else "n/a")
    out += row("kcr generate, clean (check + render + write)",
               lambda r: f"{r.generate:.1f} s" + (f" (CPU {r.generate_cpu:.1f} s)" if r.generate_cpu else ""))
    out += row("generated files", lambda r: f"{r.pages:,}")
    out += row("**kcr build**, cold (wall)", lambda r: f"**{r.build.wall:.1f} s** (CPU {r.build.cpu_text})")
    out += row("… of which `mkdocs build` reports (incl. the kcr hooks)", lambda r: f"{r.mkdocs_reported:.1f} s" if r.mkdocs_reported else "n/a")
    out += row("kcr build again (nothing changed, kcr's caches warm)",
               lambda r: f"{r.rebuild.wall:.1f} s (CPU {r.rebuild.cpu_text})" if r.rebuild else "n/a")
    out += row("**kcr build after one record changed** (caches warm)",
               lambda r: f"**{r.rebuild_changed.wall:.1f} s** (CPU {r.rebuild_changed.cpu_text})" if r.rebuild_changed else "n/a")
    out += row("**peak memory** of the build", lambda r: f"**{mb(r.build.max_rss_kb)}**")
    out += row("site/ size (files)", lambda r: f"{mbytes(r.site_bytes)} ({r.site_files:,})")
    out += row("largest claim page", lambda r: f"{kb(r.largest_claim[0])}")
    out += row("largest reference page", lambda r: f"{kb(r.largest_ref[0])}")
    out += row("**largest HTML page** of the site", lambda r: f"**{kb(r.largest_page[0])}** ({r.largest_page[1]})")
    out += row("home page", ix("index.html"))
    out += row("claims/index.html", ix("claims/index.html"))
    out += row("references/index.html", ix("references/index.html"))
    out += row("coverage/index.html", ix("coverage/index.html"))
    out += row("evidence/index.html", ix("evidence/index.html"))
    out += row("search index on the server (Pagefind's folder; per claim)",
               lambda r: f"{mbytes(r.search_bytes)} ({kb(r.search_bytes // r.n)})")
    out += row("**a claim page + one search, downloaded** (theme assets left out)",
               lambda r: (f"**{kb(r.search_read['total_bytes'])}** (page {kb(r.search_read['page_bytes'])}, "
                          f"search '{r.search_read['query']}' {kb(r.search_read['search_bytes'])})") if r.search_read else "n/a")
    out += row("baseline: pages", lambda r: f"{r.baseline_pages:,}")
    out += row("**baseline build** (wall)", lambda r: f"**{r.baseline.wall:.1f} s** (CPU {r.baseline.cpu_text})")
    out += row("baseline peak memory", lambda r: mb(r.baseline.max_rss_kb))
    out += row("baseline site/ size", lambda r: mbytes(r.baseline_site_bytes))
    out += row("baseline search index (Material's, downloaded by every page)", lambda r: mbytes(r.baseline_search_bytes))
    out += row("**build / baseline**", lambda r: f"**{r.ratio:.2f}×**" + (f" (CPU {r.cpu_ratio:.2f}×)" if r.cpu_ratio else ""))
    out += row("**kcr serve**: save → rebuilt page served (median, max)",
               lambda r: (f"**{r.serve['median']:.2f} s**, {r.serve['max']:.2f} s (first build served after "
                          f"{r.serve['first']:.0f} s)") if r.serve else "not measured")
    out += row("1-min load average after build / baseline", lambda r: f"{r.build.load:.1f} / {r.baseline.load:.1f}")
    return out


def old_results(rev: str) -> tuple[str, dict[str, dict[int, str]]]:
    """The Results table of BENCHMARKS.md as committed at ``rev``: (its first line, label -> N -> cell)."""
    text = subprocess.run(["git", "show", f"{rev}:BENCHMARKS.md"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout
    rows: dict[str, dict[int, str]] = {}
    ns: list[int] = []
    section = text.split("## Results", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| | N = "):
            ns = [int(c.removeprefix("N = ").replace(",", "")) for c in cells[1:]]
        elif line.startswith("| ") and ns and not line.startswith("|---"):
            rows[cells[0]] = dict(zip(ns, cells[1:], strict=False))
    generated = next((ln for ln in text.splitlines() if ln.startswith("Generated by")), "")
    return generated, rows


# (figure, label in the earlier report, what it is now)
BEFORE_AFTER: list[tuple[str, str, Callable[[Result], str]]] = [
    ("checker, cold (new process, empty cache)", "**checker** (check.load)",
     lambda r: f"{r.checker:.2f} s"),
    ("checker, new process, cache warm", "", lambda r: f"{r.checker_warm:.2f} s" if r.checker_warm is not None else "n/a"),
    ("checker after one record changed (same process)", "",
     lambda r: f"{r.checker_changed:.2f} s" if r.checker_changed is not None else "n/a"),
    ("kcr build, cold", "**kcr build**, cold (wall)", lambda r: f"{r.build.wall:.1f} s" if r.build else "n/a"),
    ("kcr build again, nothing changed", "kcr build again (nothing changed, kcr's reference cache warm)",
     lambda r: f"{r.rebuild.wall:.1f} s" if r.rebuild else "n/a"),
    ("kcr build after one record changed", "",
     lambda r: f"{r.rebuild_changed.wall:.1f} s" if r.rebuild_changed else "n/a"),
    ("baseline build (plain Material)", "**baseline build** (wall)", lambda r: f"{r.baseline.wall:.1f} s" if r.baseline else "n/a"),
    ("build / baseline", "**build / baseline**", lambda r: f"{r.ratio:.2f}×" if r.ratio else "n/a"),
    ("peak memory of the build", "**peak memory** of the build", lambda r: mb(r.build.max_rss_kb) if r.build else "n/a"),
    ("claims/index.html", "claims/index.html", lambda r: kb(r.index_pages["claims/index.html"]) if "claims/index.html" in r.index_pages else "—"),
    ("references/index.html", "references/index.html",
     lambda r: kb(r.index_pages["references/index.html"]) if "references/index.html" in r.index_pages else "—"),
    ("coverage/index.html", "coverage/index.html",
     lambda r: kb(r.index_pages["coverage/index.html"]) if "coverage/index.html" in r.index_pages else "—"),
    ("evidence/index.html", "evidence/index.html",
     lambda r: kb(r.index_pages["evidence/index.html"]) if "evidence/index.html" in r.index_pages else "—"),
    ("largest HTML page of the site", "", lambda r: kb(r.largest_page[0])),
    ("search: downloaded with every page (before: Material's whole index) / a claim page + one search (now)",
     "**search index** (per claim)",
     lambda r: f"{kb(r.search_read['total_bytes'])} (page + one search)" if r.search_read else "n/a"),
    ("kcr serve: save → page served", "", lambda r: f"{r.serve['median']:.2f} s" if r.serve else "not measured"),
]


def before_after(rev: str, results: dict[int, Result]) -> str:
    generated, old = old_results(rev)
    ns = [n for n in sorted(results) if n >= 1000]
    out = [f"Before: the Results table of `BENCHMARKS.md` at commit {rev} ({generated.removeprefix('Generated by ')}"
           "); a figure that report did not measure is marked —. After: this run.\n",
           "| figure | " + " | ".join(f"before, N = {n:,} | after, N = {n:,}" for n in ns) + " |",
           "|---|" + "---:|---:|" * len(ns)]
    for figure, label, now in BEFORE_AFTER:
        cells = []
        for n in ns:
            cells += [old.get(label, {}).get(n, "—").replace("**", "") if label else "—", now(results[n])]
        out.append(f"| {figure} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def profile_md(title: str, info: dict, limit: int = 10) -> str:
    out = [f"#### {title} — {info['wall']:.1f} s under the profiler\n",
           "Top by cumulative time (launcher frames — runpy, click, the `kcr`/`mkdocs` entry points — left out):\n",
           "| calls | own s | cumulative s | function |\n|---:|---:|---:|---|"]
    for nc, tt, ct, name in top(info["prof"], "cumulative", limit):
        out.append(f"| {nc:,} | {tt:.2f} | {ct:.2f} | `{name}` |")
    out += ["", "Top by own time:\n", "| calls | own s | cumulative s | function |\n|---:|---:|---:|---|"]
    for nc, tt, ct, name in top(info["prof"], "tottime", limit):
        out.append(f"| {nc:,} | {tt:.2f} | {ct:.2f} | `{name}` |")
    return "\n".join(out) + "\n\n"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for dist in ("mkdocs", "mkdocs-material", "jsonschema", "bibtexparser", "citeproc-py", "PyYAML"):
        with contextlib.suppress(PackageNotFoundError):  # a package that is not installed is left out
            parts.append(f"{dist} {version(dist)}")
    return ", ".join(parts)


def source_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"commit {head}" + (" with uncommitted changes in src/" if dirty else "")


def report(results: dict[int, Result], profiles: dict[str, dict], command: str, started: dt.datetime,
           notes: str, revision: str = "", before: str | None = None) -> str:
    cpus = os.cpu_count()
    out = ["# Benchmarks\n",
           f"Generated by `scripts/bench.py` on {started:%Y-%m-%d %H:%M} UTC "
           f"({platform.system()} {platform.machine()}, {cpus} CPU cores; {versions()}).\n",
           f"Code measured: `src/kcr` at {revision}, copied at the start of the run.\n" if revision else "",
           f"Command:\n\n```sh\n{command}\n```\n",
           "Every kcr run starts with an empty cache (`XDG_CACHE_HOME` set to a fresh folder), as on CI, except "
           "the rows 'after one record changed' and 'build again' (the record edited is a checkable one in the "
           "middle of claims/; its conclusion is changed). "
           "Each size is a synthetic project from `kcr.synthetic.make(root, N, 2N)` (records and references "
           "shaped like the real ones; every reference cited; the project passes `kcr check`). Times are wall "
           "clock, one run each (the checker: best of the runs); CPU is user + system time of the whole process "
           "tree, which other work on the machine disturbs less than wall time (the load average row shows how "
           f"busy the {cpus} cores were). The baseline is "
           "a plain Material site (its search plugin on, as by default) with as many pages as the site renders — "
           "every Markdown page under docs/: claims, references, search logs and second reviews, listings and "
           "hand-written pages (until 2026-11-25 the baseline counted claim and reference pages only: the research "
           "pages came later) — each plain Markdown of the same length, out of the nav, built with `mkdocs build`.\n",
           "## Results\n", table(results),
           *(["\n## Before and after\n", before_after(before, results)] if before else []),
           "\n## Targets\n",
           "| target | measured | result | margin |\n|---|---|---|---|"]
    out.extend("| " + " | ".join(row) + " |" for row in targets(results))
    out.append("")
    if 5000 in results and 1000 in results:
        a, b = results[1000], results[5000]
        out.append(f"Scaling 1,000 → 5,000: checker ×{b.checker / a.checker:.2f}, generate ×{b.generate / a.generate:.2f}, "
                   f"build ×{b.build.wall / a.build.wall:.2f}, baseline ×{b.baseline.wall / a.baseline.wall:.2f} "
                   "(linear would be ×5).\n")
    lifted = [r for r in results.values() if r.limit_lifted]
    if lifted:
        out.append("**references.bib size limit.** " + "; ".join(
            f"at N={r.n:,} the synthetic references.bib is {r.bib_bytes:,} bytes, over `kcr.bib.MAX_BYTES` "
            f"({bib.MAX_BYTES:,}); the unmodified checker reports "
            + (r.unpatched_problems[0] if r.unpatched_problems else "no problem") for r in lifted)
            + ". The measurements at those sizes lift the limit through a benchmark-only `sitecustomize` shim; "
            "without it `kcr check` and `kcr build` refuse the project.\n")
    if profiles:
        out.append("## Profiles\n")
        for title, info in profiles.items():
            out.append(profile_md(title, info))
    out.append(NOTES_BEGIN + "\n" + (notes.strip() + "\n" if notes.strip() else "") + NOTES_END + "\n")
    return "\n".join(out)


def write_report(args: argparse.Namespace, results: dict[int, Result], profiles: dict[str, dict], command: str,
                 started: dt.datetime, revision: str) -> None:
    notes = ""
    if args.out and args.out.exists():
        old = args.out.read_text(encoding="utf-8")
        if NOTES_BEGIN in old and NOTES_END in old:
            notes = old.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0]
    text = report(results, profiles, command, started, notes, revision, getattr(args, "before", None))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        say(f"wrote {args.out}")
    for row in targets(results):
        say(f"{row[2].strip('*'):>6}  {row[0]}: {row[1]} ({row[3]})")


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def checker_only(args: argparse.Namespace) -> int:
    """The checker alone at each size, in five cases: (a) cold, an empty cache in a new process (CI, a first
    run); (b) nothing changed, a new process with the cache warm (a contributor's next ``kcr check``);
    (c) one record changed, the same process (``kcr serve``, best of --repeat); (d) one record changed,
    a new process with the cache warm; (e) a fresh copy of the same files, the cache restored (CI with a
    cache step).  Each with its CPU time and the 1-minute load average after it."""
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kcr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in sorted(set(args.sizes)):
            root = work / f"kcr-{n}"
            if not (root / "claims").is_dir():
                synthetic.make(root, n, max(1, round(n * args.refs_per_claim)), seed=args.seed)
            env = bench_env(None, None, fresh_cache(work, f"checker-only-{n}"))
            cold = run_checker(root, env, 1)
            load_a = os.getloadavg()[0]
            time.sleep(2.5)  # files written less than 2 s before a run are read again (kcr.records.RACY_NS)
            proc = subprocess.run([sys.executable, "-c", WARM, str(root)], env=env, capture_output=True, text=True,
                                  check=True)
            warm = json.loads(proc.stdout.strip().splitlines()[-1])
            load_b = os.getloadavg()[0]
            same, changed = run_checker_changed(root, env, args.repeat)
            load_cd = os.getloadavg()[0]
            # (e) a fresh checkout of the same files with the user cache restored (as CI with a cache step):
            # every file is new to the file system, its content known to the cache
            copy = root.with_name(root.name + "-copy")
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root, copy)
            shutil.rmtree(root)
            copy.rename(root)
            time.sleep(2.5)
            proc = subprocess.run([sys.executable, "-c", WARM, str(root)], env=env, capture_output=True, text=True,
                                  check=True)
            fresh = json.loads(proc.stdout.strip().splitlines()[-1])
            load_e = os.getloadavg()[0]
            print(f"N={n:,}: (a) cold, empty cache, new process {cold['seconds']:.2f} s (CPU {cold['cpu']:.2f} s, "
                  f"{cold.get('workers_cpu', 0):.2f} s of it in worker processes, "
                  f"{cold['problems']} problems; load {load_a:.1f}); (b) unchanged, new process, cache warm "
                  f"{warm['seconds']:.2f} s (CPU {warm['cpu']:.2f} s; load {load_b:.1f}); one record changed: "
                  f"(c) same process {same['seconds']:.3f} s (CPU {same['cpu']:.3f} s, best of {args.repeat}), "
                  f"(d) new process, cache warm {changed['seconds']:.2f} s (CPU {changed['cpu']:.2f} s); "
                  f"load {load_cd:.1f}; (e) fresh checkout, cache restored {fresh['seconds']:.2f} s "
                  f"(CPU {fresh['cpu']:.2f} s; load {load_e:.1f})", flush=True)
            if not cold["problems"] == warm["problems"] == fresh["problems"]:  # (c), (d) edit a record (a length limit)
                raise SystemExit(f"N={n}: the runs on the same files report different numbers of problems")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], help="numbers of claims")
    parser.add_argument("--refs-per-claim", type=float, default=2.0, help="references per claim (default 2)")
    parser.add_argument("--out", type=Path, help="write the Markdown report here (notes between the markers are kept)")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--profile-size", type=int, default=1000,
                        help="profile generate and mkdocs build at this size if it is among --sizes (0: never)")
    parser.add_argument("--repeat", type=int, default=2, help="checker runs per size (best is reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--before", metavar="REV", help="compare with the Results table of BENCHMARKS.md at this commit")
    parser.add_argument("--serve-sizes", type=int, nargs="*", default=None,
                        help="measure kcr serve (scripts/serve_latency.py --synthetic N) at these sizes "
                             "(default: the largest of --sizes)")
    parser.add_argument("--serve-runs", type=int, default=3, help="saves per serve measurement")
    parser.add_argument("--checker-only", action="store_true",
                        help="measure only the checker (cold, and after one record changed) at each size, and print it")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the results saved in --workdir by an earlier run")
    args = parser.parse_args(argv)
    if args.report_only:
        if not args.workdir:
            parser.error("--report-only needs the --workdir of the earlier run")
        state = pickle.loads((args.workdir / STATE).read_bytes())
        write_report(args, state["results"], state["profiles"], state["command"], state["started"], state["revision"])
        return 0

    if args.checker_only:
        return checker_only(args)
    started = dt.datetime.now(dt.UTC)
    command = "python scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kcr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    shim = work / "_shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    global SRC  # noqa: PLW0603 - set once, before any measurement, to this run's snapshot of src/
    SRC = work / "_src"
    shutil.rmtree(SRC, ignore_errors=True)
    shutil.copytree(REPO / "src" / "kcr", SRC / "kcr", ignore=shutil.ignore_patterns("__pycache__"))
    revision = source_revision()
    results: dict[int, Result] = {}
    profiles: dict[str, dict] = {}
    try:
        for n in sorted(set(args.sizes)):
            results[n] = bench_size(n, max(1, round(n * args.refs_per_claim)), work, shim, args.repeat, args.seed)
        if args.profile_size and args.profile_size in results:
            r = results[args.profile_size]
            lift = max(r.bib_bytes * 2, bib.MAX_BYTES) if r.limit_lifted else None
            say(f"[profile] generate and mkdocs build at N={args.profile_size}")
            for title, info in profile(args.profile_size, work, shim, lift).items():
                profiles[f"{title} at N={args.profile_size:,}"] = info
        for n in (args.serve_sizes if args.serve_sizes is not None else [max(results)]):
            if n in results:
                say(f"[N={n}] kcr serve: save -> page ({args.serve_runs} saves)")
                results[n].serve = serve_latency(n, args.serve_runs, work / "logs")
                say(f"[N={n}] kcr serve: {results[n].serve}")
        biggest = results[max(results)]
        say(f"[profile] checker at N={biggest.n}")
        lift = max(biggest.bib_bytes * 2, bib.MAX_BYTES) if biggest.limit_lifted else None
        profiles[f"checker (check.load) at N={biggest.n:,}"] = profile_checker(biggest.n, work, shim, lift)
        (work / STATE).write_bytes(pickle.dumps({"results": results, "profiles": profiles, "command": command,
                                                  "started": started, "revision": revision}))
        write_report(args, results, profiles, command, started, revision)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
