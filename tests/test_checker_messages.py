"""One negative fixture per check: the exact message and its location."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BIB, CLAIM
from kcr import check
from kcr.cli import main

C = "claims/kratom-eases-withdrawal.yaml"


def claim(old: str, new: str) -> dict[str, str]:
    assert old in CLAIM, old
    return {C: CLAIM.replace(old, new, 1)}


def bib(old: str, new: str) -> dict[str, str]:
    assert old in BIB, old
    return {"references.bib": BIB.replace(old, new, 1)}


SECOND = BIB.replace("smith2020kratom", "doe2021other").replace("A test title about kratom use", "Another study of something else")

CASES = {
    "yaml-syntax": (claim("statement: Kratom", "statement: [Kratom"),
                    f"{C}:4:7: YAML syntax error: did not find expected ',' or ']' — fix the syntax (check indentation, quotes and colons)"),
    "duplicate-key": (claim("type: efficacy\n", "type: efficacy\ntype: safety\n"),
                      f"{C}:8:1: duplicate key 'type' (first at line 7) — keep one of them; YAML readers silently keep only the last"),
    "duplicate-nested-key": (claim("      change: -1\n", "      change: -1\n      change: -2\n"),
                             f"{C}:18:7: duplicate key 'change' (first at line 17) — keep one of them; YAML readers silently keep only the last"),
    "anchor": (claim("topic: withdrawal", "topic: &t withdrawal"),
               f"{C}:8:8: anchor '&t' is not allowed — remove the anchor; records do not share values"),
    "unknown-field": (claim("topic: withdrawal\n", "topic: withdrawal\nsource: somewhere\n"),
                      f"{C}:9:1: unknown field 'source' — remove it or use one of: article_certainty, bottom_line, certainty, changelog, checkable, conclusion, evidence, former_ids, id, not_checkable_reason, quotes, reviewed, statement, topic, type, unknowns, verdict, version, wording_note, would_change"),
    "unknown-nested-field": (claim("    stance: supports\n", "    stance: supports\n    sample: big\n"),
                             f"{C}:30:5: unknown field 'evidence.0.sample' — remove it or use one of: design, finding, n, population, ref, stance, substance"),
    "wrong-enum": (claim("verdict: overstated", "verdict: mostly-true"),
                   f"{C}:10:10: field 'verdict': 'mostly-true' is not an allowed value — use one of: accurate, mostly-accurate, overstated, misleading, unsupported, inaccurate"),
    "wrong-type": (claim("    n: 100", "    n: many"),
                   f"{C}:28:8: field 'evidence.0.n': 'many' is not of type integer — write a whole number without quotes"),
    "id-not-file-name": (claim("id: kratom-eases-withdrawal", "id: kratom-eases-pain"),
                         f"{C}:2:5: id 'kratom-eases-pain' does not match the file name 'kratom-eases-withdrawal.yaml' — set id: kratom-eases-withdrawal or rename the file to kratom-eases-pain.yaml"),
    "uncited-claim": (claim(CLAIM[CLAIM.index("evidence:"):CLAIM.index("reviewed:")], "evidence: []\n"),
                      f"{C}:23:1: checkable claim cites no evidence (uncited claim) — add at least one evidence item citing a references.bib key, or set checkable: false with a reason"),
    "missing-bib-key": (claim("  - ref: smith2020kratom", "  - ref: smith2020kratomx"),
                        f"{C}:24:10: evidence cites 'smith2020kratomx', which is not in references.bib — add the entry to references.bib (kcr add-ref) or fix the key"),
    "quote-not-in-article": (claim("potential aid in managing", "potential cure for"),
                             f'{C}:5:11: quote not found in the article: "has gained attention as a potential cure for opioid withd..." — copy the words exactly from source/article.txt (curly ’ and straight \' differ)'),
    "no-verdict": (claim("verdict: overstated\n", ""),
                   f"{C}:9:1: checkable claim has no verdict — add verdict: one of accurate, mostly-accurate, overstated, misleading, unsupported, inaccurate"),
    "no-certainty": (claim(CLAIM[CLAIM.index("certainty:"):CLAIM.index("bottom_line:")], ""),
                     f"{C}:9:1: checkable claim has no certainty — add certainty: with start, level and a reason for each step down or up"),
    "certainty-without-reason": (claim(CLAIM[CLAIM.index("  reasons:"):CLAIM.index("bottom_line:")], ""),
                                 f"{C}:14:10: certainty 'very-low' is below high but no reason is given — add certainty.reasons (domain, change, reason) or certainty.basis for a low starting point"),
    "certainty-arithmetic": (claim("  level: very-low", "  level: moderate"),
                             f"{C}:14:10: certainty level 'moderate' does not follow from start 'low' and the changes (gives 'very-low') — correct the level or the changes in certainty.reasons"),
    "date-not-iso": (claim('reviewed: "2026-11-25"', 'reviewed: "25/11/2026"'),
                     f'{C}:31:11: date \'25/11/2026\' is not a valid YYYY-MM-DD date — write it as "YYYY-MM-DD" in quotes, e.g. "2026-11-25"'),
    "bib-unparseable": ({"references.bib": BIB.rstrip().rstrip("}") + "\n"},
                        "references.bib:1:1: BibTeX block could not be parsed (Unexpectedly reached end of file.) — check braces, quotes and the '@type{key,' header of this entry"),
    "bib-duplicate-key": ({"references.bib": BIB + "\n" + BIB.replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678")},
                          "references.bib:12:1: duplicate citation key 'smith2020kratom' — give each entry its own key, or remove the repeated entry"),
    "bib-duplicate-key-case": ({"references.bib": BIB + "\n" + SECOND.replace("doe2021other", "Smith2020kratom").replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678")},
                               "references.bib:12:1: citation key 'Smith2020kratom' is not lowercase letters and digits — use the pattern familyname + year + first title word, e.g. 'smith2020kratom'"),
    "bib-duplicate-field": (bib("  year     = {2020},\n", "  year     = {2020},\n  year     = {2021},\n"),
                            "references.bib:1:1: entry repeats the field year — keep one copy of each field; bibtexparser drops the whole entry otherwise"),
    "bib-duplicate-doi": ({"references.bib": BIB + "\n" + SECOND.replace("10.1000/test.1", "https://doi.org/10.1000/TEST.1").replace("12345678", "22345678")},
                          "references.bib:12:1: 'doe2021other' has the same DOI as 'smith2020kratom' (https://doi.org/10.1000/TEST.1) — cite 'smith2020kratom' instead and remove this entry"),
    "bib-duplicate-pmid": ({"references.bib": BIB + "\n" + SECOND.replace("10.1000/test.1", "10.1000/test.2")},
                           "references.bib:12:1: 'doe2021other' has the same PMID as 'smith2020kratom' (12345678) — cite 'smith2020kratom' instead and remove this entry"),
    "bib-uncited-entry": ({"references.bib": BIB + "\n" + SECOND.replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678")},
                          "references.bib:12:1: reference 'doe2021other' is cited by no claim — cite it from a claim's evidence, or remove it"),
    "bib-malformed-doi": (bib("10.1000/test.1", "10.1000/<b>x</b>"),
                          "references.bib:6:1: malformed DOI '10.1000/<b>x</b>' in 'smith2020kratom' — write the bare DOI, e.g. 10.1000/xyz123 (no URL, no markup)"),
    "bib-malformed-pmid": (bib("12345678", "012345678"),
                           "references.bib:7:1: malformed PMID '012345678' in 'smith2020kratom' — write the PubMed ID as digits only, without leading zeros or a prefix"),
}


def run(root: Path, files: dict[str, str]) -> list[str]:
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return [str(p) for p in check.load(root).problems]


def test_cases_exist() -> None:
    # an empty parameter set must fail, not skip
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", sorted(CASES))
def test_message(project: Path, name: str) -> None:
    files, expected = CASES[name]
    problems = run(project, files)
    assert expected in problems, "\n".join(problems)


def test_valid_fixture_is_clean(project: Path) -> None:
    assert run(project, {}) == []


def test_cli_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "check"]) == 0
    files, expected = CASES["uncited-claim"]
    run(project, files)
    assert main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr()
    assert expected in out.out
    assert "Traceback" not in out.out + out.err


def test_every_problem_reported_at_once(project: Path) -> None:
    text = CLAIM.replace("verdict: overstated", "verdict: nope").replace('reviewed: "2026-11-25"', 'reviewed: "soon"')
    problems = run(project, {C: text, "references.bib": BIB.replace("12345678", "0123")})
    assert len(problems) >= 3
    assert problems == sorted(problems, key=lambda p: (p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])))
