"""What ``kcr serve`` shows while the records are broken: the state of the last build and its error page.

During ``kcr serve`` the MkDocs hook does not abort a build whose records fail
the checker (an aborted rebuild leaves the dev server's requests hanging);
it records the problems here instead, and the served site answers every page
with :func:`error_page` until a rebuild passes.  Pages reload themselves when
a build finishes (:data:`RELOAD_JS`, loaded from the server, so the pages'
Content-Security-Policy allows it).

Plain Python: no MkDocs here; ``hooks/kcr_hooks.py`` wires it to the server.
"""

from __future__ import annotations

import html
import string
import threading
from dataclasses import dataclass, field

RELOAD_PATH = "/.kcr/reload.js"
STATUS_PATH = "/.kcr/build"
# polls the build counter once a second and reloads the page when another build has finished
# (a template, so the script's braces stay as written)
RELOAD_JS = string.Template("""\
(function () {
  var seen = new URL(document.currentScript.src).searchParams.get("build");
  function poll() {
    var req = new XMLHttpRequest();
    req.onloadend = function () {
      if (this.status === 200 && this.responseText !== seen) { location.reload(); return; }
      setTimeout(poll, this.status === 200 ? 1000 : 3000);
    };
    req.open("GET", "$status");
    req.send();
  }
  window.addEventListener("load", function () { setTimeout(poll, 1000); });
})();
""").substitute(status=STATUS_PATH)
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'self'; form-action 'none'")


@dataclass
class _State:
    serving: bool = False
    build: int = 0  # finished builds, published or not
    problems: tuple[str, ...] = ()  # of the last finished build; empty when it passed
    title: str = ""
    _pending: list[str] = field(default_factory=list)
    _pending_title: str = ""
    _building: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)


_state = _State()


def start_serving() -> None:
    """Called once when ``mkdocs serve`` starts: from now on problems are shown, not raised."""
    _state.serving = True


def serving() -> bool:
    return _state.serving


def begin() -> None:
    """A build starts: collect its problems afresh (the last build's stay shown until it finishes)."""
    with _state._lock:
        _state._pending, _state._pending_title, _state._building = [], "", True


def fail(title: str, lines: list[str]) -> None:
    """The build in progress found problems: ``lines`` read ``path:line:col: what — what to do``."""
    with _state._lock:
        _state._pending_title = _state._pending_title or title
        _state._pending.extend(line for line in lines if line.strip())


def failing() -> bool:
    """Whether the build in progress has found problems so far."""
    with _state._lock:
        return bool(_state._pending)


def finish() -> None:
    """The build ended (passed or not): show what it found, and tell open pages to reload."""
    with _state._lock:
        if not _state._building:
            return
        _state.problems, _state.title = tuple(_state._pending), _state._pending_title
        _state._building = False
        _state.build += 1


def current() -> tuple[int, str, tuple[str, ...]]:
    """(build number, title, problems) of the last finished build."""
    return _state.build, _state.title, _state.problems


def reload_tag(build: int) -> bytes:
    return b'<script src="%s?build=%d"></script>' % (RELOAD_PATH.encode(), build)


def error_page(build: int, title: str, problems: tuple[str, ...]) -> bytes:
    """A plain page listing every problem, escaped, that reloads itself when a rebuild finishes."""
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>Build refused - Kratom Claims Review</title>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p>The site cannot be built until {"this problem is" if len(problems) == 1 else f"these {len(problems)} problems are"}
fixed. Each reads <code>path:line:col: what is wrong — what to do</code>. This page reloads by itself when the
files are saved and the rebuild passes (<code>kcr check</code> lists the same problems).</p>
<ul>
{items}
</ul>
{reload_tag(build).decode()}
</body>
</html>
"""
    return page.encode("utf-8")
