"""A synthetic project of any size, for benchmarks: N claim records and M references.

``make(root, n_claims, n_refs)`` writes a complete project that passes ``kcr check``:
the real schema, article, site configuration, hand-written pages, theme overrides
and hooks are copied from this repository; the claim records and references.bib
are generated deterministically from ``seed``.

The records are shaped like the real ones (about 3.3 KB each, 2-8 evidence items,
1-3 quotes copied verbatim from sentences of source/article.txt, a mix of checkable
and advice records, GRADE certainty that follows from its reasons, a few former
ids), each checkable one with its search log and second review.  The references are shaped like the real references.bib (about 550 bytes
each: long titles, several authors, journal, volume, pages, DOI, PMID, verified
page).  Every reference is cited by at least one claim.

Only the generated words are synthetic; nothing here is evidence about kratom.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from . import article as article_mod
from . import grade

REPO = Path(__file__).resolve().parents[2]

# what make() copies from the real repository (docs/ without its generated folders)
COPY_DIRS = ("schema", "source", "overrides", "hooks", "docs")
COPY_FILES = ("mkdocs.yml",)

SECTIONS = {
    "Lead",
    "Summary",
    "Understanding Opioid Withdrawal and Kratom's Role",
    "Does Kratom Increase Dopamine? Exploring the Science",
    "Safe Use and Considerations for Kratom in Withdrawl",
}

# vocabulary free of the checker's verdict words (true, false, misleading, ...)
WORDS = ["kratom", "mitragynine", "alkaloid", "receptor", "opioid", "withdrawal", "craving", "dopamine", "serotonin", "dose", "tolerance", "users", "survey", "cohort", "sample", "participants", "adults", "rats", "mice", "cells", "binding", "agonist", "partial", "mu", "kappa", "delta", "signal", "release", "reward", "mood", "anxiety", "pain", "relief", "symptoms", "severity", "scale", "measure", "outcome", "follow-up", "month", "week", "day", "clinic", "treatment", "buprenorphine", "methadone", "placebo", "trial", "comparison", "group", "effect", "size", "estimate", "interval", "report", "self-report", "recall", "online", "community", "region", "product", "leaf", "tea", "powder", "capsule", "extract", "concentration", "plasma", "level", "exposure", "use", "frequency", "daily", "regular", "heavy", "light", "dependence", "disorder", "criteria", "diagnosis", "sleep", "appetite", "energy", "fatigue", "nausea", "constipation", "seizure", "liver", "injury", "poison", "centre", "call", "case", "death", "toxicology", "screen", "laboratory", "assay", "potency", "affinity", "efficacy", "respiratory", "depression", "safety", "margin", "risk", "benefit", "evidence", "study", "review", "analysis", "data", "sources", "authors", "bias", "confounding", "selection", "funding", "population", "age", "sex", "income", "employment", "history", "prior", "substance", "alcohol", "cannabis", "stimulant", "pattern"]
VERBS = ("eases", "reduces", "raises", "lowers", "changes", "affects", "shortens", "relieves", "improves",
         "increases", "prevents", "worsens", "shapes", "modulates", "supports", "blocks")
SUBJECTS = ("Kratom", "Mitragynine", "Kratom tea", "Kratom powder", "Regular kratom use", "A low kratom dose",
            "7-hydroxymitragynine", "Kratom leaf", "Kratom extract", "Daily kratom use")
FAMILIES = ["smith", "garcia", "nguyen", "kim", "singh", "patel", "mueller", "rossi", "tanaka", "chen", "wang", "li", "zhang", "yang", "hassan", "ahmad", "vicknasingam", "swogger", "grundmann", "prozialeck", "kruegel", "obeng", "mccurdy", "hemby", "henningfield", "garciaromeu", "boyer", "coe", "babin", "cinosi", "veltri", "white", "feng", "leong", "suhaimi", "harun", "ismail", "yusof", "tan", "lim", "wong", "lee", "park", "johnson", "brown", "jones", "miller", "davis", "wilson", "anderson", "taylor", "thomas", "moore", "martin", "jackson", "thompson", "lopez", "gonzalez", "hernandez", "perez", "martinez", "sanchez", "ramirez", "torres", "flores", "rivera"]
GIVEN = ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "J.", "K.", "L.", "M.", "N.", "P.", "R.", "S.", "T.", "V.", "W.", "Y.", "Z.", "Anna", "Ben", "Chen", "Darshan", "Eva", "Farah", "Greta", "Hui", "Ian", "Jana", "Kamal", "Lena", "Marco", "Nur", "Omar", "Priya", "Rui", "Sara", "Tom", "Wei"]
JOURNALS = ("Journal of Ethnopharmacology", "Drug and Alcohol Dependence", "Addiction", "Psychopharmacology",
            "Frontiers in Pharmacology", "Journal of Psychoactive Drugs", "Substance Use and Misuse",
            "Journal of Addiction Medicine", "Clinical Toxicology", "Neuropharmacology", "Pharmacology Biochemistry "
            "and Behavior", "International Journal of Drug Policy", "Journal of Medicinal Chemistry",
            "Addictive Behaviors", "Journal of Substance Abuse Treatment", "Neuroscience Letters", "Pediatrics",
            "Annals of Internal Medicine", "The Lancet Psychiatry", "BMJ Open", "PLOS ONE", "Molecules")
ORGS = ("U.S. Food and Drug Administration", "National Institute on Drug Abuse", "World Health Organization",
        "European Monitoring Centre for Drugs and Drug Addiction", "Centers for Disease Control and Prevention")
DESIGNS = ("systematic-review", "meta-analysis", "rct", "non-randomised-trial", "cohort", "case-control",
           "cross-sectional", "case-series", "case-report", "surveillance", "animal", "in-vitro",
           "narrative-review", "guideline", "regulatory")
POP = {"animal": "animal", "in-vitro": "in-vitro", "narrative-review": "none", "guideline": "none",
       "regulatory": "none"}
SUBSTANCES = ("kratom-products", "mitragynine", "7-hydroxymitragynine", "other-alkaloids", "opioids",
              "opioid-agonist-treatment", "not-applicable")
STANCES = ("supports", "contradicts", "mixed", "context")
TYPES = ("mechanism", "efficacy", "safety", "dosing", "background", "advice")
TOPICS = ("pharmacology", "withdrawal", "mood", "safety", "dosing", "background", "treatment")
VERDICTS = ("accurate", "mostly-accurate", "overstated", "misleading", "unsupported", "inaccurate")
LEVELS = {"very-low": 1, "low": 2, "moderate": 3, "high": 4}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
DOWN = ("risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias")
UP = ("large-effect", "dose-response", "plausible-confounding")
EXCLUSIONS = ("wrong-population", "wrong-substance", "wrong-outcome", "wrong-design", "duplicate", "superseded",
              "not-retrievable", "off-topic")


def _q(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


class _Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, lo: int, hi: int) -> str:
        """One sentence of ``lo``-``hi`` characters."""
        rng = self.rng
        target = rng.randint(lo, hi)
        words = [rng.choice(WORDS)]
        while len(" ".join(words)) < target - 1:
            words.append(rng.choice(WORDS))
        s = " ".join(words)[: target - 1].rstrip(" -")
        return s[0].upper() + s[1:] + "."

    def para(self, lo: int, hi: int) -> str:
        """Sentences adding up to ``lo``-``hi`` characters."""
        target = self.rng.randint(lo, hi)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target - 30:
            parts.append(self.sentence(40, min(160, max(40, target - sum(len(p) + 1 for p in parts)))))
        return " ".join(parts)[:hi]

    def statement(self) -> str:
        rng = self.rng
        s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        return s[:75].rsplit(" ", 1)[0] if len(s) > 75 else s


def _quotable(art: article_mod.Article) -> list[tuple[str, str]]:
    """(text, section) pairs that pass the quote check: whole sentences and word spans of them."""
    out: list[tuple[str, str]] = []
    for s in art.sentences:
        if s.heading:
            continue
        words = s.text.split()
        spans = [s.text]
        if len(words) >= 10:
            spans.append(" ".join(words[: len(words) // 2]))
            spans.append(" ".join(words[len(words) // 3:]))
        for text in spans:
            section = art.find(text)
            if section in SECTIONS and len(text) >= 3:
                out.append((text, section))
    return out


def _owned() -> tuple[str, ...]:
    from .paths import OWNED  # the generator's folders under docs/ (kept apart from the renderers)

    return tuple(OWNED)


def _copy_repo(root: Path, repo: Path) -> None:
    owned = _owned()
    generated = {name for name in owned if "/" not in name}

    def ignore_docs(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).relative_to(repo / "docs").as_posix()
        skip = {"__pycache__"}
        if rel == ".":
            skip |= generated & set(names)
        for name in owned:
            head, _, tail = name.rpartition("/")
            if head and head == rel:
                skip.add(tail)
        return skip

    for name in COPY_DIRS:
        src = repo / name
        if not src.exists():
            continue
        ignore = ignore_docs if name == "docs" else shutil.ignore_patterns("__pycache__")
        shutil.copytree(src, root / name, ignore=ignore, dirs_exist_ok=True)
    for name in COPY_FILES:
        if (repo / name).exists():
            shutil.copy2(repo / name, root / name)


def _bib_entries(rng: random.Random, n_refs: int) -> tuple[list[str], list[str]]:
    """(keys, BibTeX entries), all unique in key, DOI, PMID and title."""
    text = _Text(rng)
    keys: list[str] = []
    entries: list[str] = []
    used: set[str] = set()
    titles: set[str] = set()
    for i in range(n_refs):
        year = rng.randint(1995, 2025)
        while True:
            title = text.sentence(60, 190).rstrip(".")
            if title not in titles:
                titles.add(title)
                break
        first = "".join(ch for ch in title.split()[0].lower() if ch.isalnum()) or "study"
        kind = rng.random()
        if kind < 0.08:  # an agency report, like the FDA and NIDA entries
            org = rng.choice(ORGS)
            base = "".join(ch for ch in org.split()[0].lower() if ch.isalnum()) + str(year) + first
        else:
            authors = [f"{rng.choice(FAMILIES).capitalize()}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 12))]
            base = authors[0].split(",")[0].lower() + str(year) + first
        key, k = base, 0
        while key in used:
            k += 1
            key = base + _letters(k)
        used.add(key)
        keys.append(key)
        if kind < 0.08:
            url = f"https://www.example.org/reports/{year}/{key}"
            entries.append(
                f"@misc{{{key},\n"
                f"  title        = {{{title}}},\n"
                f"  author       = {{{{{org}}}}},\n"
                f"  year         = {{{year}}},\n"
                f"  organization = {{{org}}},\n"
                f"  url          = {{{url}}},\n"
                f"  verified     = {{{url}}},\n"
                f"  verified_class = {{agency}},\n"
                f"}}\n")
            continue
        pmid = 20_000_000 + i
        doi = f"10.{1000 + i % 8000}/syn.{year}.{i:06d}"
        lines = [f"@article{{{key},", f"  title    = {{{title}}},", f"  author   = {{{' and '.join(authors)}}},",
                 f"  year     = {{{year}}},", f"  journal  = {{{rng.choice(JOURNALS)}}},"]
        if rng.random() < 0.8:
            lines.append(f"  volume   = {{{rng.randint(1, 300)}}},")
        if rng.random() < 0.5:
            lines.append(f"  number   = {{{rng.randint(1, 12)}}},")
        first_page = rng.randint(1, 9000)
        lines.append(f"  pages    = {{{first_page}--{first_page + rng.randint(3, 20)}}},")
        lines.append(f"  doi      = {{{doi}}},")
        if rng.random() < 0.85:
            lines.append(f"  pmid     = {{{pmid}}},")
            if rng.random() < 0.4:
                lines.append(f"  pmcid    = {{PMC{5_000_000 + i}}},")
            lines.append(f"  verified = {{https://pubmed.ncbi.nlm.nih.gov/{pmid}/}},")
            lines.append("  verified_class = {pubmed},")
        else:
            lines.append(f"  verified = {{https://doi.org/{doi}}},")
            lines.append("  verified_class = {publisher},")
        entries.append("\n".join(lines) + "\n}\n")
    return keys, entries


def _letters(k: int) -> str:
    out = ""
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _claim(rng: random.Random, text: _Text, cid: str, statement: str, former: list[str],
           quotes: list[tuple[str, str]], refs: list[str]) -> tuple[str, dict]:
    """The record's YAML, and what its search log and second review need (checkable records only)."""
    checkable = rng.random() < 0.88
    ctype = "advice" if not checkable else rng.choice(TYPES[:-1])
    bodies = [b for b, x in grade.BODIES.items() if x.types is None or ctype in x.types]
    body = rng.choice(bodies)
    items = []
    for i, ref in enumerate(refs):
        # the first item is of a design the body rests on; the others anything
        design = rng.choice(sorted(grade.BODIES[body].designs)) if i == 0 and checkable else rng.choice(DESIGNS)
        items.append((ref, design, POP.get(design, "human"), rng.choice(STANCES)))
    out = ["# yaml-language-server: $schema=../schema/claim.schema.json", f"id: {cid}"]
    if former:
        out.append("former_ids:")
        out += [f"  - {f}" for f in former]
    out.append(f"statement: {_q(statement)}")
    out.append("quotes:")
    for qt, section in quotes:
        out += [f"  - text: {_q(qt)}", f"    section: {_q(section)}"]
    out += [f"type: {ctype}", f"topic: {rng.choice(TOPICS)}", f"checkable: {'true' if checkable else 'false'}"]
    facts: dict = {}
    if checkable:
        start = grade.BODIES[body].start
        reasons = []
        total = LEVELS[start]
        if body == "experimental" and ctype in grade.PEOPLE_TYPES:
            reasons.append(("indirectness", -2, text.para(90, 260)))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            if body == "observational" and not reasons and rng.random() < 0.2:
                reasons.append((rng.choice(UP), 1, text.para(90, 260)))  # GRADE: only up, and only here
                break
            if any(c > 0 for _, c, _ in reasons):
                break
            reasons.append((rng.choice(DOWN), rng.choice((-1, -1, -2)), text.para(90, 260)))
        total += sum(c for _, c, _ in reasons)
        level = LEVEL_NAMES[min(4, max(1, total))]
        stance = {s: sum(1 for *_, st in items if st == s) for s in STANCES}
        verdict = rng.choice(grade.allowed_verdicts(stance["supports"], stance["contradicts"], stance["mixed"], level))
        facts = {"verdict": verdict, "level": level}
        out.append(f"verdict: {verdict}")
        out.append(f"conclusion: {_q(text.para(80, 190))}")
        out += ["certainty:", f"  start: {start}", f"  level: {level}", f"  body: {body}"]
        if not reasons or rng.random() < 0.3:
            out.append(f"  basis: {_q(text.para(60, 200))}")
        if reasons:
            out.append("  reasons:")
            for domain, change, reason in reasons:
                out += [f"    - domain: {domain}", f"      change: {change}", f"      reason: {_q(reason)}"]
        out.append(f"article_certainty: {rng.choice(tuple(LEVELS))}")
        if rng.random() < 0.6:
            out.append(f"wording_note: {_q(text.para(120, 320))}")
        out.append(f"bottom_line: {_q(text.para(200, 500))}")
    else:
        out.append(f"not_checkable_reason: {_q(text.para(120, 380))}")
    out.append(f"unknowns: {_q(text.para(100, 280))}")
    out.append(f"would_change: {_q(text.para(90, 230))}")
    out.append("evidence:")
    for ref, design, population, st in items:
        out += [f"  - ref: {ref}", f"    design: {design}", f"    population: {population}",
                f"    substance: {rng.choice(SUBSTANCES)}"]
        if population in ("human", "animal") and rng.random() < 0.7:
            out.append(f"    n: {rng.randint(1, 30000)}")
        out += [f"    stance: {st}", f"    finding: {_q(text.para(100, 230))}"]
    versions = rng.choice((1, 1, 1, 2, 3))
    day = rng.randint(1, 28)
    out += [f'reviewed: "2026-{versions + 8:02d}-{day:02d}"', f"version: {versions}", "changelog:"]
    for v in range(1, versions + 1):
        out += [f'  - date: "2026-{v + 8:02d}-{day:02d}"', f"    version: {v}",
                f"    summary: {_q('First review.' if v == 1 else text.sentence(30, 120))}",
                f"    conclusion_changed: {'false' if v == 1 else 'true'}"]
    facts |= {"version": versions, "date": f"2026-{versions + 8:02d}-{day:02d}"}
    return "\n".join(out) + "\n", facts if checkable else {}


