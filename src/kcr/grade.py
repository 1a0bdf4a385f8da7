"""GRADE by the book, and the rule from the evidence's stances to a verdict.

The one table of bodies of evidence (:data:`BODIES`) lives here; the record
schema's ``certainty.body`` values and ``certainty.start`` levels are checked
against it whenever the schema is loaded (:func:`schema_mismatch`), so the two
cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .problems import Problems

LEVELS = {"very-low": 1, "low": 2, "moderate": 3, "high": 4}
OBSERVATIONAL_DESIGNS = frozenset({"cohort", "case-control", "cross-sectional", "case-series", "case-report",
                                   "surveillance", "non-randomised-trial"})
REVIEWS = frozenset({"systematic-review", "meta-analysis", "narrative-review"})


@dataclass(frozen=True)
class Body:
    """A kind of evidence a grade can rest on: its starting level and the designs it is made of."""

    start: str
    designs: frozenset[str]
    described: str  # "a randomised trial, ...": what at least one evidence item must be
    types: frozenset[str] | None = None  # the claim types it may be used for (None: any)


BODIES: dict[str, Body] = {
    "trials": Body("high", frozenset({"rct", "systematic-review", "meta-analysis"}),
                   "a randomised trial (rct) or a systematic review or meta-analysis"),
    "experimental": Body("high", frozenset({"animal", "in-vitro"}), "an animal or in-vitro study"),
    "observational": Body("low", OBSERVATIONAL_DESIGNS | REVIEWS,
                          "an observational study (cohort, case-control, cross-sectional, case series or report, "
                          "surveillance, non-randomised trial) or a review of such studies"),
    "established": Body("high", frozenset({"guideline", "regulatory", "systematic-review", "meta-analysis",
                                           "narrative-review"}),
                        "a guideline, regulator statement, or systematic or narrative review",
                        types=frozenset({"background", "mechanism"})),
}
# claims about effects in people: resting on animal or cell experiments, they are indirect evidence
PEOPLE_TYPES = frozenset({"efficacy", "safety", "dosing"})
DOWN_DOMAINS = ("risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias")
UP_DOMAINS = ("large-effect", "dose-response", "plausible-confounding")
METHODOLOGY = "see the methodology"
BODY_TODO = f"add body: one of {', '.join(BODIES)}, the kind of evidence the grade rests on ({METHODOLOGY})"


def schema_mismatch(schema: dict) -> str | None:
    """Why the schema's ``certainty.body`` and ``certainty.start`` disagree with :data:`BODIES`, or None."""
    try:
        props = schema["properties"]["certainty"]["properties"]
        bodies = props["body"]["enum"]
        starts = props["start"]["enum"]
    except (KeyError, TypeError):
        return "the schema has no certainty.body or certainty.start enum"
    if sorted(bodies) != sorted(BODIES):
        return f"certainty.body allows {', '.join(map(str, bodies))}, but the checker knows {', '.join(BODIES)}"
    missing = sorted({b.start for b in BODIES.values()} - set(starts))
    if missing:
        return f"certainty.start does not allow {', '.join(missing)}"
    return None


def _items(data: dict) -> list[dict]:
    ev = data.get("evidence")
    return [e for e in ev if isinstance(e, dict)] if isinstance(ev, list) else []


def stances(data: dict) -> Counter:
    """How many evidence items of a record support, contradict, are mixed or context."""
    return Counter(e.get("stance") for e in _items(data) if isinstance(e.get("stance"), str))


def contradicting(data: dict) -> int:
    """Evidence items that contradict the claim (the "contradicting evidence" marker shows this count)."""
    return stances(data)["contradicts"]


def certainty_problems(claim: Any, problems: Problems) -> None:
    """GRADE by the book: a body on every checkable record, its one starting level, designs that fit it,
    indirectness for experimental evidence about people, and rating up only where GRADE allows it."""
    d, p = claim.data, claim.path
    cert = d.get("certainty")
    if not isinstance(cert, dict):
        return
    body_name = cert.get("body")
    if not isinstance(body_name, str) or body_name not in BODIES:
        return  # the schema reports a missing body or a value that is not allowed
    body = BODIES[body_name]
    start = cert.get("start")
    if isinstance(start, str) and start in LEVELS and start != body.start:
        line, col = claim.pos("certainty", "start")
        problems.add(p, line, col, f"certainty start '{start}' does not match body '{body_name}', which starts {body.start}",
                     f"set start: {body.start} (each kind of evidence has one starting level; {METHODOLOGY})")
    def bpos() -> tuple[int, int]:  # asked only when a problem is reported: positions are read on demand
        return claim.pos("certainty", "body")

    designs = {e.get("design") for e in _items(d)}
    if isinstance(d.get("evidence"), list) and d["evidence"] and not designs & body.designs:
        problems.add(p, *bpos(), f"certainty body '{body_name}' but no evidence item is {body.described}",
                     "set body to the kind of evidence the grade rests on, or cite such a study")
    ctype = d.get("type")
    if body.types is not None and isinstance(ctype, str) and ctype not in body.types:
        problems.add(p, *bpos(), f"certainty body '{body_name}' on a claim of type '{ctype}'",
                     f"'{body_name}' is only for {' and '.join(sorted(body.types))} claims; use "
                     + ", ".join(b for b, x in BODIES.items() if x.types is None))
    listed = cert.get("reasons")
    reasons = [(i, r) for i, r in enumerate(listed if isinstance(listed, list) else [])
               if isinstance(r, dict) and isinstance(r.get("domain"), str) and isinstance(r.get("change"), int)]
    if body_name == "experimental" and ctype in PEOPLE_TYPES and not any(
            r["domain"] == "indirectness" and r["change"] <= -1 for _, r in reasons):
        problems.add(p, *bpos(), f"certainty body 'experimental' on a claim of type '{ctype}' is not rated down for indirectness",
                     "add a reason with domain: indirectness and change: -1 or -2 (animal and cell studies are "
                     f"indirect evidence about people; usually -2; {METHODOLOGY})")
    _direction_problems(claim, reasons, body_name, problems)


