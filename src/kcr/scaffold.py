"""A new claim record with every field and its allowed values, written from the schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from .claims import SCHEMA

TEMPLATE = """\
# yaml-language-server: $schema=../schema/claim.schema.json
# New claim record. Fill in every field; `kcr check` says what is still missing or wrong.
id: {id}
# {statement}
statement: TODO neutral statement of the claim
quotes:
  # {quote_text}
  - text: "TODO copy the words exactly from source/article.txt"
    # one of: {sections}
    section: Lead
# one of: {types}
type: efficacy
# one of: {topics}
topic: withdrawal
# {checkable}
checkable: true
# one of: {verdicts}
verdict: unsupported
# {conclusion}
conclusion: TODO one line on what the evidence shows
certainty:
  # {start}  one of: high, low
  start: low
  # {level}  one of: {levels}
  level: very-low
  # {body}  one of: {bodies}
  body: observational
  reasons:
    # domain, one of: {domains}
    - domain: indirectness
      # one of: -2, -1, 1, 2
      change: -1
      reason: TODO why the certainty moves
# optional: {article_certainty}  one of: {levels}
# article_certainty: high
# {bottom_line}
bottom_line: TODO two or three plain sentences
# {unknowns}
unknowns: TODO what is not known
# {would_change}
would_change: TODO the kind of study that would change the verdict
evidence:
  # ref: a key in references.bib (add one with `kcr add-ref`)
  - ref: TODO
    # one of: {designs}
    design: cross-sectional
    # one of: {populations}
    population: human
    # optional, one of: {substances}
    substance: kratom-products
    # optional: n: participants, only if the source states it
    # one of: {stances}
    stance: supports
    finding: TODO one sentence in your own words
# for advice or opinion: set checkable: false, remove verdict, certainty and article_certainty, and add
# not_checkable_reason: why this is not a factual claim
# a checkable claim also needs its search log, research/search-logs/{id}.yaml, and its second
# review, research/second-reviews/{id}.yaml (formats: schema/*.schema.json and the methodology)
reviewed: "{today}"
version: 1
changelog:
  - date: "{today}"
    version: 1
    summary: First review.
    conclusion_changed: false
"""


def render(claim_id: str, root: Path, today: str | None = None) -> str:
    """The scaffold text for ``claim_id`` (allowed values read from the schema)."""
    schema = json.loads((root / SCHEMA).read_text(encoding="utf-8"))
    p = schema["properties"]
    ev = p["evidence"]["items"]["properties"]
    cert = p["certainty"]["properties"]

    def enum(prop: dict) -> str:
        return ", ".join(str(x) for x in prop["enum"])

    return TEMPLATE.format(
        id=claim_id, today=today or date.today().isoformat(),
        statement=p["statement"]["description"], quote_text=p["quotes"]["items"]["properties"]["text"]["description"],
        sections=enum(p["quotes"]["items"]["properties"]["section"]), types=enum(p["type"]), topics=enum(p["topic"]),
        checkable=p["checkable"]["description"], verdicts=enum(p["verdict"]), conclusion=p["conclusion"]["description"],
        start=cert["start"]["description"], level=cert["level"]["description"], levels=enum(cert["level"]),
        body=cert["body"]["description"], bodies=enum(cert["body"]),
        domains=enum(cert["reasons"]["items"]["properties"]["domain"]),
        article_certainty=p["article_certainty"]["description"], bottom_line=p["bottom_line"]["description"],
        unknowns=p["unknowns"]["description"], would_change=p["would_change"]["description"],
        designs=enum(ev["design"]), populations=enum(ev["population"]), substances=enum(ev["substance"]),
        stances=enum(ev["stance"]),
    )