def _search_log(rng: random.Random, text: _Text, cid: str, refs: list[str], when: str) -> str:
    out = [f"claim: {cid}", f'date: "{when}"', "searches:"]
    for _ in range(rng.randint(2, 5)):
        out += [f"  - query: {_q(text.sentence(20, 60).rstrip('.'))}", "    source: pages",
                f"    hits: {rng.randint(0, 40)}"]
    out.append("records:")
    for ref in refs:
        out += [f"  - work: {_q('Included work ' + ref)}", "    decision: include", f"    ref: {ref}"]
    for k in range(rng.randint(0, 4)):
        out += [f"  - work: {_q(f'Screened work {k + 1} for {cid}')}", "    decision: exclude",
                f"    reason: {rng.choice(EXCLUSIONS)}"]
    return "\n".join(out) + "\n"


def _second_review(cid: str, refs: list[str], facts: dict) -> str:
    out = [f"claim: {cid}", "reviewer: second-reviewer", f'date: "{facts["date"]}"',
           f"reviewed_version: {facts['version']}", "items:"]
    for ref in refs:
        out += [f"  - ref: {ref}", "    fidelity: faithful"]
    out += ["missing_evidence: []", f"verdict: {facts['verdict']}", f"certainty: {facts['level']}", "agreement: agree"]
    return "\n".join(out) + "\n"


