"""`kcr serve` after an edit of the records renders only what the edit changed, and the served site then equals
a clean build.

The dev server's build loop is driven in this process (MkDocs' own ``build`` and ``LiveReloadServer``, the
hook's ``on_serve`` wrapping its builder, no socket): one full build, then each edit is one call of the
builder (the record's own pages) and, when the hook asks for it, one more (the pages made from the whole
review: listings, home page, downloads).  The site is then compared file by file with a clean build made
with the same address (the search index aside: it is rewritten when edits pause).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import copy_project
from kcr import serve_status

RECORD = "claims/kratom-is-safer.yaml"
URL = "http://127.0.0.1:8765/kratom-claims-review/"


class DevServer:
    """MkDocs' dev server for one project, built but not listening: ``rebuild()`` is one turn of its build loop."""

    def __init__(self, root: Path, site: Path) -> None:
        from mkdocs.commands.build import build
        from mkdocs.livereload import LiveReloadServer

        self.root, self.site = root, site
        config = self.config(site)
        config.plugins.on_startup(command="serve", dirty=True)

        def builder(config: Any = None) -> None:
            build(config or self.config(site), serve_url=URL, dirty=True)

        builder(config)
        server = LiveReloadServer(builder=builder, host="127.0.0.1", port=8765, root=str(site),
                                  mount_path="/kratom-claims-review/")
        server.watch(str(root / "docs"))
        self.server = config.plugins.on_serve(server, config=config, builder=builder)
        self.hooks: ModuleType = next(iter(config["hooks"].values()))

    def config(self, site: Path) -> Any:
        from mkdocs.config import load_config

        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=str(site))
        config.site_url = URL
        return config

    def rebuild(self) -> bool:
        """One build, as after a save; True when the pages made from the whole review are due once edits pause."""
        self.server.builder()
        return bool(self.hooks._served.listings_due)

    def listings(self) -> None:
        """The build the hook asks for once edits have paused (without waiting for its timer)."""
        assert self.hooks._served.listings_due
        self.hooks._served.listings_timer.cancel()
        self.hooks._served.listings_now = True
        self.server.builder()
        assert not self.hooks._served.listings_due

    def stop_indexing(self) -> None:
        for timer in (self.hooks._indexing.timer, self.hooks._served.listings_timer):
            if timer is not None:
                timer.cancel()


@pytest.fixture
def dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DevServer]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    server = None
    try:
        server = DevServer(root, tmp_path / "served")
        yield server
    finally:
        if server is not None:
            server.stop_indexing()
            server.server.server_close()  # its socket was made, never bound
        serve_status._state.serving = False  # this process is not serving after the test
        serve_status._state.problems, serve_status._state.title = (), ""


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "pagefind" not in p.relative_to(folder).parts}


