"""Where one clean ``kcr generate`` spends its time: the checker, then each costly renderer.

Usage::

    XDG_CACHE_HOME=$(mktemp -d) python scripts/generate_parts.py ROOT DOCS

ROOT is a project (e.g. one from ``kcr.synthetic.make(root, 5000, 10000)``); DOCS an empty folder the pages
are written to (not the project's own docs/).  With an empty cache folder, as above, nothing is taken from
an earlier run.  Prints the wall time of the checker, of rendering everything and of writing it, then the wall
time spent inside each wrapped renderer (the preview images and the formatted references use both cores:
their CPU time is mostly in worker processes, which are counted together at the top).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kcr import check, generate
from kcr.render import cite, claim_page, downloads, preview

SPENT: dict[str, float] = {}


def _timed(module: Any, name: str) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            label = f"{module.__name__}.{name}"
            SPENT[label] = SPENT.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, run)


def main() -> None:
    root, docs = Path(sys.argv[1]), Path(sys.argv[2])
    for module, name in ((preview, "images"), (cite, "format_html"), (claim_page, "render"),
                         (downloads, "reference_files"), (downloads, "review_files")):
        _timed(module, name)
    start = time.perf_counter()
    review = check.load(root)
    if not review.ok:
        raise SystemExit(f"{root} does not pass the checker ({len(review.problems)} problems)")
    checked = time.perf_counter()
    out = generate.render_all(review)
    rendered = time.perf_counter()
    generate.write(out, docs)
    done = time.perf_counter()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"checker {checked - start:.1f} s, render {rendered - checked:.1f} s, write {done - rendered:.1f} s; "
          f"{done - start:.1f} s in all (CPU {own.ru_utime + own.ru_stime:.1f} s in this process, "
          f"{kids.ru_utime + kids.ru_stime:.1f} s in worker processes)")
    for label, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"  {label}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