def make(root: Path, n_claims: int, n_refs: int, seed: int = 0, repo: Path | None = None) -> Path:
    """Write a complete project with ``n_claims`` records and ``n_refs`` references under ``root``.

    ``root`` must not exist or be empty.  Every reference is cited at least once
    (``n_claims`` must therefore be at least 1 when ``n_refs`` is).  Returns ``root``.
    """
    repo = repo or REPO
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    if n_refs and not n_claims:
        raise ValueError("references need at least one claim to cite them")
    if n_refs > 60 * n_claims:
        raise ValueError("at most 60 evidence items per claim: too few claims to cite every reference")
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    _copy_repo(root, repo)
    art = article_mod.load(root / "source" / "article.txt")
    quotable = _quotable(art)

    keys, entries = _bib_entries(rng, n_refs)
    (root / "references.bib").write_text("\n".join(entries), encoding="utf-8")

    # evidence counts: 2-8 per claim, raised where needed so that every reference is cited
    counts = [min(rng.randint(2, 8), n_refs) if n_refs else 0 for _ in range(n_claims)]
    i = 0
    while sum(counts) < n_refs:
        if counts[i % n_claims] < 60:
            counts[i % n_claims] += 1
        i += 1
    order = keys[:]
    rng.shuffle(order)
    cursor = 0

    text = _Text(rng)
    folder = root / "claims"
    folder.mkdir()
    used_ids: set[str] = set()
    for c in range(n_claims):
        statement = text.statement()
        cid = _slug(statement, c, used_ids)
        former = [_slug(text.statement(), c, used_ids, former=True)] if rng.random() < 0.05 else []
        picked: list[str] = []
        while len(picked) < counts[c]:
            key = order[cursor % len(order)]
            cursor += 1
            if key not in picked:
                picked.append(key)
        quotes = rng.sample(quotable, rng.choice((1, 1, 2, 2, 3)))
        record, facts = _claim(rng, text, cid, statement, former, quotes, picked)
        (folder / f"{cid}.yaml").write_text(record, encoding="utf-8")
        if facts:  # a checkable record: its search log and second review
            for sub, body in (("search-logs", _search_log(rng, text, cid, picked, facts["date"])),
                              ("second-reviews", _second_review(cid, picked, facts))):
                (root / "research" / sub).mkdir(parents=True, exist_ok=True)
                (root / "research" / sub / f"{cid}.yaml").write_text(body, encoding="utf-8")
    return root


def _slug(statement: str, c: int, used: set[str], former: bool = False) -> str:
    words = [w for w in statement.lower().replace("-", " ").split() if w.isalnum()][:6]
    base = "-".join(words + (["old"] if former else []) + [str(c + 1)])[:80].strip("-")
    slug, k = base, 0
    while slug in used:
        k += 1
        slug = f"{base[:76].rstrip('-')}-{k}"
    used.add(slug)
    return slug
