"""The checker's speed-ups change nothing it reports.

* The cache (kcr.cache.LineCache, in the user's cache folder, and in memory for
  ``kcr serve``): every message fixture gives the same problems cold, from
  memory and from disk; a changed record is checked again; a damaged cache file
  or entry is ignored; nothing is written into the project.
* The fast YAML reader (libyaml's node tree) gives the same data and positions
  as the event reader, and hands anything unusual to it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import test_bad_input as bad
import test_checker_messages as messages
import test_review_rules as rules
from conftest import CLAIM, ROOT
from kcr import cache, check, parallel, records, snapshot, yamlstrict

C = "claims/kratom-eases-withdrawal.yaml"


def forget() -> None:
    """What a new process starts with: nothing remembered in memory."""
    cache.LineCache._memory.clear()
    cache.LineCache._lines.clear()
    records._SEEN.clear()
    records._LIVE.clear()
    check._BIB.clear()
    check._PAIRS.clear()
    check._BIB_SEEN.clear()
    records._GOOD_SCHEMAS.clear()
    snapshot.forget()
    records.Remembered._folders.clear()
    parallel._QUIET.clear()


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The cache on (the test suite turns it off), in a folder of its own; returns that folder."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    forget()
    yield folder
    forget()


def problems(root: Path) -> list[str]:
    return [str(p) for p in check.load(root).problems]


def uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as m:
        m.setenv("KCR_NO_CACHE", "1")
        return problems(root)


def cache_file(folder: Path) -> Path:
    found = list(folder.glob("kcr/*/records.jsonl"))
    assert len(found) == 1, found
    return found[0]


FIXTURES = ([("messages", name) for name in sorted(messages.CASES)] + [("rules", name) for name in sorted(rules.CASES)]
            + [("bad", name) for name in bad.CASES])


def apply_fixture(project: Path, suite: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``project`` the files (or the damage) of one message, rule or bad-input fixture."""
    if suite == "bad":
        bad.apply(project, bad.CASES[name][0], monkeypatch)
    else:
        rules.run(project, (messages.CASES if suite == "messages" else rules.CASES)[name][0])


@pytest.mark.parametrize(("suite", "name"), FIXTURES)
def test_same_problems_with_and_without_the_cache(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch,
                                                  suite: str, name: str) -> None:
    apply_fixture(project, suite, name, monkeypatch)
    expected = uncached(project, monkeypatch)
    assert expected, "every fixture has a problem"
    assert problems(project) == expected  # cold: fills the cache
    assert problems(project) == expected  # from memory, as in `kcr serve`
    forget()
    assert problems(project) == expected  # from disk, as in a new `kcr check`
    monkeypatch.setattr(records, "RACY_NS", -(10**18))  # remember every file's signature, however new
    forget()
    assert problems(project) == expected
    assert problems(project) == expected  # unchanged files not read again


