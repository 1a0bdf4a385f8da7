"""A full build renders every other page in a forked copy of itself (kcr.forked, the hook's _Split): the site is
byte for byte the one a single process builds, and whatever goes wrong in the copy fails the build, saying what."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project
from kcr import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="needs os.fork")
SECOND = "pages in a second process"  # the hook's log line when it forks


def build(root: Path, out: Path, jobs: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KCR_JOBS=jobs)
    return subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "build", "--site-dir", str(out)],
                          capture_output=True, text=True, env=env)


def tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# --- kcr.forked -----------------------------------------------------------------------------------------------


def test_the_copy_hands_back_what_its_work_returned() -> None:
    here = os.getpid()
    copy = forked.Forked(lambda: {"pid": os.getpid(), "text": "é\n" * 100_000})  # more than a pipe's buffer
    got = copy.result()
    assert got["pid"] != here and got["text"] == "é\n" * 100_000


def test_what_the_copy_raises_is_the_result() -> None:
    def work() -> None:
        raise RuntimeError("page claims/x.md:\nno template")

    copy = forked.Forked(work)
    with pytest.raises(forked.ForkedError, match=r"^RuntimeError: page claims/x.md: no template$"):
        copy.result()


def test_a_copy_that_is_killed_is_reported() -> None:
    copy = forked.Forked(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(forked.ForkedError, match="stopped by SIGKILL"):
        copy.result()


def test_a_copy_stopped_by_a_signal_without_a_name_is_reported() -> None:
    number = signal.SIGRTMIN + 1
    copy = forked.Forked(lambda: os.kill(os.getpid(), number))
    with pytest.raises(forked.ForkedError, match=f"stopped by signal {number}"):
        copy.result()


def test_a_copy_that_leaves_without_a_result_is_reported() -> None:
    copy = forked.Forked(lambda: os._exit(3))
    with pytest.raises(forked.ForkedError, match=r"exit status 3\) without a result"):
        copy.result()


def test_the_copy_says_lines_as_it_goes() -> None:
    def work(say) -> str:
        for n in range(3):
            say(f"page {n}")
        return "done"

    copy = forked.Forked(work, progress=True)
    assert [copy.next_line() for _ in range(4)] == ["page 0", "page 1", "page 2", None]
    assert copy.result() == "done"


def test_lines_left_unread_do_not_keep_the_result_waiting() -> None:
    """More lines than a pipe holds, none read: result() reads past them instead of waiting forever."""
    def work(say) -> int:
        for n in range(100_000):
            say(str(n))
        return 7

    assert forked.Forked(work, progress=True).result() == 7


def test_a_copy_that_dies_while_saying_lines_ends_them() -> None:
    def work(say) -> None:
        say("one")
        os.kill(os.getpid(), signal.SIGKILL)

    copy = forked.Forked(work, progress=True)
    assert copy.next_line() == "one"
    assert copy.next_line() is None
    with pytest.raises(forked.ForkedError, match="stopped by SIGKILL"):
        copy.result()


def test_a_refusal_is_its_message_alone() -> None:
    def work() -> None:
        raise forked.RefusedError("zz.md: TemplateNotFound: 'x.html'")

    with pytest.raises(forked.ForkedError, match=r"^zz.md: TemplateNotFound: 'x.html'$"):
        forked.Forked(work).result()


def test_a_cancelled_copy_is_stopped_and_waited_for() -> None:
    import time

    copy = forked.Forked(lambda: time.sleep(60))
    copy.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(copy.pid, os.WNOHANG)  # already reaped: no such child


# --- the build --------------------------------------------------------------------------------------------------


def test_a_build_on_two_processes_is_byte_identical_to_one_on_one(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "real")
    two, one = build(root, tmp_path / "two", "2"), build(root, tmp_path / "one", "1")
    assert two.returncode == 0, two.stdout + two.stderr
    assert one.returncode == 0, one.stdout + one.stderr
    assert SECOND in two.stdout + two.stderr
    assert SECOND not in one.stdout + one.stderr
    a, b = tree(tmp_path / "two"), tree(tmp_path / "one")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []  # the search index too: pages given in one order


def test_the_second_process_pages_are_scanned_too(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "real")
    for name in ("zz-scan-1", "zz-scan-2"):  # neighbours in MkDocs' list: one is rendered in each process
        (root / "docs" / f"{name}.md").write_text(f"# {name}\n\n<script>alert('{name}')</script>\n",
                                                  encoding="utf-8")
    proc = build(root, tmp_path / "site", "2")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert SECOND in out
    for name in ("zz-scan-1", "zz-scan-2"):
        assert f"{name}/index.html:" in out and f"alert('{name}')" in out


def _page_order(root: Path) -> list[str]:
    """MkDocs' list of pages to render, in its order (the hook gives the odd places to the copy)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import InclusionLevel, get_files

    config = load_config(str(root / "mkdocs.yml"))
    return [f.src_uri for f in get_files(config).documentation_pages(inclusion=InclusionLevel.is_included)]


def test_a_page_that_fails_in_the_second_process_fails_the_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "real")
    gen = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(root), "generate"], capture_output=True,
                         text=True)
    assert gen.returncode == 0, gen.stdout + gen.stderr
    bad = root / "docs" / "zz-broken.md"
    bad.write_text("---\ntemplate: no-such-template.html\n---\n\n# Broken\n", encoding="utf-8")
    if _page_order(root).index("zz-broken.md") % 2 == 0:  # move it to an odd place: the copy's share
        (root / "docs" / "zz-aaa.md").write_text("# A page before it\n", encoding="utf-8")
    assert _page_order(root).index("zz-broken.md") % 2 == 1
    proc = build(root, tmp_path / "site", "2")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert SECOND in out
    assert "Pages could not be built:" in out
    assert "zz-broken.md: TemplateNotFound: 'no-such-template.html' not found" in out


def test_the_second_process_warnings_count_for_strict() -> None:
    """A warning logged while the copy renders its pages is shown there and counted here, where --strict looks."""
    import importlib.util
    import logging

    from mkdocs.utils import CountHandler

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("kcr_hooks_forked_test", ROOT / "hooks" / "kcr_hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    kept = hooks._Warnings()
    logger = logging.getLogger("mkdocs.structure.pages")
    logging.getLogger("mkdocs").addHandler(kept)
    try:
        logger.info("not a warning")
        logger.warning("Doc file '%s' contains a link '%s', but the target is not found", "a.md", "b.md")
    finally:
        logging.getLogger("mkdocs").removeHandler(kept)
    assert kept.seen == [["mkdocs.structure.pages", logging.WARNING,
                          "Doc file 'a.md' contains a link 'b.md', but the target is not found"]]
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        hooks._count_warnings(kept.seen)
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    assert counter.get_counts() == [("WARNING", 1)]


def test_the_copys_scan_findings_mend_a_damaged_cache_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """merge() keeps the copy's findings, and stores them again where the cache held something unusable."""
    from kcr import scan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    site = tmp_path / "site"
    site.mkdir()
    copy = scan.Written(site)
    copy.page("a/index.html", "<!doctype html><html><head></head><body><p onclick=x>hi</p></body></html>")
    exported = copy.export()
    key, rows = exported["a/index.html"]
    assert key and any("onclick" in row[2] for row in rows)
    here = scan.Written(site)
    assert here.store is not None
    here.store.put(key, ["not", "findings"])  # valid JSON, wrong shape
    here.merge(exported)
    assert [f.what for f in here.findings["a/index.html"]] == [row[2] for row in rows]
    assert here.store.get(key) == rows
