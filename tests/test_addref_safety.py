"""kcr add-ref never loses or corrupts references.bib: refusal, verbatim insertion, lock, restore."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BIB, ROOT
from kcr import addref, bib, safewrite
from kcr.cli import main
from kcr.problems import Problems

EXPORT = ROOT / "tests" / "fixtures" / "zotero-exports" / "coe2019substitute.ris"
ENTRY = """@article{coe2019kratom,
  title    = {Kratom as a substitute for opioids: Results from an online survey},
  author   = {Coe, M A},
  year     = {2019},
  journal  = {Drug and Alcohol Dependence},
  volume   = {202},
  pages    = {24--32},
  doi      = {10.1016/j.drugalcdep.2019.05.005},
  pmid     = {31284119},
  url      = {https://pubmed.ncbi.nlm.nih.gov/31284119/},
  verified = {https://pubmed.ncbi.nlm.nih.gov/31284119/},
  verified_class = {pubmed},
}"""
OTHER = BIB.replace("smith2020kratom", "doe2021other").replace("A test title about kratom use",
                                                                "Another test title on a separate work") \
    .replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678")


def run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(root), "add-ref", str(EXPORT), "--verified", "https://pubmed.ncbi.nlm.nih.gov/31284119/"])
    return code, capsys.readouterr().out


SLIPS = {
    "repeated field": (BIB.replace("  year     = {2020},\n", "  year     = {2020},\n  year     = {2021},\n"),
                       "references.bib:1:1: entry repeats the field year — keep one copy of each field; bibtexparser "
                       "drops the whole entry otherwise"),
    "missing comma": (BIB.replace("  year     = {2020},\n", "  year     = {2020}\n"),
                      "references.bib:4:1: field 'year' of 'smith2020kratom' runs into the next field (a comma is "
                      "probably missing) — write the value as one {braced} group and end each field with a comma"),
    "abstract field": (BIB.replace("  year ", "  abstract = {Long text.},\n  year "),
                       "references.bib:4:1: unknown field 'abstract' in 'smith2020kratom' — use only: address, author, "
                       "booktitle, doi, edition, institution, issn, journal, month, note, notice_date, notice_type, "
                       "notice_url, number, organization, pages, pmcid, pmid, publisher, title, title_supplied, type, "
                       "url, urldate, verified, verified_class, volume, year"),
    "empty value (was a traceback in kcr check too)": (
        BIB.replace("  journal  = {Journal of Tests},\n", "  journal  = ,\n"),
        "references.bib:5:1: field 'journal' of 'smith2020kratom' has no value — write the value as one {braced} "
        "group and end each field with a comma"),
    "unclosed entry": (BIB + "\n@article{broken2020x,\n  title = {Unclosed,\n",
                       "references.bib:12:1: BibTeX block could not be parsed (Unexpected block start: `@article`. Was "
                       "still looking for field-value closing `}`) — check braces, quotes and the '@type{key,' header "
                       "of this entry"),
}


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_a_references_bib_with_a_slip_is_refused_and_untouched(slip: str, project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    text, message = SLIPS[slip]
    bib_path = project / "references.bib"
    bib_path.write_text(text + "\n" + OTHER, encoding="utf-8")
    before = bib_path.read_bytes()
    code, out = run(project, capsys)
    assert code == 1
    assert out.splitlines()[0].startswith(message), out
    assert out.splitlines()[-1] == ("references.bib is untouched: add-ref changes it only when it parses cleanly. Fix "
                                    "the problems above (kcr check lists them too), then run add-ref again.")
    assert bib_path.read_bytes() == before


def test_comments_and_spacing_are_kept_byte_for_byte(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib_path = project / "references.bib"
    text = ("% references for the kratom review\n% keep sorted\n\n@comment{jabref-meta: databaseType:bibtex;}\n\n"
            + OTHER.replace("  title ", "  title   ").replace("doe2021other", "adams2021other")
            + "\n\n\n% smith comes next\n" + BIB + "% trailing comment, no newline")
    bib_path.write_text(text, encoding="utf-8")
    code, out = run(project, capsys)
    assert code == 0, out
    after = bib_path.read_text(encoding="utf-8")
    # the new entry sits between adams2021other and the comment that heads smith2020kratom; nothing else changed
    assert after == text.replace("}\n\n\n\n% smith", "}\n\n" + ENTRY + "\n\n\n\n% smith", 1)
    assert after != text


def test_entry_goes_first_when_its_key_sorts_first(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib_path = project / "references.bib"
    bib_path.write_text(BIB + "\n" + OTHER.replace("doe2021other", "zed2021other"), encoding="utf-8")
    before = bib_path.read_text(encoding="utf-8")
    assert run(project, capsys)[0] == 0
    assert bib_path.read_text(encoding="utf-8") == ENTRY + "\n\n" + before


def test_crlf_file_gets_a_crlf_entry(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib_path = project / "references.bib"
    bib_path.write_bytes(BIB.replace("\n", "\r\n").encode())
    assert run(project, capsys)[0] == 0
    assert bib_path.read_bytes() == (ENTRY + "\n\n" + BIB).replace("\n", "\r\n").encode()


def test_empty_or_missing_references_bib(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib_path = project / "references.bib"
    bib_path.unlink()
    assert run(project, capsys)[0] == 0
    assert bib_path.read_text(encoding="utf-8") == ENTRY + "\n"


def test_permissions_are_kept(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib_path = project / "references.bib"
    os.chmod(bib_path, 0o640)
    assert run(project, capsys)[0] == 0
    assert oct(os.stat(bib_path).st_mode & 0o777) == oct(0o640)


def test_stale_temporary_files_are_removed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = project / ".references.bib.abc123.tmp"
    stale.write_text("half a file from a killed run", encoding="utf-8")
    assert run(project, capsys)[0] == 0
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [".references.bib.lock"]


def test_mismatch_after_writing_restores_the_old_file(project: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bib_path = project / "references.bib"
    before = bib_path.read_bytes()
    monkeypatch.setattr(addref, "_verify", lambda *a: "entry 'smith2020kratom' would not read back as before")
    code, out = run(project, capsys)
    assert code == 1
    assert ("references.bib did not read back as written (entry 'smith2020kratom' would not read back as before); "
            "the previous version was restored") in out
    assert bib_path.read_bytes() == before


def test_failed_write_leaves_the_file_and_no_temp(project: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    bib_path = project / "references.bib"
    before = bib_path.read_bytes()
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:  # the data is written, but the disk fills before it is on disk
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    code, out = run(project, capsys)
    assert code == 1
    assert out == ("references.bib: could not be written (no space left on the disk) — references.bib is "
                   "untouched; free some space or fix the permissions, then run add-ref again\n")
    assert bib_path.read_bytes() == before
    assert not [p for p in project.iterdir() if p.suffix == ".tmp"]


def test_a_second_run_waits_for_the_lock_then_rereads(project: Path) -> None:
    bib_path = project / "references.bib"
    fd = os.open(safewrite.lock_path(bib_path), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "kcr.cli", "--root", str(project), "add-ref", str(EXPORT),
                                 "--verified", "https://pubmed.ncbi.nlm.nih.gov/31284119/"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        assert proc.poll() is None  # waiting for the lock
        # while it waits, another writer adds an entry: the waiting run must not lose it
        bib_path.write_text(BIB + "\n" + OTHER, encoding="utf-8")
    finally:
        os.close(fd)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    refs = bib.parse(bib_path.read_text(encoding="utf-8"), problems := Problems())
    assert problems == [] and sorted(refs) == ["coe2019kratom", "doe2021other", "smith2020kratom"]


def test_duplicate_check_runs_under_the_lock(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, capsys)[0] == 0
    code, out = run(project, capsys)
    assert code == 1
    assert out == (f"{EXPORT}: this work is already in references.bib as 'coe2019kratom' (same DOI "
                   "10.1016/j.drugalcdep.2019.05.005): cite 'coe2019kratom' instead\nreferences.bib is untouched.\n")


def test_new_claim_is_written_atomically_and_never_overwrites(project: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = project / "claims" / "kratom-new-thing.yaml"
    assert main(["--root", str(project), "new-claim", "kratom-new-thing"]) == 0
    first = path.read_bytes()
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in (project / "claims").iterdir()) == ["kratom-eases-withdrawal.yaml",
                                                                      "kratom-new-thing.yaml"]
    capsys.readouterr()
    # a run that checked before the file existed must still not overwrite it
    monkeypatch.setattr(Path, "exists", lambda self: False)
    assert main(["--root", str(project), "new-claim", "kratom-new-thing"]) == 1
    assert capsys.readouterr().out == ("claims/kratom-new-thing.yaml already exists — choose another id or edit that "
                                       "file\n")
    assert path.read_bytes() == first
    assert sorted(p.name for p in (project / "claims").iterdir()) == ["kratom-eases-withdrawal.yaml",
                                                                      "kratom-new-thing.yaml"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_mutated_references_bib_is_refused_or_kept_byte_for_byte(tmp_path: Path) -> None:
    """Random slips anywhere in the real references.bib: add-ref refuses (file untouched) or keeps every byte."""
    import random

    rng = random.Random(5)
    real = (ROOT / "references.bib").read_text(encoding="utf-8")
    # the work added below is cited in the real file: take it out, or every run would be refused as a duplicate
    real = re.sub(r"@article\{coe2019kratom,.*?\n\}\n\n", "", real, count=1, flags=re.S)
    assert "coe2019kratom" not in real
    root = tmp_path / "p"
    root.mkdir()
    outcomes = {"added": 0, "refused": 0}
    for _ in range(int(os.environ.get("KCR_FUZZ", "40"))):
        chars = list(real)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            action = rng.choice(("delete", "double", "replace"))
            if action == "delete":
                del chars[at]
            elif action == "double":
                chars.insert(at, chars[at])
            else:
                chars[at] = rng.choice("{}\",=@%#\n ,a")
        mutated = "".join(chars)
        (root / "references.bib").write_text(mutated, encoding="utf-8")
        try:
            key = addref.add(root, EXPORT, "https://pubmed.ncbi.nlm.nih.gov/31284119/")
        except addref.AddRefError:
            outcomes["refused"] += 1
            assert (root / "references.bib").read_text(encoding="utf-8") == mutated
            continue
        outcomes["added"] += 1
        after = (root / "references.bib").read_text(encoding="utf-8")
        entry = ENTRY.replace("coe2019kratom", key)
        assert after.replace("\n\n" + entry, "", 1) == mutated or after.replace(entry + "\n\n", "", 1) == mutated
    assert outcomes["refused"] and outcomes["added"]
