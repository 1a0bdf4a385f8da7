#!/usr/bin/env python3
"""Fault test of `kcr add-ref`: kill it at random moments, run it concurrently; count corrupted files.

    .venv/bin/python scripts/kill_loop.py --runs 300            # kill loop
    .venv/bin/python scripts/kill_loop.py --runs 0 --concurrent 10   # 10 trials of 8 runs at once

Kill loop: on a throw-away copy of the real references.bib, each run starts
`kcr add-ref` on one of the real Zotero exports and, after a random delay (up
to a little more than an undisturbed run takes), sends SIGKILL or SIGINT.
Every other run waits until the new file's temporary file appears and
then signals within the write, which KCR_TEST_WRITE_PAUSE stretches to a few
tenths of a second so that the signals land inside it.  After each run references.bib
must be byte-identical to the version before or to the version with the new
entry (computed by an undisturbed run); anything else counts as corrupted.

Concurrent: 8 `kcr add-ref` runs on distinct works start together; all must
report "Added", and the file must hold every earlier entry unchanged plus all
8 new ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "zotero-exports"
MEDLINE = ROOT / "tests" / "fixtures" / "imports" / "brummel1999drosophila.nbib"
sys.path.insert(0, str(ROOT / "src"))

from kcr import addref, bib  # noqa: E402
from kcr.problems import Problems  # noqa: E402

EXPORTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".bib", ".ris", ".json")) if FIXTURES.is_dir() else []


def work_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def verified_of(path: Path) -> str:
    return (path.parent / f"{work_of(path)}.seen.txt").read_text(encoding="utf-8").strip()


def command(root: Path, export: Path, verified: str) -> list[str]:
    # where the address does not say what kind of page it is, call it a repository (not what the loop tests)
    cls = [] if bib.expected_class(verified) else ["--verified-class", "repository"]
    return [sys.executable, "-m", "kcr.cli", "--root", str(root), "add-ref", str(export), "--verified", verified, *cls]


def child_env(pause: float = 0.0) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), KCR_NO_CACHE="1")
    env.pop("KCR_TEST_WRITE_PAUSE", None)
    if pause:
        env["KCR_TEST_WRITE_PAUSE"] = str(pause)
    return env


@dataclass
class KillSummary:
    runs: int = 0
    old: int = 0  # file still the version before the run
    new: int = 0  # file the version with the new entry
    corrupted: int = 0
    sigkill: int = 0
    sigint: int = 0
    stale_temps: int = 0  # temporary files a killed run left (removed by the next run)
    in_write: int = 0  # signals sent while the new file was being written (its temporary file existed)
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"kill loop: {self.runs} runs ({self.sigkill} SIGKILL, {self.sigint} SIGINT; {self.in_write} sent while "
                f"the new file was being written): {self.old} left the old "
                f"file, {self.new} the new file, {self.corrupted} corrupted; {self.stale_temps} runs left a temporary "
                "file (removed by the next run)")


def _temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith(".references.bib.") and n.endswith(".tmp")]


def _expected(base: Path, export: Path, work: Path) -> bytes | None:
    """references.bib after an undisturbed add of ``export`` to the base file (in-process); None if refused."""
    shutil.copy2(base, work / "references.bib")
    try:
        addref.add(work, export, verified_of(export), verified_class=bib.expected_class(verified_of(export)) or "repository")
    except addref.AddRefError:  # e.g. the work has since been added to the real references.bib
        return None
    return (work / "references.bib").read_bytes()


def base_references() -> str:
    """The real references.bib without the works the fixture exports add (the review cites some of them, and
    add-ref would refuse those as duplicates instead of writing)."""
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    items = [item for export in FIXTURES.glob("*.csl.json") for item in json.loads(export.read_text(encoding="utf-8"))]
    dois = {item["DOI"].lower() for item in items if item.get("DOI")}
    titles = {bib.normalise_title(item.get("title", "")) for item in items}
    refs = bib.parse(text, Problems())
    drop = {ref.line for ref in refs.values() if ref.doi in dois or bib.normalise_title(ref.get("title")) in titles}
    blocks = re.split(r"\n(?=@)", text)
    starts, line = [], 1
    for block in blocks:
        starts.append(line)
        line += block.count("\n") + 1
    return "\n".join(b for b, start in zip(blocks, starts, strict=True) if start not in drop)


def kill_loop(runs: int, seed: int = 1, exports: list[Path] | None = None) -> KillSummary:
    exports = exports or EXPORTS
    rng = random.Random(seed)
    summary = KillSummary()
    with tempfile.TemporaryDirectory(prefix="kcr-kill-") as tmp:
        tmp_path = Path(tmp)
        base = tmp_path / "base.bib"
        base.write_text(base_references(), encoding="utf-8")
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        expected = {work_of(e): _expected(base, e, scratch) for e in {work_of(e): e for e in exports}.values()}
        exports = [e for e in exports if expected[work_of(e)] is not None]
        project = tmp_path / "project"
        project.mkdir()
        old = base.read_bytes()
        # how long an undisturbed run takes here, so the kills spread over the whole run
        shutil.copy2(base, project / "references.bib")
        start = time.monotonic()
        subprocess.run(command(project, exports[0], verified_of(exports[0])), env=child_env(), capture_output=True,
                       check=True)
        duration = time.monotonic() - start
        for i in range(runs):
            shutil.copy2(base, project / "references.bib")
            export = rng.choice(exports)
            sig = rng.choice((signal.SIGKILL, signal.SIGINT))
            targeted = i % 2 == 1  # every other run: wait until the write has begun, then kill inside it
            pause = 0.05 if targeted else 0.0
            proc = subprocess.Popen(command(project, export, verified_of(export)), env=child_env(pause),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if targeted:
                deadline = time.monotonic() + duration * 5 + 5
                while proc.poll() is None and time.monotonic() < deadline and not _temps(project):
                    time.sleep(0.002)
                delay = rng.uniform(0, 3 * pause)
            else:
                delay = rng.uniform(0, duration * 1.1)
            time.sleep(delay)
            if proc.poll() is None:
                summary.in_write += bool(_temps(project))
                proc.send_signal(sig)
            _out, err = proc.communicate(timeout=60)
            summary.runs += 1
            summary.sigkill += sig == signal.SIGKILL
            summary.sigint += sig == signal.SIGINT
            now = (project / "references.bib").read_bytes()
            if now == old:
                summary.old += 1
            elif now == expected[work_of(export)]:
                summary.new += 1
            else:
                summary.corrupted += 1
                summary.details.append(f"run {i}: {export.name}, {sig.name} after {delay:.3f}s: {len(now)} bytes; "
                                       f"exit {proc.returncode}; {err.decode(errors='replace')[-300:]}")
            summary.stale_temps += bool(_temps(project))
        # the next undisturbed run works and removes what killed runs left behind
        shutil.copy2(base, project / "references.bib")
        done = subprocess.run(command(project, exports[0], verified_of(exports[0])), env=child_env(),
                              capture_output=True, text=True)
        if done.returncode != 0 or any(n.endswith(".tmp") for n in os.listdir(project)):
            summary.corrupted += 1
            summary.details.append(f"the run after the loop failed or left a temporary file: {done.stdout}{done.stderr}")
    return summary


@dataclass
class ConcurrentSummary:
    trials: int = 0
    runs: int = 0
    added: int = 0  # runs that printed "Added"
    landed: int = 0  # new entries found in the file afterwards
    lost: int = 0  # runs that printed "Added" but whose entry is missing, or earlier entries changed
    corrupted: int = 0  # files that no longer parse cleanly
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"concurrent: {self.trials} trials x {self.runs // max(self.trials, 1)} runs at once = {self.runs} runs; "
                f"{self.added} printed Added, {self.landed} entries landed, {self.lost} lost, {self.corrupted} "
                "corrupted files")


def concurrent_works(tmp: Path) -> list[tuple[Path, str]]:
    """Eight distinct works: the six Zotero exports, the PubMed record and one made-up CSL-JSON item."""
    works = [(FIXTURES / f"{w}.biblatex.bib", verified_of(FIXTURES / f"{w}.biblatex.bib"))
             for w in sorted({work_of(e) for e in EXPORTS})]
    works.append((MEDLINE, "https://pubmed.ncbi.nlm.nih.gov/9887103/"))
    extra = tmp / "hypothetical.json"
    extra.write_text('[{"type": "article-journal", "title": "A hypothetical test record for concurrent runs", '
                     '"author": [{"family": "Tester", "given": "T"}], "issued": {"date-parts": [[2024]]}, '
                     '"container-title": "Journal of Test Inputs", "DOI": "10.5555/concurrent.test"}]',
                     encoding="utf-8")
    works.append((extra, "https://example.org/hypothetical"))
    return works


def concurrent(trials: int, seed: int = 1) -> ConcurrentSummary:
    summary = ConcurrentSummary()
    with tempfile.TemporaryDirectory(prefix="kcr-concurrent-") as tmp:
        tmp_path = Path(tmp)
        works = concurrent_works(tmp_path)
        project = tmp_path / "project"
        project.mkdir()
        for _ in range(trials):
            (project / "references.bib").write_text(base_references(), encoding="utf-8")
            before = {k: (r.entry_type, r.fields) for k, r in
                      bib.parse((project / "references.bib").read_text(encoding="utf-8"), Problems()).items()}
            procs = [subprocess.Popen(command(project, export, verified), env=child_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True) for export, verified in works]
            outs = [p.communicate(timeout=300)[0] for p in procs]
            summary.trials += 1
            summary.runs += len(procs)
            keys = []
            for out in outs:
                if out.startswith("Added '"):
                    summary.added += 1
                    keys.append(out.split("'")[1])
                else:
                    summary.details.append(out)
            problems = Problems()
            after = bib.parse((project / "references.bib").read_text(encoding="utf-8"), problems)
            if problems:
                summary.corrupted += 1
                summary.details += [str(p) for p in problems]
            summary.landed += sum(k in after for k in keys)
            summary.lost += sum(k not in after for k in keys)
            changed = [k for k, v in before.items() if k not in after or (after[k].entry_type, after[k].fields) != v]
            summary.lost += len(changed)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100, help="kill-loop runs (default 100)")
    parser.add_argument("--concurrent", type=int, default=0, metavar="TRIALS",
                        help="also run TRIALS trials of 8 add-ref runs at once")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    bad = 0
    if args.runs:
        s = kill_loop(args.runs, args.seed)
        print(s.line())
        for d in s.details:
            print("  " + d)
        bad += s.corrupted
    if args.concurrent:
        c = concurrent(args.concurrent, args.seed)
        print(c.line())
        for d in c.details:
            print("  " + d)
        bad += c.corrupted + c.lost + (c.runs - c.added)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
