"""The ``references.bib`` download: the project's entries as a citer's BibTeX or biblatex wants them.

- Unicode instead of TeX accent macros (``Váradi``), as biber and modern BibTeX read it;
- proper nouns and acronyms in titles braced (``{Mitragyna speciosa}``, ``{United States}``, ``{FDA}``),
  so styles that change the case of titles keep them; a capitalised word in a sentence-case title is a
  proper noun; in a title-case title only known proper nouns and acronyms are braced (every capitalised
  word there would be guesswork);
- corporate authors braced as a whole (``{{U.S. Food and Drug Administration}}``), so no tool splits
  them at "and";
- page ranges with ``--``.

The source ``references.bib`` is never changed; this is a rendering of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..bib import Reference
from ..bibwrite import FIELD_ORDER
from ..latex import bib_page, to_bib

# proper nouns likely in this field's titles; more are learned from the sentence-case titles of the file
PHRASES = ("Mitragyna speciosa", "United States", "United Kingdom", "Southeast Asia", "South East Asia",
           "North America", "Food and Drug Administration", "Drug Enforcement Administration",
           "Centers for Disease Control and Prevention", "World Health Organization", "New Zealand")
WORDS = {
    "Africa", "African", "America", "American", "Americans", "Asia", "Asian", "Australia", "Australian", "Bayesian",
    "Britain", "British", "Canada", "Canadian", "China", "Chinese", "Colorado", "Eastern", "England", "English",
    "Europe", "European", "Florida", "Germany", "Indonesia", "Indonesian", "Malaysia", "Malaysian", "Medicaid",
    "Medicare", "Mitragyna", "Reddit", "Thai", "Thailand", "Twitter", "Western",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}
_PHRASE_RE = re.compile("|".join(re.escape(p).replace(r"\ ", r"\s+") for p in PHRASES), re.I)
_WORD = re.compile(r"[^\s{}]+")
# the first word of a title or of a sentence or subtitle inside it may be capitalised without being a name
_STARTS = re.compile(r"(?:^|[:?!.—]\s+|\s—\s*)$")


def _alpha(word: str) -> str:
    return re.sub(r"[^\w]", "", word, flags=re.UNICODE).strip("_0123456789")


def _is_acronym(word: str) -> bool:
    """FDA, US, U.S., DSM-5, 7-OH, McMahon: a part of the word (between hyphens, dashes or slashes) with an
    upper-case letter after its first letter; Self-Reported and Rats—A are not."""
    for part in re.split(r"[-–—‐/]", word):
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and any(c.isupper() for c in letters[1:]):
            return True
    return False


def _top_level_words(title: str) -> list[tuple[int, int, str]]:
    """(start, end, word) for each word outside braces."""
    out, depth, i = [], 0, 0
    while i < len(title):
        ch = title[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and not ch.isspace():
            m = _WORD.match(title, i)
            if m:
                out.append((m.start(), m.end(), m.group(0)))
                i = m.end()
                continue
        i += 1
    return out


def _mid_words(title: str) -> list[str]:
    """Words that are not at the start of the title or of a sentence/subtitle."""
    return [w for s, _, w in _top_level_words(title) if s and not _STARTS.search(title[:s])]


def is_title_case(title: str) -> bool:
    words = [a for a in (_alpha(w) for w in _mid_words(title)) if len(a) >= 4]
    return bool(words) and sum(w[0].isupper() for w in words) > len(words) / 2


@dataclass(frozen=True)
class Lexicon:
    """What the file's own sentence-case titles say about words (lowercased): names and common words."""

    proper: frozenset[str] = frozenset()  # capitalised mid-sentence more often than not
    common: frozenset[str] = frozenset()  # lowercase mid-sentence at least as often as capitalised


def lexicon(titles: list[str]) -> Lexicon:
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for title in titles:
        if is_title_case(title):
            continue
        for w in _mid_words(title):
            a = _alpha(w)
            if a and a[0].isalpha() and not _is_acronym(w):
                (upper if a[0].isupper() else lower)[a.lower()] += 1
    return Lexicon(frozenset(w for w, n in upper.items() if n > lower[w]),
                   frozenset(w for w, n in lower.items() if n >= upper[w]))


def protect(title: str, lex: Lexicon = Lexicon()) -> str:
    """The title with proper nouns and acronyms in braces (existing brace groups left as they are)."""
    spans: list[tuple[int, int]] = []
    words = _top_level_words(title)
    taken: set[int] = set()
    for m in _PHRASE_RE.finditer(title):
        inside = [k for k, (s, e, _) in enumerate(words) if s < m.end() and e > m.start()]
        if inside:
            spans.append((words[inside[0]][0], words[inside[-1]][1]))
            taken.update(inside)
    sentence_case = not is_title_case(title)
    for k, (s, e, w) in enumerate(words):
        a = _alpha(w)
        if k in taken or not a or not a[0].isalpha():
            continue
        if _is_acronym(w):
            spans.append((s, e))
            continue
        if not a[0].isupper() or not s or _STARTS.search(title[:s]):
            continue
        known = a in WORDS or a.lower() in lex.proper
        if known or (sentence_case and a.lower() not in lex.common):
            spans.append((s, e))
    if not spans:
        return title
    spans.sort()
    # adjacent protected words become one group: {United States}, {FDA Commissioner Scott Gottlieb}
    merged: list[list[int]] = []
    for s, e in spans:
        end = merged[-1][1] if merged else 0
        if merged and title[end:s].strip() == "" and (title[end - 1].isalnum() or title[end - 1] == "."):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        # punctuation stays outside the braces: (Mitragyna speciosa): -> ({Mitragyna speciosa}):
        while s < e and not title[s].isalnum():
            s += 1
        while e > s and not (title[e - 1].isalnum() or title[e - 1] == "."):
            e -= 1
        out.append(title[pos:s] + "{" + title[s:e] + "}")
        pos = e
    out.append(title[pos:])
    return "".join(out)


def entry(ref: Reference, lex: Lexicon = Lexicon()) -> str:
    """One entry: fixed field order, Unicode, protected title, braced corporate authors, ``--`` ranges."""
    names = [f for f in FIELD_ORDER if ref.get(f)] + sorted(f for f in ref.fields if f not in FIELD_ORDER and ref.get(f))
    width = max((len(n) for n in names), default=0)
    lines = [f"@{ref.entry_type}{{{ref.key},"]
    for n in names:
        value = ref.fields[n]
        if n in ("title", "booktitle"):
            value = protect(to_bib(value), lex)
        elif n == "author":  # a corporate author is already one brace group in references.bib: kept so
            value = " and ".join(to_bib(a) for a in ref.authors)
        elif n == "pages":
            value = bib_page(value)
        elif n not in ("url", "doi", "verified", "notice_url"):
            value = to_bib(value)
        lines.append(f"  {n.ljust(width)} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def dump(refs: list[Reference]) -> str:
    """The whole download: a header, then the entries sorted by key."""
    lex = lexicon([to_bib(r.get("title")) for r in refs])
    head = ("% Kratom Claims Review: every reference the review cites.\n"
            "% UTF-8. Proper nouns and acronyms in titles are braced so that styles keep their case.\n\n")
    return head + "\n\n".join(entry(r, lex) for r in sorted(refs, key=lambda r: r.key)) + "\n"
