"""Malformed and malicious input: every case is refused with exact messages, never a traceback.

Each case changes the minimal valid project of ``conftest`` (one claim, one
reference) and pins the *whole* report of ``kcr check``: exit code 1, the exact
``path:line:col: what is wrong — what to do`` lines, nothing on stderr but the
count, and no traceback.  Size limits are enforced before any parser runs, so
the oversized and bomb-like cases finish at once.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BIB, CLAIM
from kcr import bib as bib_mod
from kcr import check, claims, yamlstrict
from kcr.cli import main

C = "claims/kratom-eases-withdrawal.yaml"
B = "references.bib"
Setup = dict[str, str | bytes] | Callable[[Path, pytest.MonkeyPatch], None]


def claim(old: str, new: str) -> dict[str, str]:
    """The test claim with one edit."""
    assert old in CLAIM, old
    return {C: CLAIM.replace(old, new, 1)}


def bib(old: str, new: str) -> dict[str, str]:
    """The test references.bib with one edit."""
    assert old in BIB, old
    return {B: BIB.replace(old, new, 1)}


def section(start: str, end: str | None = None) -> str:
    """The part of CLAIM from the line starting ``start`` up to the line starting ``end``."""
    i = CLAIM.index(start)
    return CLAIM[i:CLAIM.index(end, i)] if end else CLAIM[i:]


FINDING = "    finding: In a test survey of current users, most reported that kratom eased withdrawal."
VERIFIED = "{https://pubmed.ncbi.nlm.nih.gov/12345678/}"
BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
BOMB = 'l0: &l0 "lol"\n' + BOMB


# ---- setups that need the file system, not just file contents ----

def symlink_record(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "claims" / "passwd.yaml").symlink_to("/etc/passwd")


def symlink_bib(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = root / "elsewhere.bib"
    (root / B).rename(real)
    (root / B).symlink_to(real)


def case_clash(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "claims" / "Kratom-Eases-Withdrawal.yaml").write_text(CLAIM, encoding="utf-8")


def name_not_id(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / C).rename(root / "claims" / "Kratom_Eases_Withdrawal.yaml")


def name_with_newline(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / C).rename(root / "claims" / "kratom\n::error file=x::forged.yaml")


def name_not_utf8(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.rename(os.fsencode(root / C), os.fsencode(root / "claims") + b"/kratom-\xe9.yaml")


def folder_in_claims(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "claims" / "drafts").mkdir()


def fifo_record(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(root / "claims" / "pipe.yaml")  # reading it would block forever


def sparse(rel: str, size: int) -> Callable[[Path, pytest.MonkeyPatch], None]:
    """A file of ``size`` bytes that takes no space: the checker must not read it to refuse it."""
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        with open(root / rel, "wb") as fh:
            fh.truncate(size)
    return setup


def too_many_files(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # creating 20,001 files takes seconds on some file systems: the limit is lowered for the test
    # (test_file_limit_is_20000 pins the real one); the folder is counted before any file is read
    monkeypatch.setattr(claims, "MAX_FILES", 100)
    folder = root / "claims"
    for i in range(claims.MAX_FILES):
        (folder / f"x{i}.yaml").touch()


def schema_not_json(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "schema" / "claim.schema.json").write_text('{"type": "object",\n  oops\n}\n', encoding="utf-8")


CASES: dict[str, tuple[Setup, list[str]]] = {
    # ---------------- YAML ----------------
    "yaml-python-tag": (
        claim("topic: withdrawal", "topic: !!python/object/apply:os.system [echo pwned]"),
        [C + ":8:8: explicit tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed — remove the tag; values are plain strings, numbers, lists and mappings"]),
    "yaml-python-object-on-mapping": (
        claim("certainty:\n", "certainty: !!python/object:kcr.claims.Claim\n"),
        [C + ":12:12: explicit tag 'tag:yaml.org,2002:python/object:kcr.claims.Claim' is not allowed — remove the tag; values are plain strings, numbers, lists and mappings"]),
    "yaml-str-tag": (
        claim('reviewed: "2026-11-25"', "reviewed: !!str 2026-11-25"),
        [C + ":31:11: explicit tag 'tag:yaml.org,2002:str' is not allowed — remove the tag; values are plain strings, numbers, lists and mappings"]),
    "yaml-duplicate-key-quoted": (
        claim("topic: withdrawal\n", 'topic: withdrawal\n"topic": safety\n'),
        [C + ":9:1: duplicate key 'topic' (first at line 8) — keep one of them; YAML readers silently keep only the last"]),
    "yaml-duplicate-key-in-list-item": (
        claim("    stance: supports\n", "    stance: supports\n    stance: contradicts\n"),
        [C + ":30:5: duplicate key 'stance' (first at line 29) — keep one of them; YAML readers silently keep only the last"]),
    "yaml-anchor-on-mapping": (
        claim("certainty:\n", "certainty: &cert\n"),
        [C + ":12:12: anchor '&cert' is not allowed — remove the anchor; records do not share values"]),
    "yaml-alias": (
        claim("unknowns: Whether kratom eases withdrawal under controlled conditions.", "unknowns: *conclusion"),
        [C + ":21:11: alias '*conclusion' is not allowed — write the value out in full instead of referring to an anchor"]),
    "yaml-merge-key": (
        claim("checkable: true\n", "checkable: true\n<<: {verdict: accurate}\n"),
        [C + ":10:1: merge key '<<' is not allowed — write the fields out in full"]),
    "yaml-yes": (
        claim("checkable: true", "checkable: yes"),
        [C + ':9:12: ambiguous plain value \'yes\' (read as true/false/null by some YAML readers) — write true or false, or quote it as "yes"']),
    "yaml-NO": (
        claim("    conclusion_changed: false", "    conclusion_changed: NO"),
        [C + ':37:25: ambiguous plain value \'NO\' (read as true/false/null by some YAML readers) — write true or false, or quote it as "NO"']),
    "yaml-leading-zero": (
        claim("    n: 100", "    n: 0100"),
        [C + ':28:8: number with a leading zero \'0100\' (some readers take it as octal) — quote it as "0100" or drop the leading zero']),
    "yaml-5000-digit-number": (
        claim("    n: 100", "    n: " + "9" * 5000),
        [C + ':28:8: number with 5,000 digits is too long — use a whole number of at most 15 digits, or quote it if it is text']),
    "yaml-unquoted-impossible-date": (
        claim('reviewed: "2026-11-25"', "reviewed: 2026-02-30"),
        [C + ':31:11: date \'2026-02-30\' is not a valid YYYY-MM-DD date — write it as "YYYY-MM-DD" in quotes, e.g. "2026-11-25"']),
    "yaml-multi-document": (
        {C: CLAIM + "---\nid: second-record\n"},
        [C + ":38:1: more than one YAML document in the file — keep one record per file and remove the '---' separator"]),
    "yaml-empty-file": (
        {C: ""},
        [C + ':1:1: file is empty — fill in the record (run `kcr new-claim` for a template) or delete it']),
    "yaml-only-comments": (
        {C: "# yaml-language-server: $schema=../schema/claim.schema.json\n# TODO\n"},
        [C + ':1:1: file is empty — fill in the record (run `kcr new-claim` for a template) or delete it']),
    "yaml-list-at-top-level": (
        {C: "- id: kratom-eases-withdrawal\n- statement: Kratom eases opioid withdrawal\n"},
        [C + ":1:1: file holds a list, not a mapping of fields — write the record as 'field: value' lines (see CONTRIBUTING.md)"]),
    "yaml-deep-flow-nesting": (
        claim("statement: Kratom eases opioid withdrawal symptoms", "statement: " + "[" * 500),
        [C + ':3:23: nesting deeper than 12 levels — flatten the structure; records need at most a few levels']),
    "yaml-deep-block-nesting": (
        {C: "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "leaf\n"},
        [C + ':13:25: nesting deeper than 12 levels — flatten the structure; records need at most a few levels']),
    "yaml-tab-indentation": (
        claim("  start: low", "\tstart: low"),
        [C + ':13:1: tab character — indent with spaces; YAML does not allow tabs for indentation']),
    "yaml-alias-bomb": (
        {C: BOMB},
        [C + ":1:5: anchor '&l0' is not allowed — remove the anchor; records do not share values"]),
    "yaml-non-string-key": (
        claim("topic: withdrawal\n", "topic: withdrawal\n? [a, b]\n: c\n"),
        [C + ':9:3: a mapping key must be a plain string — use a simple name as the key']),
    "yaml-escaped-bidi-control": (
        claim("statement: Kratom eases opioid withdrawal symptoms",
              'statement: "Kratom eases \\u202eopioid withdrawal"'),
        [C + ':3:12: invisible or bidirectional control character U+202E in a quoted value (written as an escape) — remove it; it can make text read differently from what it says']),
    "yaml-escaped-terminal-escape": (
        claim("verdict: overstated", 'verdict: "\\e[2J\\e[31maccurate"'),
        [C + ':10:10: control character U+001B in a quoted value (written as an escape) — remove it (NUL and other control bytes are never needed)']),
    "yaml-escaped-decomposed-accent": (
        claim(FINDING, '    finding: "In a test survey of current users, most reported that kratom eased withdrawal (cafe\\u0301)."'),
        [C + ':30:14: text is not in Unicode NFC form (decomposed accents, written as escapes) — write the accented letters as single characters (NFC)']),
    "yaml-key-with-newline": (
        claim("topic: withdrawal\n", 'topic: withdrawal\n"x\\n::error file=y::forged": 1\n'),
        [C + ":9:1: unknown field 'x\\n::error file=y::forged' — remove it or use one of: article_certainty, bottom_line, certainty, changelog, checkable, conclusion, evidence, former_ids, id, not_checkable_reason, quotes, reviewed, statement, topic, type, unknowns, verdict, version, wording_note, would_change"]),
    # wrong types where lists or words are expected: these used to raise a traceback
    "yaml-evidence-not-a-list": (
        claim(section("evidence:", "reviewed:"), "evidence: 5\n"),
        [C + ":23:11: field 'evidence': 5 is not of type array — write a list ('- item' lines)"]),
    "yaml-quotes-not-a-list": (
        claim(section("quotes:", "type:"), "quotes: 5\n"),
        [C + ":4:9: field 'quotes': 5 is not of type array — write a list ('- item' lines)"]),
    "yaml-changelog-not-a-list": (
        claim(section("changelog:"), "changelog: 5\n"),
        [C + ":33:12: field 'changelog': 5 is not of type array — write a list ('- item' lines)"]),
    "yaml-former-ids-not-a-list": (
        claim("topic: withdrawal\n", "topic: withdrawal\nformer_ids: 5\n"),
        [C + ":9:13: field 'former_ids': 5 is not of type array — write a list ('- item' lines)"]),
    "yaml-certainty-start-a-list": (
        claim("  start: low", "  start: [low]"),
        [C + ":13:10: field 'certainty.start': list is not an allowed value — use one of: high, low"]),
    "yaml-evidence-ref-a-list": (
        claim("  - ref: smith2020kratom", "  - ref: [smith2020kratom]"),
        [C + ":24:10: field 'evidence.0.ref': list is not of type string — quote the value"]),
    # ---------------- encodings ----------------
    "enc-utf8-bom": (
        {C: b"\xef\xbb\xbf" + CLAIM.encode()},
        [C + ':1:1: file starts with a UTF-8 byte-order mark — save it as UTF-8 without BOM']),
    "enc-utf16": (
        {C: CLAIM.encode("utf-16")},
        [C + ':1:1: file is UTF-16, not UTF-8 — save it as UTF-8']),
    "enc-utf16-be": (
        {C: b"\xfe\xff" + CLAIM.encode("utf-16-be")},
        [C + ':1:1: file is UTF-16, not UTF-8 — save it as UTF-8']),
    "enc-utf32": (
        {C: CLAIM.encode("utf-32")},
        [C + ':1:1: file is UTF-32, not UTF-8 — save it as UTF-8']),
    "enc-latin1": (
        {C: CLAIM.replace("relief.", "relief (caf\xe9).").encode("latin-1")},
        [C + ':11:80: byte 0xe9 is not valid UTF-8 (Latin-1 or another encoding?) — save the file as UTF-8']),
    "enc-nul-byte": (
        claim("topic: withdrawal", "topic: with\0drawal"),
        [C + ':8:12: control character U+0000 — remove it (NUL and other control bytes are never needed)']),
    "enc-bidi-override": (
        claim("Kratom eases opioid", "Kratom \u202eeases opioid"),
        [C + ':3:19: invisible or bidirectional control character U+202E — remove it; it can make text read differently from what it says']),
    "enc-zero-width-space": (
        claim("ref: smith2020kratom", "ref: smith2020\u200bkratom"),
        [C + ':24:19: invisible or bidirectional control character U+200B — remove it; it can make text read differently from what it says']),
    "enc-nfd": (
        claim("relief.", "relief (cafe\u0301)."),
        [C + ':11:81: text is not in Unicode NFC form (decomposed accents) — save the file with composed characters (NFC)']),
    "enc-line-separator": (
        claim("Only self-reports", "Only\u2028self-reports"),
        [C + ':11:17: invisible or bidirectional control character U+2028 — remove it; it can make text read differently from what it says']),
    "enc-lone-carriage-return": (
        claim("topic: withdrawal\n", "topic: withdrawal\rverdict: accurate\n"),
        [C + ':8:18: carriage return without a line feed (old Mac line ending) — save the file with LF (or CRLF) line endings']),
    "enc-bib-latin1": (
        {B: BIB.replace("Doe, John", "D\xf6e, John").encode("latin-1")},
        [B + ':3:32: byte 0xf6 is not valid UTF-8 (Latin-1 or another encoding?) — save the file as UTF-8']),
    "enc-bib-bidi-override": (
        bib("A test title", "A test \u202etitle"),
        [B + ':2:22: invisible or bidirectional control character U+202E — remove it; it can make text read differently from what it says']),
    # ---------------- files ----------------
    "file-symlink-in-claims": (symlink_record, ['claims/passwd.yaml:1:1: file is a symbolic link — replace the link with a regular file; links could publish files from outside the project']),
    "file-references-bib-symlink": (symlink_bib, [B + ':1:1: file is a symbolic link — replace the link with a regular file; links could publish files from outside the project']),
    "file-yml-extension": (
        {"claims/kratom-reduces-cravings.yml": CLAIM.replace("kratom-eases-withdrawal", "kratom-reduces-cravings")},
        ['claims/kratom-reduces-cravings.yml:1:1: file in claims/ does not end in .yaml — rename it to <id>.yaml (use .yaml, not .yml) or move it out of claims/']),
    "file-txt-extension": (
        {"claims/notes.txt": "remember to add more claims\n"},
        ['claims/notes.txt:1:1: file in claims/ does not end in .yaml — rename it to <id>.yaml (use .yaml, not .yml) or move it out of claims/']),
    "file-names-differ-only-in-case": (case_clash, ["claims/Kratom-Eases-Withdrawal.yaml:1:1: file name differs only in case from 'claims/kratom-eases-withdrawal.yaml' — rename or remove one; they clash on case-insensitive file systems"]),
    "file-name-not-an-id": (name_not_id, ["claims/Kratom_Eases_Withdrawal.yaml:1:1: file name 'Kratom_Eases_Withdrawal.yaml' is not a valid id — rename the file to kratom-eases-withdrawal.yaml"]),
    "file-name-with-newline": (name_with_newline, ["claims/kratom\\n::error file=x::forged.yaml:1:1: file name 'kratom\\n::error file=x::forged.yaml' is not a valid id — rename the file to kratom-eases-withdrawal.yaml"]),
    "file-name-not-utf8": (name_not_utf8, ["claims/kratom-\\udce9.yaml:1:1: file name 'kratom-\\udce9.yaml' is not a valid id — rename the file to kratom-eases-withdrawal.yaml"]),
    "file-folder-in-claims": (folder_in_claims, ['claims/drafts:1:1: folder inside claims/ — keep one .yaml file per claim directly in claims/']),
    "file-named-pipe": (fifo_record, ['claims/pipe.yaml:1:1: not a regular file (a folder, pipe or device) — replace it with a regular text file']),
    "file-record-over-64kb": (
        {C: CLAIM + "# " + "x" * 64_000 + "\n"},
        [C + ':1:1: file is 65,216 bytes, over the limit of 64,000 — shorten it; a record or reference list this large is almost certainly a mistake']),
    "file-record-1gb-sparse": (sparse(C, 1 << 30), [C + ':1:1: file is 1,073,741,824 bytes, over the limit of 64,000 — shorten it; a record or reference list this large is almost certainly a mistake']),
    "file-bib-over-16mb": (
        {B: BIB + "% " + "x" * 16_100_000 + "\n"},
        [B + ':1:1: file is 16,100,316 bytes, over the limit of 16,000,000 — shorten it; a record or reference list this large is almost certainly a mistake']),
    "file-bib-5gb-sparse": (sparse(B, 5 << 30), [B + ':1:1: file is 5,368,709,120 bytes, over the limit of 16,000,000 — shorten it; a record or reference list this large is almost certainly a mistake']),
    "file-too-many-in-claims": (too_many_files, ['claims:1:1: claims/ holds more than 100 entries — remove what is not a claim record; one <id>.yaml file per claim belongs there']),
    "file-schema-not-json": (schema_not_json, ['schema/claim.schema.json:2:3: the record schema cannot be loaded (Expecting property name enclosed in double quotes: line 2 column 3 (char 21)) — restore schema/claim.schema.json from the repository']),
    # ---------------- BibTeX ----------------
    "bib-unclosed-brace": (
        bib("{A test title about kratom use}", "{A test {title about kratom use}"),
        [B + ":1:1: BibTeX block could not be parsed (Unexpectedly reached end of file.) — check braces, quotes and the '@type{key,' header of this entry"]),
    "bib-missing-comma": (
        bib("  year     = {2020},", "  year     = {2020}"),
        [B + ":4:1: field 'year' of 'smith2020kratom' runs into the next field (a comma is probably missing) — write the value as one {braced} group and end each field with a comma"]),
    "bib-duplicate-field-other-case": (
        bib("  year     = {2020},\n", "  year     = {2020},\n  YEAR     = {2021},\n"),
        [B + ':1:1: entry repeats the field year — keep one copy of each field; readers disagree on which one counts']),
    "bib-undefined-macro": (
        bib("{Journal of Tests}", "jtests"),
        [B + ":5:1: field 'journal' of 'smith2020kratom' uses the undefined or unsupported @string macro 'jtests' — write the value as one {braced} group and end each field with a comma"]),
    "bib-string-macro": (
        {B: '@string{jt = "Journal of Tests"}\n' + BIB.replace("{Journal of Tests}", "jt")},
        [B + ":1:1: @string macro 'jt' is not supported — write the value in braces in each entry instead",
         B + ":6:1: field 'journal' of 'smith2020kratom' uses the undefined or unsupported @string macro 'jt' — write the value as one {braced} group and end each field with a comma"]),
    "bib-concatenation": (
        bib("{Journal of Tests}", "{Journal} # { of Tests}"),
        [B + ":5:1: field 'journal' of 'smith2020kratom' uses '#' concatenation — write the value as one {braced} group and end each field with a comma"]),
    "bib-empty-key": (
        bib("smith2020kratom,", ","),
        [C + ":24:10: evidence cites 'smith2020kratom', which is not in references.bib — add the entry to references.bib (kcr add-ref) or fix the key",
         B + ":1:1: entry has no citation key — add a key after '@type{', of the pattern familyname + year + first title word, e.g. 'smith2020kratom'"]),
    "bib-key-with-spaces": (
        bib("smith2020kratom,", "smith 2020 kratom,"),
        [C + ":24:10: evidence cites 'smith2020kratom', which is not in references.bib — add the entry to references.bib (kcr add-ref) or fix the key",
         B + ":1:1: citation key 'smith 2020 kratom' is not lowercase letters and digits — use the pattern familyname + year + first title word, e.g. 'smith2020kratom'"]),
    "bib-key-uppercase": (
        bib("smith2020kratom,", "Smith2020Kratom,"),
        [C + ":24:10: evidence cites 'smith2020kratom', which is not in references.bib — add the entry to references.bib (kcr add-ref) or fix the key",
         B + ":1:1: citation key 'Smith2020Kratom' is not lowercase letters and digits — use the pattern familyname + year + first title word, e.g. 'smith2020kratom'"]),
    "bib-key-unicode": (
        bib("smith2020kratom,", "sm\xedth2020kratom,"),
        [C + ":24:10: evidence cites 'smith2020kratom', which is not in references.bib — add the entry to references.bib (kcr add-ref) or fix the key",
         B + ":1:1: citation key 'smíth2020kratom' is not lowercase letters and digits — use the pattern familyname + year + first title word, e.g. 'smith2020kratom'"]),
    "bib-javascript-url": (
        bib("  verified", "  url      = {javascript:alert(document.cookie)},\n  verified"),
        [B + ":8:1: field 'url' of 'smith2020kratom' is not a plain https URL — use a full https:// address (no javascript:, data: or protocol-relative links)"]),
    "bib-javascript-verified": (
        bib(VERIFIED, "{javascript:alert(1)}"),
        [B + ":8:1: field 'verified' of 'smith2020kratom' is not a plain http(s) URL — use a full https:// address (no javascript:, data: or protocol-relative links)"]),
    "bib-protocol-relative-url": (
        bib(VERIFIED, "{//evil.com/12345678/}"),
        [B + ":8:1: field 'verified' of 'smith2020kratom' is not a plain http(s) URL — use a full https:// address (no javascript:, data: or protocol-relative links)"]),
    "bib-data-url": (
        bib("  verified", "  url      = {data:text/html,<script>alert(1)</script>},\n  verified"),
        [B + ":8:1: field 'url' of 'smith2020kratom' is not a plain https URL — use a full https:// address (no javascript:, data: or protocol-relative links)"]),
    "bib-doi-with-markup": (
        bib("10.1000/test.1", "10.1000/<script>alert(1)</script>"),
        [B + ":6:1: malformed DOI '10.1000/<script>alert(1)</script>' in 'smith2020kratom' — write the bare DOI, e.g. 10.1000/xyz123 (no URL, no markup)"]),
    "bib-doi-with-newline": (
        bib("10.1000/test.1", "10.1000/x\n::error file=claims/x.yaml::forged"),
        [B + ":6:1: malformed DOI '10.1000/x\\n::error file=claims/x.yaml::forged' in 'smith2020kratom' — write the bare DOI, e.g. 10.1000/xyz123 (no URL, no markup)"]),
    "bib-pmid-leading-zero": (
        bib("12345678", "012345678"),
        [B + ":7:1: malformed PMID '012345678' in 'smith2020kratom' — write the PubMed ID as digits only, without leading zeros or a prefix"]),
    "bib-unknown-entry-type": (
        bib("@article", "@webpage"),
        [B + ":1:1: entry type '@webpage' is not supported — use one of @article, @book, @incollection, @inproceedings, @misc, @online, @report, @techreport"]),
    "bib-preamble": (
        {B: '@preamble{"\\def\\x{y}"}\n' + BIB},
        [B + ':1:1: @preamble is not supported — remove it']),
    "bib-missing-title": (
        bib("  title    = {A test title about kratom use},\n", ""),
        [B + ":1:1: 'smith2020kratom' has no title — add the title exactly as the source page shows it"]),
    "bib-missing-author": (
        bib("  author   = {Smith, Jane and Doe, John},\n", ""),
        [B + ":1:1: 'smith2020kratom' has no author — add the authors (or the organisation, in double braces) as the source page shows them"]),
    "bib-author-only-and": (
        bib("{Smith, Jane and Doe, John}", "{ and }"),
        [B + ":1:1: 'smith2020kratom' has no author — add the authors (or the organisation, in double braces) as the source page shows them"]),
    "bib-missing-year": (
        bib("  year     = {2020},\n", ""),
        [B + ":1:1: 'smith2020kratom' has no year — add the year of publication"]),
    "bib-missing-journal": (
        bib("  journal  = {Journal of Tests},\n", ""),
        [B + ":1:1: 'smith2020kratom' has no journal, publisher or institution — add the journal (articles) or the publishing organisation"]),
    "bib-year-two-digits": (
        bib("{2020}", "{20}"),
        [B + ":4:1: year '20' of 'smith2020kratom' is not a 4-digit year — write the year as four digits, e.g. 2021"]),
    "bib-year-five-digits": (
        bib("{2020}", "{20201}"),
        [B + ":4:1: year '20201' of 'smith2020kratom' is not a 4-digit year — write the year as four digits, e.g. 2021"]),
    "bib-unbalanced-quoted-value": (
        bib("{Journal of Tests}", '"Journal {of Tests"'),
        [B + ":5:1: field 'journal' of 'smith2020kratom' has an unbalanced brace — write the value as one {braced} group and end each field with a comma"]),
    "bib-field-over-2000-chars": (
        bib("{Journal of Tests}", "{" + "J" * 3000 + "}"),
        [B + ":5:1: field 'journal' of 'smith2020kratom' is longer than 2000 characters — shorten it; abstracts do not belong in references.bib"]),
    # ---------------- field limits ----------------
    "field-finding-20000-brackets-quoted": (
        claim(FINDING, '    finding: "' + "[" * 20_000 + '"'),
        [C + ":30:14: field 'evidence.0.finding': is 20000 characters, over the limit of 500 — shorten it"]),
    "field-statement-markup": (
        claim("statement: Kratom eases opioid withdrawal symptoms", "statement: Kratom <img src=x onerror=alert(1)>"),
        [C + ":3:12: field 'statement': 'Kratom <img src=x onerror=alert(1)>' does not match the required pattern — remove the markup characters < > [ ] { } ` \\ * _ # | (the statement is plain text)"]),
    "field-statement-5000-chars": (
        claim("statement: Kratom eases opioid withdrawal symptoms", "statement: " + "Kratom eases " * 400),
        [C + ":3:12: field 'statement': is 5199 characters, over the limit of 75 — shorten it"]),
    "field-id-60000-chars": (
        claim("id: kratom-eases-withdrawal", "id: " + "a-" * 30_000 + "a"),
        [C + ":2:5: field 'id': is 60001 characters, over the limit of 80 — shorten it"]),
}

MESSAGE = re.compile(r"[^\n]+:[0-9]+:[0-9]+: [^\n]+ — [^\n]+\Z")


def apply(root: Path, setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    if callable(setup):
        setup(root, monkeypatch)
        return
    for rel, content in setup.items():
        path = root / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_case_count() -> None:
    # an empty parameter set must fail, not skip
    assert len(CASES) >= 45


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(project: Path, name: str, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    setup, expected = CASES[name]
    apply(project, setup, monkeypatch)
    start = time.perf_counter()
    code = main(["--root", str(project), "check"])
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 1
    assert out.splitlines() == expected
    assert err == f"{len(expected)} problem(s) found.\n"
    for line in expected:
        assert MESSAGE.match(line), line
    assert elapsed < 2, f"{name} took {elapsed:.1f} s"


def test_unquoted_date_is_a_string(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # YAML 1.1 readers turn 2026-11-25 into a date; the strict reader keeps the text, which is valid
    text = CLAIM.replace('"2026-11-25"', "2026-11-25")
    assert '"2026-11-25"' not in text
    (project / C).write_text(text, encoding="utf-8")
    review = check.load(project)
    assert review.problems == []
    assert review.claims[0].data["reviewed"] == "2026-11-25"
    assert review.claims[0].data["changelog"][0]["date"] == "2026-11-25"
    assert main(["--root", str(project), "check"]) == 0
    assert "OK: 1 claims, 1 references" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["file-record-over-64kb", "file-record-1gb-sparse", "file-bib-over-16mb",
                                  "file-bib-5gb-sparse", "file-too-many-in-claims"])
def test_limits_apply_before_parsing(project: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the fixture's other files (search log, second review) are parsed as usual; only the oversized
    # file must never reach a parser (none of the fixture's files is over 4 KB)
    def guard(parse):
        def refuse(text: str, *args: object, **kwargs: object) -> object:
            if len(text) > 4_000:
                raise AssertionError("a parser was called on a file over the limit")
            return parse(text, *args, **kwargs)
        return refuse

    if name.startswith("file-bib"):
        monkeypatch.setattr(bib_mod, "parse", guard(bib_mod.parse))
    else:
        monkeypatch.setattr(yamlstrict, "load", guard(yamlstrict.load))
    apply(project, CASES[name][0], monkeypatch)
    assert [str(p) for p in check.load(project).problems] == CASES[name][1]


def test_one_line_of_20000_brackets(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # unquoted, the same finding is 20,000 nested flow lists; libyaml stops it at its own depth limit,
    # the pure-Python parser at ours: either way one nesting error on that line, at once
    apply(project, claim(FINDING, "    finding: " + "[" * 20_000), monkeypatch)
    start = time.perf_counter()
    problems = check.load(project).problems
    assert time.perf_counter() - start < 2
    assert len(problems) == 1
    p = problems[0]
    assert (p.path, p.line) == (C, 30)
    assert p.what in ("YAML syntax error: exceeded maximum nesting depth", "nesting deeper than 12 levels")


@pytest.mark.parametrize("name", ["file-name-with-newline", "yaml-key-with-newline", "bib-doi-with-newline",
                                  "yaml-escaped-terminal-escape"])
def test_github_annotations_cannot_be_forged(project: Path, name: str, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # a newline in a file name, a YAML key or a BibTeX value must not start a second annotation,
    # and no terminal escape or carriage return reaches the log
    setup, expected = CASES[name]
    apply(project, setup, monkeypatch)
    assert main(["--root", str(project), "check", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(expected)
    assert all(line.startswith("::error file=") for line in lines)
    assert not any(ch in line for line in lines for ch in "\x1b\r\u202e")


def test_file_limit_is_20000() -> None:
    assert claims.MAX_FILES == 20_000


@pytest.mark.parametrize("folder", ["docs", "overrides", "source"])
def test_symlink_in_site_folders_is_refused(project: Path, folder: str) -> None:
    (project / folder).mkdir(exist_ok=True)
    (project / folder / "leak.md").symlink_to("/etc/hostname")
    problems = [str(p) for p in check.load(project).problems]
    assert (f"{folder}/leak.md:1:1: symbolic link in a folder the site is built from — replace the link with a regular "
            "file; links could publish files from outside the project") in problems