def test_the_real_review_gives_the_same_problems(real_copy: Path, cached: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    expected = uncached(real_copy, monkeypatch)
    for _ in range(2):
        assert problems(real_copy) == expected
    forget()
    assert problems(real_copy) == expected


def test_a_changed_record_is_checked_again(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "RACY_NS", -(10**18))
    assert problems(project) == []
    assert problems(project) == []
    path = project / C
    # the same size and a different modification time: only the content tells
    changed = CLAIM.replace("verdict: overstated", "verdict: overstatez")
    assert len(changed) == len(CLAIM)
    path.write_text(changed, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    want = (f"{C}:10:10: field 'verdict': 'overstatez' is not an allowed value — use one of: accurate, "
            "mostly-accurate, overstated, misleading, unsupported, inaccurate")
    assert want in problems(project)
    forget()
    assert want in problems(project)
    path.write_text(CLAIM, encoding="utf-8")
    assert problems(project) == []
    # references.bib too
    bib_path = project / "references.bib"
    bib_path.write_text(bib_path.read_text(encoding="utf-8").replace("{2020}", "{20x0}"), encoding="utf-8")
    assert any("year '20x0' of 'smith2020kratom' is not a 4-digit year" in p for p in problems(project))


def test_a_damaged_cache_is_ignored(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, _ = messages.CASES["certainty-arithmetic"]
    rules.run(project, files)
    expected = uncached(project, monkeypatch)
    assert problems(project) == expected
    path = cache_file(cached)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 4  # the claim, the search log, the second review and references.bib
    damaged = []
    for i, line in enumerate(lines):
        key, _, value = line.partition(" ")
        entry = json.loads(value)
        if i % 4 == 0:
            damaged.append(f"{key} {{not json\n")
        elif i % 4 == 1:  # valid JSON, not the shape of an entry
            damaged.append(f"{key} " + json.dumps({"d": "text", "v": "yes", "p": [[1]], "o": 3}) + "\n")
        elif i % 4 == 2:  # the right keys with wrong types inside
            broken = dict(entry)
            if "p" in broken:
                broken["p"] = [["one", 2, "what", "todo"]]
            if "refs" in broken:
                broken["refs"] = [["key", "article", {"title": 5}, "line", {}, []]]
            damaged.append(f"{key} " + json.dumps(broken) + "\n")
        else:
            damaged.append(line[: len(line) // 2])  # cut short, as by a crash while writing
    path.write_text("".join(damaged) + "\x00\xff garbage without a key\n", encoding="utf-8")
    forget()
    assert problems(project) == expected
    forget()
    assert problems(project) == expected  # and the entries worked out again are used
    path.write_bytes(b"\xff\xfe\x00 not text at all")
    forget()
    assert problems(project) == expected


def test_nothing_is_written_into_the_project(project: Path, cached: Path) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    problems(project)
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert cache_file(cached).is_relative_to(cached)


# ---- the fast YAML reader ----

TRICKY = [
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
    "a: yes\n", "a: 'yes'\n", "a: True\n", "a: 007\n", "a: 0x1F\n", "a: 1.5\n", "a: 2024-01-01\n",
    "a: ~\nb:\nc: null\nd: NULL\n", "a: 1234567890123456\n", "a: -0\n", "a: +5\n",
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: ! 12\n", "<<: {a: 1}\n", "'<<': 1\n",
    "a: 1\na: 2\n", "a:\n  b: 1\n  b: 2\n", "? [a]\n: 1\n", "--- 1\n--- 2\n", "a: \"\\u202e\"\n",
    "a: \"e\\u0301\"\n", "a: \"\\e\"\n", "\"k\\u200b\": 1\n", "a: [[[[[[[[[[[[[1]]]]]]]]]]]]]\n",
    "a: [[[[[[[[[[[1]]]]]]]]]]]\n", "", "# only a comment\n", "- 1\n- two\n", "plain\n", "a: b: c\n",
    "a: >-\n  folded\n  text\n", "a: |\n  literal\n", "%YAML 1.2\n---\na: 1\n", "a: 'it''s'\n", "1: one\n",
    "null: x\n", "a: [1, 2,]\n", "a: {b: 1, b: 2}\n", "text with * star: 1\n", "a: \"\\x85\"\n",
]


def _read(text: str, reader) -> tuple:
    try:
        doc = reader(text)
    except yamlstrict.YamlError as exc:
        return ("error", exc.line, exc.col, exc.what, exc.todo)
    return ("ok", doc.data, doc.value_pos, doc.key_pos)


@pytest.mark.parametrize("text", TRICKY)
def test_fast_reader_agrees_with_the_event_reader(text: str) -> None:
    assert _read(text, yamlstrict.load) == _read(text, yamlstrict._load_events)


def test_fast_reader_agrees_on_every_file_of_the_repository() -> None:
    files = [p for folder in ("claims", "research", "source") for p in (ROOT / folder).rglob("*.yaml")]
    assert len(files) > 20
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _read(text, yamlstrict.load) == _read(text, yamlstrict._load_events), path
        fast += not yamlstrict._FAST_REFUSED.search(text)
    assert fast > len(files) // 2, "most files take the fast reader"


# ---- the static scan's cache ----

def test_the_scan_finds_the_same_with_and_without_its_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kcr import scan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    site = tmp_path / "site"
    (site / "claims" / "a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text("<html><head><meta charset='utf-8'></head><body><p>ok</p></body></html>")
    (site / "claims" / "a" / "index.html").write_text("<p onclick='x()'>a</p><script>alert(1)</script>")
    (site / "assets" / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (site / "assets" / "own.js").write_text("alert(1)")
    (site / "b.HTM").write_text("<iframe src='javascript:alert(1)'></iframe>")
    plain = scan.scan(site, cached=False)
    assert len(plain) >= 6
    scan._SCANNED.clear()
    assert scan.scan(site, cached=True) == plain  # cold
    assert scan.scan(site, cached=True) == plain  # from memory
    scan._SCANNED.clear()
    cache.LineCache._memory.clear()
    cache.LineCache._lines.clear()
    assert scan.scan(site, cached=True) == plain  # from disk
    (site / "index.html").write_text("<p onmouseover='y()'>changed</p>")  # a changed file is scanned again
    assert scan.scan(site, cached=True) == scan.scan(site, cached=False)
    stored = list((tmp_path / "user-cache").glob("kcr/*/scan.jsonl"))
    assert len(stored) == 1
    stored[0].write_text("".join(line.split(" ")[0] + ' [["x"]]\n' for line in stored[0].read_text().splitlines()))
    cache.LineCache._memory.clear()
    cache.LineCache._lines.clear()
    scan._SCANNED.clear()
    assert scan.scan(site, cached=True) == scan.scan(site, cached=False)  # damaged entries are ignored


# ---- the snapshot (kcr.snapshot): a new process opens no unchanged record file ----

def snapshot_file(folder: Path) -> Path:
    found = list(folder.glob("kcr/*/snapshot.json"))
    assert len(found) == 1, found
    return found[0]


def test_a_new_process_reads_no_unchanged_file(real_copy: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kcr import textfile

    expected = uncached(real_copy, monkeypatch)
    monkeypatch.setattr(records, "RACY_NS", -(10**18))
    assert problems(real_copy) == expected
    claim = next(p for p in sorted((real_copy / "claims").glob("*.yaml")) if "\nverdict: " in p.read_text("utf-8"))
    opened: list[str] = []
    real = textfile.read_bytes
    with monkeypatch.context() as m:
        m.setattr(textfile, "read_bytes", lambda path, shown, *a: opened.append(shown) or real(path, shown, *a))
        m.setattr(check.bib, "parse", None)  # references.bib is not parsed again either
        forget()
        assert problems(real_copy) == expected
        records_read = lambda: [s for s in opened if s.startswith(("claims/", "research/"))]  # noqa: E731
        assert records_read() == []
        # a changed file is read and checked again, though the snapshot names its old content
        claim.write_text(claim.read_text(encoding="utf-8").replace("\nverdict: ", "\nverdict: x", 1),
                         encoding="utf-8")
        forget()
        found = problems(real_copy)
        assert records_read() == [f"claims/{claim.name}"]
    assert found == uncached(real_copy, monkeypatch) != expected


@pytest.mark.parametrize("damage", ["not json", "wrong version", "other code", "wrong shapes", "unknown keys",
                                    "empty", "binary"])
def test_a_damaged_or_stale_snapshot_is_ignored(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch,
                                                damage: str) -> None:
    files, _ = messages.CASES["certainty-arithmetic"]
    rules.run(project, files)
    expected = uncached(project, monkeypatch)
    monkeypatch.setattr(records, "RACY_NS", -(10**18))
    assert problems(project) == expected
    path = snapshot_file(cached)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["seen"] and data["pairs"] and data["bib"]
    if damage == "not json":
        path.write_text("{not json", encoding="utf-8")
    elif damage == "wrong version":
        path.write_text(json.dumps(dict(data, v=0)), encoding="utf-8")
    elif damage == "other code":
        path.write_text(json.dumps(dict(data, fp="0" * 64)), encoding="utf-8")
    elif damage == "wrong shapes":
        name = next(iter(data["seen"]))
        data["seen"][name] = [[1, 2], ["x", "yes", 3], 5]
        data["pairs"][next(iter(data["pairs"]))] = [["path", "one", 2, "what", "todo"]]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "unknown keys":  # well formed, but every key names nothing in the cache
        for entry in data["seen"].values():
            entry[2] = "f" * 64
        for entry in data["bib"].values():
            entry[1] = "e" * 64
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "empty":
        path.write_text("", encoding="utf-8")
    else:
        path.write_bytes(b"\xff\xfe\x00 not text at all")
    forget()
    assert problems(project) == expected
    forget()
    assert problems(project) == expected


def test_a_stale_snapshot_entry_for_a_changed_file_is_not_used(project: Path, cached: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "RACY_NS", -(10**18))
    assert problems(project) == []
    path = project / C
    changed = CLAIM.replace("verdict: overstated", "verdict: overstatez")
    path.write_text(changed, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    forget()  # the snapshot still names the old content of the record
    assert problems(project) == uncached(project, monkeypatch) != []


# ---- the cold check in worker processes (kcr.parallel) ----

def in_process(task: dict) -> bytes:
    """A worker's output for ``task``, worked out in this process (the workers' code, without their start-up)."""
    from kcr import parallel

    return parallel.work(json.loads(json.dumps(task))).encode()


@pytest.mark.parametrize(("suite", "name"), FIXTURES)
def test_same_problems_when_workers_check_the_files(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch,
                                                    suite: str, name: str) -> None:
    from kcr import parallel

    apply_fixture(project, suite, name, monkeypatch)
    expected = uncached(project, monkeypatch)
    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setenv("KCR_JOBS", "2")
    monkeypatch.setattr(parallel, "_run", in_process)
    ran = []
    real = parallel.prefetch
    monkeypatch.setattr(parallel, "prefetch", lambda *a: ran.append(real(*a)) or ran[-1])
    assert problems(project) == expected
    assert ran and (ran[0] > 0 or suite == "bad")  # the workers checked the files
    forget()
    assert problems(project) == expected


def test_worker_processes_give_the_same_problems(real_copy: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kcr import parallel

    bib_path = real_copy / "references.bib"
    bib_path.write_text(bib_path.read_text(encoding="utf-8").replace("{2020}", "{20x0}", 1), encoding="utf-8")
    claim = sorted((real_copy / "claims").glob("*.yaml"))[0]
    claim.write_text(claim.read_text(encoding="utf-8").replace("\nverdict: ", "\nverdict: x", 1), encoding="utf-8")
    expected = uncached(real_copy, monkeypatch)
    assert expected
    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setenv("KCR_JOBS", "2")
    ran = []
    real = parallel.prefetch
    monkeypatch.setattr(parallel, "prefetch", lambda *a: ran.append(real(*a)) or ran[-1])
    assert problems(real_copy) == expected
    files = len(list((real_copy / "claims").glob("*.yaml"))) + len(list((real_copy / "research").rglob("*.yaml")))
    assert ran == [files]  # every record was checked by a worker process
    forget()
    assert problems(real_copy) == expected


@pytest.mark.parametrize("output", [b"", b"garbage\n", b'["bib"]\t{"refs": 5}\n["a", [1], "b", "c"]\tnot json\n',
                                    b'["/etc/passwd", null, "0", "1"]\t{}\n'])
def test_a_failed_worker_costs_only_time(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch,
                                         output: bytes) -> None:
    from kcr import parallel

    files, _ = messages.CASES["certainty-arithmetic"]
    rules.run(project, files)
    expected = uncached(project, monkeypatch)
    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setenv("KCR_JOBS", "2")
    monkeypatch.setattr(parallel, "_run", lambda task: output)
    assert problems(project) == expected
    forget()
    assert problems(project) == expected


def test_no_worker_can_be_started(project: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, _ = messages.CASES["certainty-arithmetic"]
    rules.run(project, files)
    expected = uncached(project, monkeypatch)
    monkeypatch.setattr(parallel, "MIN_FILES", 0)
    monkeypatch.setenv("KCR_JOBS", "2")
    monkeypatch.setattr(parallel.sys, "executable", str(project / "no-such-python"))
    assert problems(project) == expected


# ---- the static scan of pages as they are written ----

PAGES = {
    "index.html": "<html><head><meta charset='utf-8'></head><body><p>ok é</p></body></html>",
    "claims/a/index.html": "<p onclick='x()'>a</p><script>alert(1)</script>",
    "claims/b/index.html": "<p>line one</p>\n<p>line two \U0001f600 <a href='javascript:alert(2)'>x</a></p>",
}


@pytest.mark.parametrize("cached", [True, False])
def test_pages_scanned_as_written_are_not_read_again_and_give_the_same_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> None:
    from kcr import scan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("KCR_NO_CACHE", raising=False)
    site = tmp_path / "site"
    for rel, text in PAGES.items():  # as MkDocs writes a page
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(text.encode("utf-8", errors="xmlcharrefreplace"))
    (site / "assets").mkdir()
    (site / "assets" / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    expected = scan.scan(site, cached=False)
    assert {f.path for f in expected} == {*PAGES, "assets/x.svg"}  # (index.html: no policy)

    written = scan.Written(site, cached=cached)
    for rel, text in PAGES.items():
        written.page(rel, text)
    read: list[str] = []
    real_open, real_read_bytes = open, Path.read_bytes

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(os.path.relpath(str(file), site).replace(os.sep, "/"))
        return real_open(file, *args, **kwargs)

    def spy_read_bytes(self: Path) -> bytes:
        read.append(os.path.relpath(str(self), site).replace(os.sep, "/"))
        return real_read_bytes(self)

    monkeypatch.setattr("builtins.open", spy_open)
    monkeypatch.setattr(Path, "read_bytes", spy_read_bytes)
    scan._SCANNED.clear()
    got = scan.scan(site, cached=cached, written=written)
    monkeypatch.undo()
    assert got == expected  # the same findings, in the same order
    assert not set(read) & set(PAGES), read  # the written pages were not read back
    assert "assets/x.svg" in read  # the other files were


def test_an_empty_page_is_not_written_so_the_file_there_is_read(tmp_path: Path) -> None:
    from kcr import scan

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<script>alert(1)</script>", encoding="utf-8")  # left from an earlier build
    written = scan.Written(site, cached=False)
    written.page("index.html", "  \n")  # MkDocs writes no file for an empty page
    assert [f.what.split(" (")[0] for f in scan.scan(site, cached=False, written=written)][:1] == [
        "inline <script> not in the allow-list"]
