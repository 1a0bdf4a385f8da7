"""The second edition's rules, one negative fixture each: GRADE by the book, the verdict decision rule,
ids and keys, look-alike and invisible characters, provenance and notices, withdrawn claims, search
logs and second reviews.  Each case edits the minimal valid project of ``conftest`` and pins the exact
``path:line:col: what — what to do`` message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BIB, CLAIM, SEARCH_LOG, SECOND_REVIEW
from kcr import check, grade

C = "claims/kratom-eases-withdrawal.yaml"
B = "references.bib"
LOG = "research/search-logs/kratom-eases-withdrawal.yaml"
REV = "research/second-reviews/kratom-eases-withdrawal.yaml"
W = "source/withdrawn.yaml"
# the fixture has no docs/ folder: the names come from the generator and MkDocs alone
SITE = ("404, assets, cite, claims, claims-index, coverage, data, evidence, index, page, references, research, search, "
        "search-logs, second-reviews, sitemap, v")
WINDOWS = ("con, prn, aux, nul, com1–com9 and lpt1–lpt9 cannot be file names on Windows, so the file could not be "
           "checked out there")
VERDICT_TODO = "(see the decision table in the methodology)"


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def claim(*pairs: tuple[str, str]) -> dict[str, str]:
    return {C: edit(CLAIM, *pairs)}


def bib(*pairs: tuple[str, str]) -> dict[str, str]:
    return {B: edit(BIB, *pairs)}


def log(*pairs: tuple[str, str]) -> dict[str, str]:
    return {LOG: edit(SEARCH_LOG, *pairs)}


def review(*pairs: tuple[str, str]) -> dict[str, str]:
    return {REV: edit(SECOND_REVIEW, *pairs)}


# a second study, cited by the claim and included in its log and second review
DOE = (BIB.replace("smith2020kratom", "doe2021other").replace("A test title about kratom use", "Another study of kratom")
       .replace("10.1000/test.1", "10.1000/test.2").replace("12345678", "22345678"))


def with_items(*stances: str, verdict: str = "overstated", reasons: str | None = None) -> dict[str, str]:
    """The test claim with one evidence item per stance (smith2020kratom, then doe2021other, ...)."""
    keys = ["smith2020kratom", "doe2021other", "roe2022third"][:len(stances)]
    bibs = [BIB, DOE, BIB.replace("smith2020kratom", "roe2022third").replace("A test title about kratom use",
                                                                             "A third study about kratom")
            .replace("10.1000/test.1", "10.1000/test.3").replace("12345678", "32345678")][:len(stances)]
    item = CLAIM[CLAIM.index("  - ref: smith2020kratom"):CLAIM.index("reviewed:")]
    items = "".join(item.replace("smith2020kratom", k).replace("stance: supports", f"stance: {s}")
                    for k, s in zip(keys, stances, strict=True))
    text = CLAIM.replace(item, items).replace("verdict: overstated", f"verdict: {verdict}")
    if reasons is not None:
        text = text.replace(CLAIM[CLAIM.index("  level: very-low"):CLAIM.index("  body:")], reasons)
    records = "".join(f"  - work: \"Study {k}\"\n    decision: include\n    ref: {k}\n" for k in keys)
    second = "".join(f"  - ref: {k}\n    fidelity: faithful\n" for k in keys)
    return {C: text, B: "\n".join(bibs),
            LOG: SEARCH_LOG[:SEARCH_LOG.index("records:\n") + 9] + records,
            REV: SECOND_REVIEW.replace("  - ref: smith2020kratom\n    fidelity: faithful\n", second)
            .replace("verdict: overstated", f"verdict: {verdict}").replace("agreement: agree", "agreement: disagree\n"
                                                                          "resolution: Settled by the lead reviewer.")}


MODERATE = ("  level: moderate\n  reasons:\n    - domain: large-effect\n      change: 1\n"
            "      reason: Very large association in every study.\n")

CASES: dict[str, tuple[dict[str, str], str]] = {
    # ---------------- A. GRADE by the book ----------------
    "grade-body-missing": (claim(("  body: observational\n", "")),
                           f"{C}:12:1: missing field 'body' in certainty — add body: one of trials, experimental, "
                           "observational, established, the kind of evidence the grade rests on (see the methodology)"),
    "grade-start-not-the-bodys": (claim(("  body: observational", "  body: trials"), ("design: cross-sectional", "design: rct")),
                                  f"{C}:13:10: certainty start 'low' does not match body 'trials', which starts high — "
                                  "set start: high (each kind of evidence has one starting level; see the methodology)"),
    "grade-body-without-its-designs": (claim(("  body: observational", "  body: trials"), ("  start: low", "  start: high"),
                                             ("  level: very-low", "  level: moderate")),
                                       f"{C}:19:9: certainty body 'trials' but no evidence item is a randomised trial "
                                       "(rct) or a systematic review or meta-analysis — set body to the kind of evidence "
                                       "the grade rests on, or cite such a study"),
    "grade-observational-needs-observational": (claim(("design: cross-sectional", "design: animal")),
                                                f"{C}:19:9: certainty body 'observational' but no evidence item is an "
                                                "observational study (cohort, case-control, cross-sectional, case series "
                                                "or report, surveillance, non-randomised trial) or a review of such "
                                                "studies — set body to the kind of evidence the grade rests on, or cite "
                                                "such a study"),
    "grade-established-only-background-mechanism": (
        claim(("  body: observational", "  body: established"), ("  start: low", "  start: high"),
              ("  level: very-low", "  level: moderate"), ("design: cross-sectional", "design: narrative-review")),
        f"{C}:19:9: certainty body 'established' on a claim of type 'efficacy' — 'established' is only for background "
        "and mechanism claims; use trials, experimental, observational"),
    "grade-experimental-about-people-needs-indirectness": (
        claim(("  body: observational", "  body: experimental"), ("  start: low", "  start: high"),
              ("  level: very-low", "  level: moderate"), ("design: cross-sectional", "design: animal"),
              ("population: human", "population: animal")),
        f"{C}:19:9: certainty body 'experimental' on a claim of type 'efficacy' is not rated down for indirectness — "
        "add a reason with domain: indirectness and change: -1 or -2 (animal and cell studies are indirect evidence "
        "about people; usually -2; see the methodology)"),
    "grade-rating-up-only-observational": (
        claim(("  body: observational", "  body: trials"), ("  start: low", "  start: high"), ("  level: very-low", "  level: high"),
              ("domain: risk-of-bias\n      change: -1", "domain: dose-response\n      change: 1"),
              ("design: cross-sectional", "design: rct")) | review(("certainty: very-low", "certainty: high")),
        f"{C}:17:15: certainty rated up for dose-response, but body is 'trials' — remove this reason: GRADE rates up "
        "only observational evidence (see the methodology)"),
    "grade-no-rating-up-after-rating-down": (
        claim(("      reason: Self-selected online samples of current users.\n",
               "      reason: Self-selected online samples of current users.\n    - domain: large-effect\n"
               "      change: 1\n      reason: A very large association in every survey.\n"),
              ("  level: very-low", "  level: low")),
        f"{C}:20:15: certainty rated up for large-effect although it is also rated down — remove this reason or the "
        "steps down: GRADE rates up only when nothing was rated down (see the methodology)"),
    "grade-down-domain-rates-up": (claim(("      change: -1", "      change: 1"), ("  level: very-low", "  level: moderate")),
                                   f"{C}:17:15: risk-of-bias can only rate certainty down, but change is +1 — use change: "
                                   "-1 or -2, or one of the domains that rate up (large-effect, dose-response, "
                                   "plausible-confounding)"),
    "grade-up-domain-rates-down": (claim(("domain: risk-of-bias", "domain: large-effect")),
                                   f"{C}:17:15: large-effect can only rate certainty up, but change is -1 — use change: "
                                   "+1 or +2, or one of the domains that rate down (risk-of-bias, inconsistency, "
                                   "indirectness, imprecision, publication-bias)"),
    # ---------------- B. the verdict decision rule ----------------
    "verdict-accurate-with-contradicting-items": (
        with_items("supports", "contradicts", "contradicts", verdict="accurate", reasons=MODERATE),
        f"{C}:10:10: verdict 'accurate' but 2 evidence items contradict the claim — accurate requires at least one "
        "supporting item, no contradicting item and certainty moderate or high; with these stances the verdict can be "
        f"overstated or misleading or unsupported or inaccurate {VERDICT_TODO}"),
    "verdict-accurate-at-low-certainty": (
        claim(("verdict: overstated", "verdict: accurate")),
        f"{C}:10:10: verdict 'accurate' but certainty is very-low — accurate requires at least one supporting item, no "
        "contradicting item and certainty moderate or high; with these stances the verdict can be mostly-accurate or "
        f"overstated or misleading or unsupported {VERDICT_TODO}"),
    "verdict-mostly-accurate-not-more-support": (
        with_items("supports", "contradicts", verdict="mostly-accurate"),
        f"{C}:10:10: verdict 'mostly-accurate' but 1 evidence item supports and 1 contradicts the claim — "
        "mostly-accurate requires at least one supporting item and more supporting than contradicting items; with these "
        f"stances the verdict can be overstated or misleading or unsupported or inaccurate {VERDICT_TODO}"),
    "verdict-overstated-without-support": (
        claim(("stance: supports", "stance: contradicts")),
        f"{C}:10:10: verdict 'overstated' but no evidence item supports the claim or is mixed — overstated requires at "
        "least one supporting or mixed item; with these stances the verdict can be misleading or unsupported or "
        f"inaccurate {VERDICT_TODO}"),
    "verdict-misleading-all-context": (
        claim(("stance: supports", "stance: context"), ("verdict: overstated", "verdict: misleading")),
        f"{C}:10:10: verdict 'misleading' but every evidence item is context — misleading requires at least one item "
        f"that is not context; with these stances the verdict can be unsupported {VERDICT_TODO}"),
    "verdict-unsupported-with-support-at-moderate": (
        with_items("supports", verdict="unsupported", reasons=MODERATE),
        f"{C}:10:10: verdict 'unsupported' but 1 evidence item supports and 0 contradict the claim at moderate "
        "certainty — unsupported requires no adequate evidence either way, so not more supporting than contradicting "
        "items at moderate or high certainty; with these stances the verdict can be accurate or mostly-accurate or "
        f"overstated or misleading {VERDICT_TODO}"),
    "verdict-inaccurate-without-contradiction": (
        claim(("verdict: overstated", "verdict: inaccurate")),
        f"{C}:10:10: verdict 'inaccurate' but no evidence item contradicts the claim — inaccurate requires at least one "
        "contradicting item and at least as many contradicting as supporting items; with these stances the verdict can "
        f"be mostly-accurate or overstated or misleading or unsupported {VERDICT_TODO}"),
    "verdict-inaccurate-outweighed": (
        with_items("supports", "supports", "contradicts", verdict="inaccurate"),
        f"{C}:10:10: verdict 'inaccurate' but 1 evidence item contradicts and 2 support the claim — inaccurate requires "
        "at least one contradicting item and at least as many contradicting as supporting items; with these stances the "
        f"verdict can be mostly-accurate or overstated or misleading or unsupported {VERDICT_TODO}"),
    # ---------------- C. ids, keys and text ----------------
    "id-site-page-name": (
        {C: "", "claims/index.yaml": CLAIM.replace("id: kratom-eases-withdrawal", "id: index")},
        f"claims/index.yaml:2:5: id 'index' collides with the site's own pages — choose another name; the site uses: {SITE}"),
    "id-windows-reserved": (
        {C: "", "claims/con.yaml": CLAIM.replace("id: kratom-eases-withdrawal", "id: con")},
        f"claims/con.yaml:2:5: id 'con' is a reserved file name on Windows — {WINDOWS}"),
    "former-id-site-page-name": (
        claim(("statement:", "former_ids:\n  - coverage\nstatement:")),
        f"{C}:4:5: former id 'coverage' collides with the site's own pages — choose another name; the site uses: {SITE}"),
    "former-id-windows-reserved": (
        claim(("statement:", "former_ids:\n  - lpt3\nstatement:")),
        f"{C}:4:5: former id 'lpt3' is a reserved file name on Windows — {WINDOWS}"),
    "former-id-self": (
        claim(("statement:", "former_ids:\n  - kratom-eases-withdrawal\nstatement:")),
        f"{C}:4:5: former id 'kratom-eases-withdrawal' is the record's own id — remove it; former_ids lists only ids "
        "the claim had before"),
    "former-id-cycle": (
        {C: edit(CLAIM, ("statement:", "former_ids:\n  - kratom-helps\nstatement:")),
         "claims/kratom-helps.yaml": edit(CLAIM, ("id: kratom-eases-withdrawal", "id: kratom-helps"),
                                          ("statement:", "former_ids:\n  - kratom-eases-withdrawal\nstatement:"))},
        f"{C}:4:5: former id 'kratom-helps' is the id of claims/kratom-helps.yaml, which lists "
        "'kratom-eases-withdrawal' as its former id (a cycle of renames) — keep each id in one record: an old id "
        "belongs only in the former_ids of the record that replaced it"),
    "key-site-page-name": (
        {**bib(("smith2020kratom", "index")), **claim(("ref: smith2020kratom", "ref: index")),
         **log(("ref: smith2020kratom", "ref: index")), **review(("ref: smith2020kratom", "ref: index"))},
        f"{B}:1:1: citation key 'index' collides with the site's own pages — choose another name; the site uses: {SITE}"),
    "key-windows-reserved": (
        {**bib(("smith2020kratom", "aux")), **claim(("ref: smith2020kratom", "ref: aux")),
         **log(("ref: smith2020kratom", "ref: aux")), **review(("ref: smith2020kratom", "ref: aux"))},
        f"{B}:1:1: citation key 'aux' is a reserved file name on Windows — {WINDOWS}"),
    "text-verdict-word-in-cyrillic": (
        claim(("statement: Kratom eases opioid withdrawal symptoms", "statement: Kratom eases withdrawal — Аccurate")),
        f"{C}:3:12: statement contains the verdict word 'Accurate' (written with look-alike characters as 'Аccurate') — "
        "state the claim neutrally; the verdict goes in the verdict field"),
    "text-verdict-word-in-greek-and-fullwidth": (
        claim(("statement: Kratom eases opioid withdrawal symptoms", "statement: Kratom eases withdrawal, a ｍyth")),
        f"{C}:3:12: statement contains the verdict word 'myth' (written with look-alike characters as 'ｍyth') — "
        "state the claim neutrally; the verdict goes in the verdict field"),
    "text-fullwidth-markup": (
        claim(("statement: Kratom eases opioid withdrawal symptoms", "statement: Kratom eases ＜b＞withdrawal symptoms")),
        f"{C}:3:12: statement contains '＜' (U+FF1C), a look-alike of the markup character '<' — remove the markup "
        "characters < > [ ] { } ` \\ * _ # | and their look-alikes (the statement is plain text)"),
    "text-tag-character-in-file": (
        claim(("eased withdrawal.", "eased withdrawal.\U000e0041\U000e0042")),
        f"{C}:30:92: Unicode tag character U+E0041 — remove it; tag characters are invisible and can hide text"),
    "text-tag-character-escaped": (
        claim(("    finding: In a test survey", '    finding: "\\U000E0041In a test survey'),
              ("eased withdrawal.\n", 'eased withdrawal."\n')),
        f"{C}:30:14: Unicode tag character U+E0041 in a quoted value (written as an escape) — remove it; tag characters "
        "are invisible and can hide text"),
    "text-format-character-mongolian-vowel-separator": (
        claim(("conclusion: Only", "conclusion: Only\u180e")),
        f"{C}:11:17: invisible or bidirectional control character U+180E — remove it; it can make text read differently "
        "from what it says"),
    "text-tag-character-in-bib": (
        bib(("A test title", "A test\U000e0020 title")),
        f"{B}:2:21: Unicode tag character U+E0020 — remove it; tag characters are invisible and can hide text"),
    # ---------------- C. withdrawn claims ----------------
    "withdrawn-but-still-a-record": (
        {W: '- id: kratom-eases-withdrawal\n  date: "2026-12-01"\n  reason: Merged into another claim.\n'},
        f"{W}:1:7: 'kratom-eases-withdrawal' is withdrawn but {C} still exists — remove the record, or remove this entry"),
    "withdrawn-but-a-former-id": (
        {**claim(("statement:", "former_ids:\n  - kratom-helps\nstatement:")),
         W: '- id: kratom-helps\n  date: "2026-12-01"\n  reason: Renamed to a clearer id.\n'},
        f"{W}:1:7: 'kratom-helps' is withdrawn but is a former id of {C} (a renamed claim keeps a redirect, not a "
        "withdrawn page) — remove this entry, or the former id"),
    "withdrawn-replaced-by-nothing": (
        {W: '- id: kratom-helps\n  date: "2026-12-01"\n  reason: Merged into another claim.\n  replaced_by: kratom-cures\n'},
        f"{W}:4:16: replaced_by 'kratom-cures' is not the id of a claim record — name the id of the claim that replaces "
        "it, or remove replaced_by"),
    "withdrawn-bad-date": (
        {W: '- id: kratom-helps\n  date: "2026-13-01"\n  reason: Merged into another claim.\n'},
        f"{W}:2:9: date '2026-13-01' is not a valid YYYY-MM-DD date — write it as \"YYYY-MM-DD\" in quotes, e.g. "
        "\"2026-11-25\""),
    "withdrawn-twice": (
        {W: '- id: kratom-helps\n  date: "2026-12-01"\n  reason: Merged into another claim.\n'
            '- id: kratom-helps\n  date: "2026-12-02"\n  reason: Merged into another claim.\n'},
        f"{W}:4:7: 'kratom-helps' is withdrawn twice (also item 1) — keep one entry per withdrawn claim"),
    "withdrawn-reserved-id": (
        {W: '- id: nul\n  date: "2026-12-01"\n  reason: Merged into another claim.\n'},
        f"{W}:1:7: withdrawn id 'nul' is a reserved file name on Windows — {WINDOWS}"),
    "withdrawn-unknown-field": (
        {W: '- id: kratom-helps\n  date: "2026-12-01"\n  reason: Merged into another claim.\n  by: me\n'},
        f"{W}:4:3: unknown field '0.by' — remove it or use one of: date, id, reason, replaced_by, statement"),
    # ---------------- D. references: provenance, supplied titles, notices ----------------
    "bib-no-verified-class": (bib(("  verified_class = {pubmed},\n", "")),
                              f"{B}:1:1: 'smith2020kratom' does not say what kind of page it was verified against — add "
                              "verified_class = {...}: one of publisher, pubmed, pmc, agency, repository, aggregator, advocacy"),
    "bib-unknown-verified-class": (bib(("{pubmed}", "{journal}")),
                                   f"{B}:9:1: verified_class 'journal' of 'smith2020kratom' is not one of the seven classes "
                                   "— use one of: publisher, pubmed, pmc, agency, repository, aggregator, advocacy"),
    "bib-advocacy-only": (bib(("{pubmed}", "{advocacy}"), ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "https://kratom-fans.example.org/study")),
                          f"{B}:9:1: 'smith2020kratom' is verified only against an advocacy site; an advocacy site is never "
                          "enough on its own — verify against PubMed or the publisher, and point verified and "
                          "verified_class at that page"),
    "bib-class-does-not-match-page": (bib(("{pubmed}", "{publisher}")),
                                      f"{B}:9:1: verified_class 'publisher' of 'smith2020kratom' does not match its verified "
                                      "page, which is a pubmed page (https://pubmed.ncbi.nlm.nih.gov/12345678/) — set "
                                      "verified_class = {pubmed}, or point verified at the publisher page you checked"),
    "bib-agency-page-not-agency": (bib(("{pubmed}", "{publisher}"),
                                       ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "https://www.fda.gov/news-events/x")),
                                   f"{B}:9:1: verified_class 'publisher' of 'smith2020kratom' does not match its verified "
                                   "page, which is an agency page (https://www.fda.gov/news-events/x) — set verified_class = "
                                   "{agency}, or point verified at the publisher page you checked"),
    "bib-pubmed-class-elsewhere": (bib(("https://pubmed.ncbi.nlm.nih.gov/12345678/", "https://journal.example.org/a/1")),
                                   f"{B}:9:1: verified_class 'pubmed' of 'smith2020kratom' but its verified page is not on "
                                   "PubMed (https://journal.example.org/a/1) — set verified_class to the kind of page "
                                   "verified points to"),
    "bib-brackets-without-flag": (bib(("{A test title about kratom use}", "{[A test title about kratom use]}")),
                                  f"{B}:2:1: title of 'smith2020kratom' is in [square brackets] but title_supplied is not "
                                  "set — add title_supplied = {true} if we supplied the title (library practice), or remove "
                                  "the brackets"),
    "bib-flag-without-brackets": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  title_supplied = {true},\n")),
                                  f"{B}:10:1: 'smith2020kratom' has title_supplied but its title is not in [square brackets] "
                                  "— write the supplied title in [square brackets], or remove title_supplied"),
    "bib-flag-not-true": (bib(("{A test title about kratom use}", "{[A test title about kratom use]}"),
                              ("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  title_supplied = {yes},\n")),
                          f"{B}:10:1: title_supplied of 'smith2020kratom' is 'yes' — write title_supplied = {{true}}, or "
                          "remove the field"),
    "bib-notice-unknown-type": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {erratum},\n"
                                     "  notice_url = {https://journal.example.org/notice},\n")),
                                f"{B}:10:1: notice_type 'erratum' of 'smith2020kratom' is not a known notice — use one of: "
                                "retraction, correction, expression-of-concern"),
    "bib-notice-without-url": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {correction},\n")),
                               f"{B}:10:1: 'smith2020kratom' has a correction notice but no notice_url — add notice_url = "
                               "{https://...}: the page where the notice was seen"),
    "bib-notice-url-without-type": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n"
                                         "  notice_url = {https://journal.example.org/notice},\n")),
                                    f"{B}:10:1: 'smith2020kratom' has a notice_url but no notice_type — add notice_type = "
                                    "{...}: one of retraction, correction, expression-of-concern"),
    "bib-notice-url-not-https": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {correction},\n"
                                      "  notice_url = {javascript:alert(1)},\n")),
                                 f"{B}:11:1: field 'notice_url' of 'smith2020kratom' is not a plain https URL — use a full "
                                 "https:// address (no javascript:, data: or protocol-relative links)"),
    "bib-notice-bad-date": (bib(("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {correction},\n"
                                 "  notice_url = {https://journal.example.org/notice},\n  notice_date = {31/05/2024},\n")),
                            f"{B}:12:1: notice_date '31/05/2024' of 'smith2020kratom' is not a valid YYYY-MM-DD date — "
                            "write it as YYYY-MM-DD, e.g. 2024-05-31"),
    "retracted-work-supports-accurate": (
        {**with_items("supports", verdict="accurate", reasons=MODERATE),
         B: edit(BIB, ("  verified_class = {pubmed},\n", "  verified_class = {pubmed},\n  notice_type = {retraction},\n"
                       "  notice_url = {https://journal.example.org/retraction},\n"))},
        f"{C}:24:10: verdict 'accurate' rests on 'smith2020kratom', which has been retracted — a retracted work supports "
        "nothing: recode it as context (say it was retracted in the finding) and reconsider the verdict"),
    # ---------------- E. search logs and second reviews ----------------
    "no-search-log": ({LOG: None},
                      f"{C}:1:1: checkable claim has no search log — add research/search-logs/kratom-eases-withdrawal.yaml "
                      "(see the methodology)"),
    "no-second-review": ({REV: None},
                         f"{C}:1:1: checkable claim has no second review — add "
                         "research/second-reviews/kratom-eases-withdrawal.yaml (see the methodology)"),
    "log-names-another-claim": (log(("claim: kratom-eases-withdrawal", "claim: kratom-helps")),
                                f"{LOG}:1:8: claim 'kratom-helps' does not match the file name 'kratom-eases-withdrawal.yaml' "
                                "— set claim: kratom-eases-withdrawal or rename the file to kratom-helps.yaml"),
    "log-for-no-claim": ({"research/search-logs/kratom-helps.yaml": SEARCH_LOG.replace("kratom-eases-withdrawal", "kratom-helps")},
                         "research/search-logs/kratom-helps.yaml:1:8: search log for 'kratom-helps', which is not a claim "
                         "record — name an existing claim (claims/<id>.yaml), or remove research/search-logs/kratom-helps.yaml"),
    "log-includes-uncited-work": (log(('  - work: "Doe J 2019', '  - work: "Roe R 2021, J Foo"\n    decision: include\n'
                                       '    ref: roe2021foo\n  - work: "Doe J 2019')),
                                  f"{LOG}:16:10: included work 'roe2021foo' is not cited by {C} — cite it in the record's "
                                  "evidence, or record it as excluded with a reason"),
    "log-misses-cited-work": (log(("    decision: include\n    ref: smith2020kratom", "    decision: exclude\n    reason: duplicate")),
                              f"{LOG}:10:1: evidence item 'smith2020kratom' of {C} is not an included record of this log — "
                              "add a record with decision: include and ref: smith2020kratom (and the search that found it)"),
    "log-include-without-ref": (log(("    ref: smith2020kratom\n", "")),
                                f"{LOG}:11:5: missing field 'ref' in records.0 — add ref: (see the field guide in CONTRIBUTING.md)"),
    "log-exclude-without-reason": (log(("    reason: wrong-design\n", "")),
                                   f"{LOG}:14:5: missing field 'reason' in records.1 — add reason: (see the field guide in "
                                   "CONTRIBUTING.md)"),
    "log-unknown-exclusion-code": (log(("reason: wrong-design", "reason: not-convincing")),
                                   f"{LOG}:16:13: field 'records.1.reason': 'not-convincing' is not an allowed value — use one "
                                   "of: wrong-population, wrong-substance, wrong-outcome, wrong-design, duplicate, superseded, "
                                   "not-retrievable, off-topic"),
    "log-include-with-reason": (log(("    ref: smith2020kratom\n", "    ref: smith2020kratom\n    reason: duplicate\n")),
                                f"{LOG}:14:5: an included work has an exclusion reason — remove reason, or set decision: exclude"),
    "log-exclude-with-ref": (log(("    reason: wrong-design\n", "    reason: wrong-design\n    ref: doe2019\n")),
                             f"{LOG}:17:5: an excluded work has a ref — remove ref (only included works name a references.bib "
                             "key), or set decision: include"),
    "log-unknown-source": (log(("    source: pages\n    hits: 12", "    source: google\n    hits: 12")),
                           f"{LOG}:5:13: field 'searches.0.source': 'google' is not an allowed value — use one of: pages, "
                           "docs, code, issues"),
    "log-bad-date": (log(('date: "2026-11-25"', 'date: "2026-11-31"')),
                     f"{LOG}:2:7: date '2026-11-31' is not a valid YYYY-MM-DD date — write it as \"YYYY-MM-DD\" in quotes, "
                     "e.g. \"2026-11-25\""),
    "log-includes-twice": (log(('  - work: "Doe J 2019', '  - work: "Smith J 2020 again"\n    decision: include\n'
                                '    ref: smith2020kratom\n  - work: "Doe J 2019')),
                           f"{LOG}:16:10: 'smith2020kratom' is included twice (also record 1) — screen each work once: merge "
                           "the two records"),
    "review-newer-than-record": (review(("reviewed_version: 1", "reviewed_version: 2")),
                                 f"{REV}:4:19: reviewed_version 2 is newer than {C}'s version 1 — set reviewed_version to the "
                                 "version of the record that was reviewed"),
    "review-item-not-cited": (review(("    fidelity: faithful\n", "    fidelity: faithful\n  - ref: roe2021foo\n"
                                      "    fidelity: faithful\n")),
                              f"{REV}:8:10: item 'roe2021foo' is not an evidence item of {C} — review only the record's "
                              "evidence items; list other works under missing_evidence"),
    "review-misses-an-item": (
        {**with_items("supports", "supports"), REV: SECOND_REVIEW},
        f"{REV}:5:1: evidence item 'doe2021other' of {C} (version 1) was not reviewed — add an item for doe2021other, "
        "read against its source"),
    "review-agrees-but-differs": (review(("verdict: overstated", "verdict: unsupported")),
                                  f"{REV}:11:12: agreement is 'agree' but the second reviewer's verdict and certainty "
                                  f"(unsupported, very-low) differ from {C}'s (overstated, very-low) — set agreement: "
                                  "disagree and record how it was settled in resolution"),
    "review-disagrees-without-resolution": (review(("agreement: agree", "agreement: disagree")),
                                            f"{REV}:1:1: missing field 'resolution' — add resolution: (see the field guide "
                                            "in CONTRIBUTING.md)"),
    "review-issue-without-note": (review(("fidelity: faithful", "fidelity: misrepresents")),
                                  f"{REV}:6:5: missing field 'note' in items.0 — add note: (see the field guide in "
                                  "CONTRIBUTING.md)"),
    "review-names-another-claim": (review(("claim: kratom-eases-withdrawal", "claim: kratom-helps")),
                                   f"{REV}:1:8: claim 'kratom-helps' does not match the file name "
                                   "'kratom-eases-withdrawal.yaml' — set claim: kratom-eases-withdrawal or rename the file "
                                   "to kratom-helps.yaml"),
    "review-for-no-claim": ({"research/second-reviews/kratom-helps.yaml": SECOND_REVIEW.replace("kratom-eases-withdrawal", "kratom-helps")},
                            "research/second-reviews/kratom-helps.yaml:1:8: second review of 'kratom-helps', which is not a "
                            "claim record — name an existing claim (claims/<id>.yaml), or remove "
                            "research/second-reviews/kratom-helps.yaml"),
    "research-wrong-extension": ({"research/search-logs/kratom-eases-withdrawal.yml": SEARCH_LOG},
                                 "research/search-logs/kratom-eases-withdrawal.yml:1:1: file in research/search-logs/ does "
                                 "not end in .yaml — rename it to <claim-id>.yaml (use .yaml, not .yml) or move it out of "
                                 "research/search-logs/"),
}


def run(root: Path, files: dict[str, str | None]) -> list[str]:
    for rel, text in files.items():
        path = root / rel
        if text is None or text == "":
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return [str(p) for p in check.load(root).problems]


def test_cases_exist() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", sorted(CASES))
def test_message(project: Path, name: str) -> None:
    files, expected = CASES[name]
    problems = run(project, files)
    assert expected in problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["grade-rating-up-only-observational", "verdict-accurate-with-contradicting-items",
                                  "key-site-page-name", "retracted-work-supports-accurate", "no-search-log"])
def test_nothing_else_is_reported(project: Path, name: str) -> None:
    # the case's message is the whole report: a rule does not drag unrelated messages along
    files, expected = CASES[name]
    assert run(project, files) == [expected]


def test_valid_variants_are_clean(project: Path) -> None:
    # each rule's allowed side: an experimental body about people rated down for indirectness,
    # a rating up of observational evidence with nothing rated down, and a verdict the table allows
    experimental = edit(CLAIM, ("  body: observational", "  body: experimental"), ("  start: low", "  start: high"),
                        ("  level: very-low", "  level: low"), ("domain: risk-of-bias\n      change: -1",
                                                               "domain: indirectness\n      change: -2"),
                        ("design: cross-sectional", "design: animal"), ("population: human", "population: animal"))
    assert run(project, {C: experimental, REV: SECOND_REVIEW.replace("very-low", "low")}) == []
    rated_up = with_items("supports", "supports", verdict="accurate", reasons=MODERATE)
    rated_up[REV] = rated_up[REV].replace("certainty: very-low", "certainty: moderate")
    assert run(project, rated_up) == []


def test_site_names_come_from_what_the_site_generates(project: Path) -> None:
    from conftest import ROOT
    from kcr import paths

    names = paths.site_names(ROOT)
    # hand-written pages and folders of docs/, the generator's folders, MkDocs' own outputs
    assert {"methodology", "index", "assets", "claims", "references", "research", "search", "sitemap", "404"} <= names
    (project / "docs").mkdir()
    (project / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    assert "about" in paths.site_names(project)


def test_schema_and_grade_table_agree() -> None:
    # the body table lives in kcr/grade.py; the schema must list the same bodies and starts
    from conftest import ROOT

    schema = json.loads((ROOT / "schema/claim.schema.json").read_text(encoding="utf-8"))
    assert grade.schema_mismatch(schema) is None
    assert schema["properties"]["certainty"]["properties"]["body"]["enum"] == list(grade.BODIES)


def test_schema_drift_is_reported(project: Path) -> None:
    path = project / "schema/claim.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["certainty"]["properties"]["body"]["enum"].append("anecdotal")
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert run(project, {}) == [
        "schema/claim.schema.json:1:1: the record schema disagrees with the checker's GRADE table (certainty.body allows "
        "trials, experimental, observational, established, anecdotal, but the checker knows trials, experimental, "
        "observational, established) — restore schema/claim.schema.json from the repository, or change kcr/grade.py "
        "BODIES with it"]


def test_decision_table_exhaustively() -> None:
    # every combination of up to three items of each stance and every level: each verdict is allowed
    # exactly when the briefing's table says so
    for s in range(4):
        for c in range(4):
            for m in range(4):
                for level in grade.LEVELS:
                    high = level in ("moderate", "high")
                    want = {
                        "accurate": s >= 1 and c == 0 and high,
                        "mostly-accurate": s >= 1 and s > c,
                        "overstated": s + m >= 1,
                        "misleading": s + c + m >= 1,
                        "unsupported": not (s > c and high),
                        "inaccurate": c >= 1 and c >= s,
                    }
                    assert set(grade.allowed_verdicts(s, c, m, level)) == {v for v, ok in want.items() if ok}


def test_format_character_table_covers_this_python() -> None:
    import sys
    import unicodedata

    from kcr import textfile

    table = {cp for a, b in textfile.CF_RANGES for cp in range(a, b + 1)}
    cf = {cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"}
    assert cf - table <= set(range(0xE0000, 0xE0080))  # tag characters have their own message
    for cp in (0x200B, 0x2066, 0x180E, 0xE0041, 0x13439):
        assert textfile.bad_character(f"a{chr(cp)}b") is not None, hex(cp)


def test_add_ref_takes_the_class_from_the_address_or_asks(project: Path, tmp_path: Path) -> None:
    from kcr import addref

    src = tmp_path / "x.bib"
    src.write_text("@article{x, title={Testing the tests of kratom users}, author={Else, Someone}, year={2021},"
                   " journal={Other}, doi={10.5555/other}}\n", encoding="utf-8")
    with pytest.raises(addref.AddRefError) as exc:
        addref.add(project, src, "https://journal.example.org/a/1")
    assert str(exc.value) == ("say what kind of page --verified is: add --verified-class, one of publisher, pubmed, "
                              "pmc, agency, repository, aggregator")
    key = addref.add(project, src, "https://journal.example.org/a/1", verified_class="publisher")
    assert check.load(project).refs[key].verified_class == "publisher"
    src.write_text(src.read_text(encoding="utf-8").replace("10.5555/other", "10.5555/third")
                   .replace("Testing the tests", "Checking the checks"), encoding="utf-8")
    key = addref.add(project, src, "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/")
    assert check.load(project).refs[key].verified_class == "pmc"
