"""The reviewed source article: its sections, sentences and quote lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LEAD = "Lead"
SUMMARY = "Summary"
CONTENTS = "Contents"

_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"]?\s+(?=[A-Z“\"])")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space (how quotes are compared)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article, numbered from 1 in reading order."""

    number: int
    section: str
    paragraph: int
    text: str
    heading: bool = False


@dataclass
class Article:
    """The article split into sections, paragraphs and sentences."""

    text: str
    sections: dict[str, str]
    sentences: list[Sentence]

    @cached_property
    def flat(self) -> str:
        """The whole text, whitespace-normalised."""
        return normalise(self.text)

    @cached_property
    def _flat_sections(self) -> dict[str, str]:
        return {name: normalise(body) for name, body in self.sections.items()}

    def find(self, quote: str) -> str | None:
        """Name of the section containing ``quote`` (whitespace-normalised), or None."""
        q = normalise(quote)
        for name, body in self._flat_sections.items():
            if q in body:
                return name
        return None

    def sentences_for(self, quote: str) -> list[Sentence]:
        """Sentences that overlap ``quote`` (a quote may span sentences or be part of one)."""
        q = normalise(quote)
        hits = [s for s in self.sentences if q in s.text or s.text in q]
        if hits:
            return hits
        # a quote that spans a sentence boundary: match by the sentences it overlaps
        flat = self.flat
        start = flat.find(q)
        if start < 0:
            return []
        end = start + len(q)
        out, pos = [], 0
        for s in self.sentences:
            i = flat.find(s.text, pos)
            if i < 0:
                continue
            pos = i + len(s.text)
            if i < end and pos > start:
                out.append(s)
        return out


def parse(text: str) -> Article:
    """Split the article text into its sections and sentences.

    The article has a lead paragraph, a quoted summary, a table of contents
    (lines starting with "- "), then headed sections whose headings repeat the
    contents lines.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    headings = {ln[2:].strip() for ln in lines if ln.startswith("- ")}
    sections: dict[str, list[str]] = {}
    sentences: list[Sentence] = []
    current = LEAD
    for paragraph, line in enumerate(lines, start=1):
        if line.startswith("- "):
            section, is_heading = CONTENTS, True
        elif line in headings:
            current = line
            section, is_heading = line, True
        else:
            if paragraph == 2 and line.startswith("“"):  # the quoted summary follows the title line
                current = SUMMARY
            elif current == SUMMARY:
                current = LEAD  # pragma: no cover - the summary is one paragraph
            section, is_heading = current, False
        sections.setdefault(section, []).append(line)
        parts = [line] if is_heading else [p for p in _SENTENCE_END.split(line) if p.strip()]
        for part in parts:
            sentences.append(Sentence(len(sentences) + 1, section, paragraph, normalise(part), is_heading))
    return Article(text, {k: "\n".join(v) for k, v in sections.items()}, sentences)


def load(path: Path) -> Article:
    """Read and parse the article at ``path``."""
    return parse(path.read_text(encoding="utf-8"))