def _direction_problems(claim: Any, reasons: list[tuple[int, dict]], body_name: str, problems: Problems) -> None:
    p = claim.path
    down = [r for _, r in reasons if r["change"] < 0]
    for i, r in reasons:
        domain, change = r["domain"], r["change"]
        where = (lambda i=i: claim.pos("certainty", "reasons", i, "change"))  # read only when reported
        if domain in DOWN_DOMAINS and change > 0:
            problems.add(p, *where(), f"{domain} can only rate certainty down, but change is {change:+d}",
                         f"use change: -1 or -2, or one of the domains that rate up ({', '.join(UP_DOMAINS)})")
            continue
        if domain not in UP_DOMAINS:
            continue
        if change < 0:
            problems.add(p, *where(), f"{domain} can only rate certainty up, but change is {change:+d}",
                         f"use change: +1 or +2, or one of the domains that rate down ({', '.join(DOWN_DOMAINS)})")
        elif body_name != "observational":
            problems.add(p, *where(), f"certainty rated up for {domain}, but body is '{body_name}'",
                         f"remove this reason: GRADE rates up only observational evidence ({METHODOLOGY})")
        elif down:
            problems.add(p, *where(), f"certainty rated up for {domain} although it is also rated down",
                         f"remove this reason or the steps down: GRADE rates up only when nothing was rated down ({METHODOLOGY})")


# ---- the verdict decision rule (stances: S supports, C contradicts, M mixed; context ignored) ----

RULES = {
    "accurate": "at least one supporting item, no contradicting item and certainty moderate or high",
    "mostly-accurate": "at least one supporting item and more supporting than contradicting items",
    "overstated": "at least one supporting or mixed item",
    "misleading": "at least one item that is not context",
    "unsupported": "no adequate evidence either way, so not more supporting than contradicting items at "
                   "moderate or high certainty",
    "inaccurate": "at least one contradicting item and at least as many contradicting as supporting items",
}


def _n(count: int, one: str, many: str) -> str:
    """"1 evidence item supports" / "2 evidence items support"."""
    return f"{count} evidence item {one}" if count == 1 else f"{count} evidence items {many}"


def _v(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def verdict_failures(verdict: str, s: int, c: int, m: int, level: str | None) -> list[str]:
    """What in the evidence rules ``verdict`` out (empty when the verdict is allowed)."""
    high = level in ("moderate", "high")
    support = f"{_n(s, 'supports', 'support')} and {_v(c, 'contradicts', 'contradict')} the claim"
    contra = f"{_n(c, 'contradicts', 'contradict')} and {_v(s, 'supports', 'support')} the claim"
    out: list[str] = []
    if verdict == "accurate":
        if s < 1:
            out.append("no evidence item supports the claim")
        if c:
            out.append(_n(c, "contradicts the claim", "contradict the claim"))
        if not high:
            out.append(f"certainty is {level or 'not given'}")
    elif verdict == "mostly-accurate":
        if s < 1:
            out.append("no evidence item supports the claim")
        elif s <= c:
            out.append(support)
    elif verdict == "overstated":
        if s + m < 1:
            out.append("no evidence item supports the claim or is mixed")
    elif verdict == "misleading":
        if s + c + m < 1:
            out.append("every evidence item is context")
    elif verdict == "unsupported":
        if s > c and high:
            out.append(f"{support} at {level} certainty")
    elif verdict == "inaccurate":
        if c < 1:
            out.append("no evidence item contradicts the claim")
        elif c < s:
            out.append(contra)
    return out


def verdict_problems(claim: Any, problems: Problems) -> None:
    """The verdict must be one the evidence allows (the decision table of the methodology)."""
    d = claim.data
    verdict = d.get("verdict")
    if d.get("checkable") is not True or verdict not in RULES or not isinstance(d.get("evidence"), list):
        return
    cert = d.get("certainty")
    level = cert.get("level") if isinstance(cert, dict) and cert.get("level") in LEVELS else None
    st = stances(d)
    failures = verdict_failures(verdict, st["supports"], st["contradicts"], st["mixed"], level)
    if failures:
        line, col = claim.pos("verdict")
        allowed = allowed_verdicts(st["supports"], st["contradicts"], st["mixed"], level)
        problems.add(claim.path, line, col, f"verdict '{verdict}' but {' and '.join(failures)}",
                     f"{verdict} requires {RULES[verdict]}; with these stances the verdict can be "
                     f"{' or '.join(allowed) if allowed else 'none of the six'} (see the decision table in the methodology)")


def allowed_verdicts(s: int, c: int, m: int, level: str | None) -> list[str]:
    """Every verdict the evidence allows (for messages and the methodology's tests)."""
    return [v for v in RULES if not verdict_failures(v, s, c, m, level)]


def cited_with(data: dict, stance: str) -> Iterable[tuple[int, dict]]:
    """(index, item) of the record's evidence items with ``stance``."""
    ev = data.get("evidence")
    for i, e in enumerate(ev if isinstance(ev, list) else []):
        if isinstance(e, dict) and e.get("stance") == stance:
            yield i, e
