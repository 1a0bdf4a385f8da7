"""When each MkDocs event ran during one build: where a build's wall time goes, phase by phase.

Usage (in a project whose pages are generated already, e.g. a synthetic one after ``kcr generate``)::

    KCR_PREGENERATED=$(realpath docs) python scripts/build_timeline.py mkdocs.yml /tmp/site

Runs ``mkdocs build --strict`` in this process and prints, for each plugin event, the seconds since the start
at its first and last call and how many calls there were: reading the pages (page_markdown), the theme's own
templates, rendering the pages (post_page: this process's share when the build forks), and the post-build
tail (search index, static scan).
"""

from __future__ import annotations

import atexit
import sys
import time
from typing import Any

from mkdocs import plugins

START = time.time()
SEEN: dict[str, list[float]] = {}
_run_event = plugins.PluginCollection.run_event


def run_event(self: plugins.PluginCollection, name: str, item: Any = None, **kwargs: Any) -> Any:
    result = _run_event(self, name, item, **kwargs)
    now = time.time() - START
    times = SEEN.setdefault(name, [now, now, 0])
    times[1], times[2] = now, times[2] + 1
    return result


def report() -> None:
    for name, (first, last, calls) in sorted(SEEN.items(), key=lambda item: item[1][0]):
        print(f"{name:20s} first {first:7.1f} s  last {last:7.1f} s  calls {int(calls)}", file=sys.stderr)
    print(f"end {time.time() - START:.1f} s", file=sys.stderr)


def main() -> None:
    from mkdocs.__main__ import cli

    plugins.PluginCollection.run_event = run_event  # type: ignore[method-assign]
    atexit.register(report)
    config, site = sys.argv[1], sys.argv[2]
    sys.argv = ["mkdocs", "build", "--strict", "-f", config, "--site-dir", site]
    cli()


if __name__ == "__main__":
    main()
