"""What the checker's libraries alone cost on a project, each timed by itself in this process.

Usage: ``python scripts/checker_floor.py ROOT`` (ROOT: a project, e.g. ``kcr.synthetic.make(root, 5000, 10000)``).
Prints the time to read and decode every record file, libyaml composing their node trees (PyYAML's C
parser, no Python walk), kcr's strict YAML reader (the same composing plus the walk that applies the scalar
rules), ``bibtexparser.parse_string`` of references.bib and kcr's ``bib.parse`` of it: the floor under the
checker's cold run (BENCHMARKS.md, notes).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import bibtexparser

from kcr import bib, yamlstrict
from kcr.problems import Problems


def main() -> None:
    root = Path(sys.argv[1])
    start = time.perf_counter()
    files = [p for d in ("claims", "research/search-logs", "research/second-reviews") for p in (root / d).rglob("*.yaml")]
    texts = [p.read_bytes().decode("utf-8") for p in files]
    print(f"{len(files)} record files read and decoded: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    for text in texts:
        yamlstrict._Composer(text).get_single_node()
    print(f"libyaml composing the node trees: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    for text in texts:
        yamlstrict.load(text)
    print(f"kcr's strict YAML reader (composing + the walk): {time.perf_counter() - start:.2f} s")
    text = (root / bib.PATH).read_text(encoding="utf-8")
    start = time.perf_counter()
    library = bibtexparser.parse_string(text)
    print(f"bibtexparser.parse_string, {len(library.entries)} entries: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    bib.parse(text, Problems())
    print(f"kcr's bib.parse: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