def edit(root: Path, old: str, new: str) -> None:
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    assert old in text
    record.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_renders_only_its_pages_then_the_listings_and_equals_a_clean_build(
        dev: DevServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.commands.build import build

    page = dev.site / "claims" / "kratom-is-safer" / "index.html"
    listing = dev.site / "claims" / "index.html"
    others = {p: p.stat().st_mtime_ns for p in (dev.site / "claims").glob("*/index.html") if p != page}
    assert dev.hooks._served.stamp is not None  # the first build passed: edits of the records take the short way
    caplog.set_level(logging.INFO, logger="mkdocs.hooks.kcr")

    edit(dev.root, "\nconclusion: ", "\nconclusion: Edited once. ")
    assert dev.rebuild() is True  # the record's own pages now, the listings once edits pause
    assert "Edited once." in page.read_text(encoding="utf-8")
    assert serve_status.current()[2] == ()
    dev.listings()
    assert "Rebuilt" in caplog.text and "changed file(s)" in caplog.text
    # no other claim page was rendered again
    assert {p: p.stat().st_mtime_ns for p in others} == others

    # an edit the listings show: the claims index lists each statement
    statement = (dev.root / RECORD).read_text(encoding="utf-8").split("\nstatement: ", 1)[1].split("\n", 1)[0]
    edit(dev.root, f"\nstatement: {statement}\n", "\nstatement: Edited statement, kratom is safer\n")
    assert dev.rebuild() is True
    assert "Edited statement," not in listing.read_text(encoding="utf-8")  # not yet: edits may go on
    dev.listings()
    assert "Edited statement," in listing.read_text(encoding="utf-8")
    assert "Edited statement," in page.read_text(encoding="utf-8")
    dev.stop_indexing()

    clean = tmp_path / "clean"
    build(dev.config(clean), serve_url=URL, dirty=False)
    dev.stop_indexing()
    a, b = files(dev.site), files(clean)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_a_broken_edit_keeps_the_pages_and_the_fix_takes_the_short_way(dev: DevServer) -> None:
    page = dev.site / "claims" / "kratom-is-safer" / "index.html"
    before = page.read_bytes()
    edit(dev.root, "\nverdict: ", "\nverdict: not-a-verdict-")
    assert dev.rebuild() is False  # refused: no second half
    assert serve_status.current()[2]  # the problems are shown
    assert page.read_bytes() == before
    edit(dev.root, "\nverdict: not-a-verdict-", "\nverdict: ")
    edit(dev.root, "\nconclusion: ", "\nconclusion: Fixed. ")
    assert dev.rebuild() is True
    dev.listings()
    assert serve_status.current()[2] == ()
    assert "Fixed." in page.read_text(encoding="utf-8")
    assert dev.hooks._served.stamp is not None  # still the short way (no full build was needed)


def test_a_new_record_or_a_hand_written_page_gets_a_full_build(dev: DevServer) -> None:
    text = (dev.root / RECORD).read_text(encoding="utf-8")
    new = dev.root / "claims" / "kratom-is-safer-copy.yaml"
    new.write_text(text.replace("id: kratom-is-safer\n", "id: kratom-is-safer-copy\n", 1), encoding="utf-8")
    if dev.rebuild():
        dev.listings()
    problems = serve_status.current()[2]
    if not problems:  # the copy passes the checker: its page is published
        assert (dev.site / "claims" / "kratom-is-safer-copy" / "index.html").is_file()
    new.unlink()
    if dev.rebuild():
        dev.listings()
    assert serve_status.current()[2] == ()
    assert not (dev.site / "claims" / "kratom-is-safer-copy" / "index.html").exists()  # no stale page
    method = dev.root / "docs" / "methodology.md"
    method.write_text(method.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    stamp = dev.hooks._served.stamp
    assert dev.rebuild() is False
    assert dev.hooks._served.stamp not in (None, stamp)  # a full build, from the new hand-written page
    assert "A new closing line." in (dev.site / "methodology" / "index.html").read_text(encoding="utf-8")
    assert os.environ.get("KCR_NO_CACHE") is None


def _hooks() -> ModuleType:
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("kcr_hooks_watcher_test", ROOT / "hooks" / "kcr_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("refused", [False, True])
def test_the_watcher_is_the_systems_and_polls_when_that_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  refused: bool) -> None:
    import time

    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.polling import PollingObserver

    native = watchdog.observers.Observer
    if native is PollingObserver:
        pytest.skip("this system has no native watcher")

    class Refused(native):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            raise OSError(24, "inotify instance limit reached")

    if refused:
        monkeypatch.setattr(watchdog.observers, "Observer", Refused)
    (tmp_path / "claims").mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=8766, root=str(tmp_path))
    try:
        server.watch(str(tmp_path / "claims"))
        _hooks()._native_watcher(server)
        assert list(server._watched_paths) == [str(tmp_path / "claims")]
        server.observer.start()
        assert isinstance(server.observer, PollingObserver) is refused
        time.sleep(0.6)
        (tmp_path / "claims" / "a.yaml").write_text("id: a\n", encoding="utf-8")
        end = time.monotonic() + 10
        while not server._want_rebuild and time.monotonic() < end:
            time.sleep(0.05)
        assert server._want_rebuild  # the change was seen
        time.sleep(0.6)
        server._want_rebuild = False
        assert (tmp_path / "claims" / "a.yaml").read_text(encoding="utf-8") == "id: a\n"  # the checker reads it
        time.sleep(1.5)
        assert not server._want_rebuild, "reading a record asks for no rebuild"
    finally:
        server.observer.stop()
        server.server_close()
