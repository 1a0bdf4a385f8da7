"""kcr add-ref on real exports: Zotero's four formats of six works, PubMed's .nbib, and hostile inputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from kcr import bib, check
from kcr.cli import main
from kcr.importers import medline
from kcr.problems import Problems

FIXTURES = ROOT / "tests" / "fixtures" / "zotero-exports"
MEDLINE = ROOT / "tests" / "fixtures" / "imports" / "brummel1999drosophila.nbib"
EXPORTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".bib", ".ris", ".json"))
WORKS = sorted({p.name.split(".", 1)[0] for p in EXPORTS})
KEYS = {"ahmad2012malaysia": "ahmad2012mitragyna", "anwar2016mmwr": "anwar2016notes",
        "boyer2007drugbuyers": "boyer2007self", "boyer2008selftreatment": "boyer2008self",
        "choo2022mmt": "choo2022prevalence", "coe2019substitute": "coe2019kratom"}
DROPPED = {"bibtex.bib": "language, urldate", "biblatex.bib": "shortjournal, urldate", "ris": "DP, J2, LA, Y2",
           "csl.json": "accessed, journalAbbreviation, language, source"}


def check_problems(root: Path) -> list[str]:
    """What kcr check reports, except that a new reference is not yet cited by a claim."""
    return [str(p) for p in check.load(root).problems if "is cited by no claim" not in p.what]


def fmt(path: Path) -> str:
    return path.name.split(".", 1)[1]


def seen(work: str) -> str:
    return (FIXTURES / f"{work}.seen.txt").read_text(encoding="utf-8").strip()


def expected(work: str) -> dict[str, str]:
    """The fields of a work as its CSL-JSON export states them, read with json alone (not with kcr)."""
    item = json.loads((FIXTURES / f"{work}.csl.json").read_text(encoding="utf-8"))[0]
    out = {
        "title": item["title"],
        "author": " and ".join(f"{a['family']}, {a['given']}" for a in item["author"]),
        "year": str(item["issued"]["date-parts"][0][0]),
        "journal": item["container-title"],
        "volume": item["volume"],
        "pages": item["page"].replace("-", "--"),
        "doi": item["DOI"].lower(),
        "verified": seen(work),
        "verified_class": bib.expected_class(seen(work)) or "repository",  # as add() passes it
    }
    pmid = re.search(r"PMID: ([0-9]+)", item.get("note", ""))
    if pmid:
        out["pmid"] = pmid.group(1)
    if item.get("URL"):
        out["url"] = item["URL"]
    return out


def add(root: Path, export: Path, verified: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    # the kind of page is not what these tests are about: where the address does not say it, call it a repository
    cls = [] if bib.expected_class(verified) else ["--verified-class", "repository"]
    code = main(["--root", str(root), "add-ref", str(export), "--verified", verified, *cls])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("export", EXPORTS, ids=[p.name for p in EXPORTS])
def test_every_zotero_export_adds_the_right_entry(export: Path, project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    work = export.name.split(".", 1)[0]
    before = (project / "references.bib").read_text(encoding="utf-8")
    code, out = add(project, export, seen(work), capsys)
    assert code == 0, out
    key = KEYS[work]  # our own key: Zotero's (ahmad_mitragyna_2012) is ignored
    assert out.splitlines()[0] == f"Added '{key}' to references.bib. Cite it from a claim's evidence with: ref: {key}"
    assert f"dropped fields: {DROPPED[fmt(export)]} (references.bib keeps only the fields the site uses)" in out
    text = (project / "references.bib").read_text(encoding="utf-8")
    refs = bib.parse(text, problems := Problems())
    assert problems == []
    assert refs[key].entry_type == "article"
    assert refs[key].fields == expected(work)
    assert text.replace(bib_entry(text, key), "") == before  # nothing else changed
    assert check_problems(project) == []


def bib_entry(text: str, key: str) -> str:
    m = re.search(r"@article\{" + key + r",\n(?:  .*\n)*\}\n\n?", text)
    assert m, text
    return m.group()


@pytest.mark.parametrize("work", WORKS)
def test_the_four_formats_of_one_work_give_the_same_entry(work: str, tmp_path: Path) -> None:
    from conftest import make_project
    from kcr import addref

    entries = {}
    for export in sorted(FIXTURES.glob(f"{work}.*")):
        if export.suffix not in (".bib", ".ris", ".json"):
            continue
        root = make_project(tmp_path / export.name)
        key = addref.add(root, export, seen(work), verified_class=bib.expected_class(seen(work)) or "repository")
        entries[export.name] = bib_entry((root / "references.bib").read_text(encoding="utf-8"), key)
    assert len(entries) == 4
    assert len(set(entries.values())) == 1, entries


def test_pubmed_nbib_record(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = add(project, MEDLINE, "https://pubmed.ncbi.nlm.nih.gov/9887103/", capsys)
    assert code == 0, out
    assert out.startswith("Added 'brummel1999drosophila' to references.bib.")
    assert ("dropped fields: AB, AD, CRDT, DCOM, EDAT, GR, IS, JID, LA, LR, MH, MHDA, OWN, PHST, PL, PST, RN, SB, SI, SO, "
            "STAT, TA (") in out
    refs = bib.parse((project / "references.bib").read_text(encoding="utf-8"), Problems())
    assert refs["brummel1999drosophila"].fields == {
        # TI continues on a second line; MEDLINE's closing period is removed
        "title": "The Drosophila activin receptor baboon signals through dSmad2 and controls cell proliferation but "
                 "not patterning during larval development",
        "author": "Brummel, T and Abdollah, S and Haerry, T E and Shimell, M J and Merriam, J and Raftery, L and "
                  "Wrana, J L and O'Connor, M B",
        "year": "1999", "journal": "Genes & development", "volume": "13", "number": "1", "pages": "98--111",
        "doi": "10.1101/gad.13.1.98", "pmid": "9887103", "pmcid": "PMC316373",
        "verified": "https://pubmed.ncbi.nlm.nih.gov/9887103/", "verified_class": "pubmed",
    }
    assert check_problems(project) == []


def test_medline_abbreviated_page_ranges_are_written_out() -> None:
    # MEDLINE writes 1569-1572 as 1569-72 (MedlinePgn of PMID 9 in the PubMed record seen with the .nbib fixture)
    assert medline._expand_pages("1569-72") == "1569--1572"
    assert medline._expand_pages("98-111") == "98--111"
    assert medline._expand_pages("e20181839") == "e20181839"
    assert medline._expand_pages("R123-9") == "R123--R129"


MENDELEY = """@article{Coe2019,
abstract = {Background: kratom is used as a substitute for opioids; 50% of users said so.},
author = {Coe, Marion A. and Pillitteri, Janine L.},
doi = {10.5555/mendeley.test},
file = {:home/user/Mendeley/Coe2019.pdf:pdf},
journal = {Drug and Alcohol Dependence},
keywords = {Kratom,Opioids},
mendeley-groups = {Kratom},
month = jun,
pages = {24--32},
shorttitle = {Kratom as a substitute},
title = {{Kratom as a substitute for opioids: {R}esults from an online survey in {M}alaysia {\\&} the {US}, {\\"{O}}sterreich}},
volume = {202},
year = {2019}
}
"""


def test_mendeley_export_month_macro_and_latex(project: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mendeley.bib"
    src.write_text(MENDELEY, encoding="utf-8")
    code, out = add(project, src, "https://example.org/checked", capsys)
    assert code == 0, out
    assert "dropped fields: abstract, file, keywords, mendeley-groups, month, shorttitle (" in out
    ref = bib.parse((project / "references.bib").read_text(encoding="utf-8"), Problems())["coe2019kratom"]
    assert ref.get("title") == ("Kratom as a substitute for opioids: Results from an online survey in Malaysia & "
                                "the US, Österreich")
    assert ref.get("author") == "Coe, Marion A. and Pillitteri, Janine L."


def test_google_scholar_and_biblatex_date_journaltitle(project: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "scholar.bib"
    src.write_text("@article{kapitany2015kratom,\r\n\ttitle={Kratom in {H}ungary},\r\n\tauthor={Kapit{\\'a}ny-F{\\\"o}v{\\'e}ny, M{\\'a}t{\\'e} "
                   "and {World Health Organization}},\r\n\tjournaltitle={Journal of {T}ests},\r\n\tdate={2015-03-01},\r\n"
                   "\tpublisher={Elsevier},\r\n\tdoi={10.5555/SCHOLAR\\_TEST}\r\n}\r\n", encoding="utf-8")
    code, out = add(project, src, "https://example.org/checked", capsys)
    assert code == 0, out
    assert out.startswith("Added 'kapitanyfoveny2015kratom'")
    ref = bib.parse((project / "references.bib").read_text(encoding="utf-8"), Problems())["kapitanyfoveny2015kratom"]
    assert ref.fields["author"] == "Kapitány-Fövény, Máté and {World Health Organization}"
    assert (ref.get("journal"), ref.get("year"), ref.get("doi"), ref.get("title")) == \
        ("Journal of Tests", "2015", "10.5555/scholar_test", "Kratom in Hungary")


def test_ris_year_from_da_only(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "x.ris"
    src.write_bytes(b"TY  - JOUR\r\nTI  - A test of dates in kratom exports\r\nAU  - Tester, T\r\n"
                    b"T2  - Journal of Tests\r\nDA  - 2013///\r\nDO  - 10.5555/da.test\r\nER  - \r\n")
    code, out = add(project, src, "https://example.org/checked", capsys)
    assert code == 0, out
    assert out.startswith("Added 'tester2013test'")


MULTI = {
    "two.ris": ("TY  - JOUR\nTI  - First\nER  - \n\nTY  - JOUR\nTI  - Second\nER  - \n", "2 records"),
    "two.bib": ("@article{a, title={First}}\n@article{b, title={Second}}\n", "2 entries"),
    "two.json": ('[{"title": "First"}, {"title": "Second"}, {"title": "Third"}]', "3 items"),
    "two.nbib": ("PMID- 1\nTI  - First.\n\nPMID- 2\nTI  - Second.\n", "2 records"),
}


@pytest.mark.parametrize("name", sorted(MULTI))
def test_several_records_are_refused_never_merged(name: str, project: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / name
    src.write_text(MULTI[name][0], encoding="utf-8")
    before = (project / "references.bib").read_bytes()
    code, out = add(project, src, "https://example.org/checked", capsys)
    assert code == 1
    assert out == (f"{src}:1:1: the file holds {MULTI[name][1]}; add-ref adds one work at a time — export each work "
                   "to its own file and add them one by one (each needs its own --verified page)\n"
                   "references.bib is untouched.\n")
    assert (project / "references.bib").read_bytes() == before


CSL = {"type": "article-journal", "title": "A null-laden test record about kratom", "container-title": "J Tests",
       "author": [{"family": "Nulls", "given": "N"}], "issued": {"date-parts": [[2020]]}, "DOI": "10.5555/null"}


def test_csl_null_is_absent_not_none(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "null.json"
    src.write_text(json.dumps([dict(CSL, volume=None, issue=None, page=None, PMID=None, URL=None, publisher=None)]),
                   encoding="utf-8")
    code, out = add(project, src, "https://example.org/checked", capsys)
    assert code == 0, out
    text = (project / "references.bib").read_text(encoding="utf-8")
    assert "None" not in text
    assert bib.parse(text, Problems())["nulls2020null"].fields.keys() == {"title", "author", "year", "journal", "doi",
                                                                         "verified", "verified_class"}


WRONG_TYPES = [
    ({"title": 5}, ":1:1: CSL-JSON field 'title' is a number, not text"),
    ({"author": "Smith"}, ":1:1: CSL-JSON field 'author' is text, not a list of names"),
    ({"author": [["Smith"]]}, ":1:1: an author in CSL-JSON is a list, not an object with family and given names"),
    ({"author": [{"family": {"x": 1}}]}, ":1:1: CSL-JSON field 'family' is an object, not text"),
    ({"issued": [2020]}, ":1:1: CSL-JSON field 'issued' is a list, not a date object"),
    ({"issued": {"date-parts": "2020"}}, ":1:1: CSL-JSON field 'issued' has no [[year, month, day]] date-parts"),
    ({"volume": True}, ":1:1: CSL-JSON field 'volume' is true/false, not text"),
]


@pytest.mark.parametrize(("change", "message"), WRONG_TYPES, ids=[m.split(": ", 1)[1][:40] for _, m in WRONG_TYPES])
def test_wrong_json_types_give_one_line(change: dict, message: str, project: Path, tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text(json.dumps([dict(CSL, **change)]), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(project), "add-ref", str(src), "--verified",
                           "https://example.org/x"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{src}{message} — export the work as CSL-JSON again\n"), proc.stdout
    assert proc.stdout.endswith("references.bib is untouched.\n")
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"title": ' + "9" * 5000 + "}", "[]", "null",
                                  '"just text"', "{"])
def test_odd_json_never_tracebacks(text: str, project: Path, tmp_path: Path) -> None:
    src = tmp_path / "odd.json"
    src.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(project), "add-ref", str(src), "--verified",
                           "https://example.org/x"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{src}:"), proc.stdout
    assert len(proc.stdout.splitlines()) == 2 and "Traceback" not in proc.stdout + proc.stderr


def test_key_collisions_get_a_suffix(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = []
    for i in range(28):  # smith2020test, smith2020testa .. smith2020testz, smith2020testaa
        src = tmp_path / f"{i}.json"
        src.write_text(json.dumps([dict(CSL, title=f"Test number {i} of colliding keys", DOI=f"10.5555/c{i}",
                                        author=[{"family": "Smith", "given": "J"}])]), encoding="utf-8")
        code, out = add(project, src, "https://example.org/checked", capsys)
        assert code == 0, out
        keys.append(out.split("'")[1])
    assert keys[:3] == ["smith2020test", "smith2020testa", "smith2020testb"]
    assert keys[-1] == "smith2020testaa" and len(set(keys)) == 28
    assert check_problems(project) == []


def test_dev_zero_pipe_folder_and_large_file_are_refused_without_reading(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    big = tmp_path / "big.bib"
    with open(big, "wb") as fh:
        fh.truncate(1_400_000)  # sparse: refused from its size alone
    cases = {"/dev/zero": "not a regular file (a pipe, device or socket) — save the export to a file and give that "
                          "file's path",
             str(fifo): "not a regular file (a pipe, device or socket) — save the export to a file and give that "
                        "file's path",
             str(tmp_path): "this is a folder, not an export file — give the path of the exported .bib, .ris, .json "
                            "or .nbib file",
             str(big): "file is 1,400,000 bytes, over the limit of 1,000,000 for one reference — export only the work "
                       "you are adding"}
    for path, message in cases.items():
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "kcr.cli", "--root", str(project), "add-ref", path, "--verified",
                               "https://example.org/x"], capture_output=True, text=True, timeout=60)
        assert time.monotonic() - start < 30
        assert proc.returncode == 1
        assert proc.stdout == f"{path}:1:1: {message}\nreferences.bib is untouched.\n"


def test_text_rules_of_kcr_check_apply_before_writing(project: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "references.bib").read_bytes()
    # decomposed accents are composed (NFC), so kcr check accepts the result
    src = tmp_path / "nfd.json"
    src.write_text(json.dumps([dict(CSL, title="Cafe\u0301 culture and kratom in a test", DOI="10.5555/nfd")]),
                   encoding="utf-8")
    code, out = add(project, src, "https://example.org/x", capsys)
    assert code == 0, out
    assert "Café culture" in (project / "references.bib").read_text(encoding="utf-8")
    assert check_problems(project) == []
    (project / "references.bib").write_bytes(before)
    for name, change, message in (
        ("bidi.json", {"title": "Kratom \u202etest\u202c title"},
         "field 'title' holds a invisible or bidirectional control character U+202E — remove it; it can make text "
         "read differently from what it says"),
        ("long.json", {"author": [{"family": f"Author{i:04d}", "given": "A B"} for i in range(200)]},
         "field 'author' is 3,995 characters, over the limit of 2,000 — keep the first authors and end the list with "
         "'and others'"),
        ("brace.json", {"title": "An unbalanced { brace in a test title"},
         "field 'title' holds a '{' without a matching '}' — correct it in your reference manager and export again"),
    ):
        src = tmp_path / name
        src.write_text(json.dumps([dict(CSL, **change)]), encoding="utf-8")
        code, out = add(project, src, "https://example.org/x", capsys)
        assert code == 1
        assert out == f"{src}:1:1: {message}\nreferences.bib is untouched.\n"
        assert (project / "references.bib").read_bytes() == before


def test_imported_braces_round_trip(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "brace.json"
    src.write_text(json.dumps([dict(CSL, title="The {mu}-opioid receptor and kratom: a {test}")]), encoding="utf-8")
    assert add(project, src, "https://example.org/x", capsys)[0] == 0
    # a second run reads the file back: the first entry is still there, unchanged
    other = tmp_path / "other.json"
    other.write_text(json.dumps([dict(CSL, title="Another test title about kratom", DOI="10.5555/other")]),
                     encoding="utf-8")
    assert add(project, other, "https://example.org/x", capsys)[0] == 0
    refs = bib.parse((project / "references.bib").read_text(encoding="utf-8"), Problems())
    assert refs["nulls2020mu"].get("title") == "The {mu}-opioid receptor and kratom: a {test}"
    assert "nulls2020another" in refs


def test_latin1_file_named_with_line_and_column(project: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "latin1.ris"
    src.write_bytes(b"TY  - JOUR\nTI  - Caf\xe9\nER  - \n")
    code, out = add(project, src, "https://example.org/x", capsys)
    assert code == 1
    assert out.splitlines()[0] == (f"{src}:2:10: byte 0xe9 is not valid UTF-8 (Latin-1 or another encoding?) — "
                                   "export the file again as UTF-8")


def test_bibtex_problems_name_the_file_not_input(project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "export.bib"
    src.write_text("@article{x,\n  title = {A},\n  year = {2020}\n  journal = {J},\n}\n", encoding="utf-8")
    code, out = add(project, src, "https://example.org/x", capsys)
    assert code == 1
    assert out.splitlines()[0] == (f"{src}:3:1: field 'year' runs into the next field (a comma is probably missing) — "
                                   "write the value as one {braced} group and end each field with a comma")
    assert "<input>" not in out


def test_mutated_exports_never_raise_anything_but_a_message(tmp_path: Path) -> None:
    """Random slips in every fixture (deleted, doubled or replaced characters): added, or refused with a message."""
    import random

    from conftest import make_project
    from kcr import addref

    rng = random.Random(13)
    root = make_project(tmp_path)
    base = (root / "references.bib").read_bytes()
    alphabet = "{}[]\",:=@%#\\\n\t -0123456789abcAZ\u00e9\u0301\u202e\x00\x85"
    outcomes = {"added": 0, "refused": 0}
    for export in [*EXPORTS, MEDLINE]:
        original = export.read_text(encoding="utf-8")
        for i in range(int(os.environ.get("KCR_FUZZ", "12"))):
            chars = list(original)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(chars))
                action = rng.choice(("delete", "double", "replace"))
                if action == "delete":
                    del chars[at]
                elif action == "double":
                    chars.insert(at, chars[at])
                else:
                    chars[at] = rng.choice(alphabet)
            src = tmp_path / f"m{i}{''.join(export.suffixes)}"
            src.write_text("".join(chars), encoding="utf-8")
            (root / "references.bib").write_bytes(base)
            refusal: addref.AddRefError | None = None
            try:
                addref.add(root, src, "https://example.org/checked", verified_class="publisher")
                outcomes["added"] += 1
                problems = Problems()
                bib.parse((root / "references.bib").read_text(encoding="utf-8"), problems)
                assert problems == [], (src.read_text(encoding="utf-8"), problems)
            except addref.AddRefError as exc:
                refusal = exc
            if refusal is not None:
                outcomes["refused"] += 1
                assert (root / "references.bib").read_bytes() == base
                assert "\n" not in str(refusal) or str(refusal).startswith("the entry is incomplete:")
    assert outcomes["added"] and outcomes["refused"]
