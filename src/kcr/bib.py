"""references.bib: parsed with bibtexparser 2.x, then checked strictly.

bibtexparser never raises: a missing comma silently merges two fields, a
duplicate field makes the entry vanish into ``failed_blocks``, an undefined
``@string`` stays literal.  So entries are parsed *without* its middlewares
(raw values) and every raw value is checked here: it must be one braced or
quoted group, or a bare number.  Macros and ``#`` concatenation are refused.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from .problems import Problem, Problems
from .textfile import is_date, skeleton

PATH = "references.bib"
MAX_BYTES = 16_000_000  # ~30,000 entries; enforced before parsing
MAX_FIELD = 2_000

KEY_RE = re.compile(r"[a-z0-9]+\Z")
DOI_RE = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+\Z")
PMID_RE = re.compile(r"[1-9][0-9]{0,8}\Z")
YEAR_RE = re.compile(r"(1[89]|20)[0-9]{2}\Z")
VERIFIED_RE = re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s<>\"'`{}|\\^]*)?\Z")
URL_RE = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s<>\"'`{}|\\^]*)?\Z")

_HEADER = re.compile(r"\s*@\s*[A-Za-z]+\s*[{(]\s*([^\s,{}()=\"#%']+)\s*,")

ENTRY_TYPES = {"article", "misc", "book", "incollection", "report", "techreport", "online", "inproceedings"}
CONTAINERS = ("journal", "publisher", "institution", "organization", "booktitle")
KNOWN_FIELDS = {
    "title", "author", "year", "journal", "volume", "number", "pages", "doi", "pmid", "pmcid",
    "url", "publisher", "institution", "organization", "booktitle", "month", "note", "verified",
    "urldate", "edition", "address", "issn", "type",
    # provenance and notices (review second edition): the kind of page `verified` points to,
    # a title supplied by us in [square brackets], and a retraction/correction/concern notice
    "verified_class", "title_supplied", "notice_type", "notice_url", "notice_date",
}


# the kind of page `verified` points to (see the methodology: provenance classes)
VERIFIED_CLASSES = ("publisher", "pubmed", "pmc", "agency", "repository", "aggregator", "advocacy")
VERIFIED_LABELS = {
    "publisher": "publisher's page", "pubmed": "PubMed record", "pmc": "PubMed Central full text",
    "agency": "agency's page", "repository": "repository copy", "aggregator": "aggregator record",
    "advocacy": "advocacy site",
}
NOTICE_TYPES = ("retraction", "correction", "expression-of-concern")
NOTICE_LABELS = {"retraction": "Retracted", "correction": "Corrected", "expression-of-concern": "Expression of concern"}
# host → the class its pages are; a host ending in one of AGENCY_SUFFIXES is an agency's
HOST_CLASSES = {
    "pubmed.ncbi.nlm.nih.gov": "pubmed", "pmc.ncbi.nlm.nih.gov": "pmc",
    # NLM's other addresses for the same PubMed records
    "pubmed.gov": "pubmed", "www.pubmed.gov": "pubmed", "pubmedhh.nlm.nih.gov": "pubmed",
    "doi.org": "publisher", "dx.doi.org": "publisher",
    # citation indexes and document-sharing sites: records copied from elsewhere
    "ouci.dntb.gov.ua": "aggregator", "www.x-mol.com": "aggregator", "zendy.io": "aggregator",
    "docslib.org": "aggregator", "www.scribd.com": "aggregator", "referencecitationanalysis.com": "aggregator",
    "www.semanticscholar.org": "aggregator", "www.researchgate.net": "aggregator",
}
PATH_CLASSES = {("www.ncbi.nlm.nih.gov", "/pmc/"): "pmc", ("ncbi.nlm.nih.gov", "/pmc/"): "pmc",
                ("www.ncbi.nlm.nih.gov", "/pubmed/"): "pubmed"}
AGENCY_SUFFIXES = (".gov", ".gov.uk", ".gov.au", ".gc.ca", ".europa.eu", ".who.int", ".mil")


def expected_class(url: str) -> str | None:
    """The verified_class a page's address implies, or None when the address does not tell."""
    m = re.match(r"https?://([^/:]+)(?::[0-9]+)?(/[^?#]*)?", url.strip())
    if not m:
        return None
    host, path = m.group(1).lower(), (m.group(2) or "/")
    for (h, prefix), cls in PATH_CLASSES.items():
        if host == h and path.startswith(prefix):
            return cls
    if host in HOST_CLASSES:
        return HOST_CLASSES[host]
    if host.endswith("ncbi.nlm.nih.gov"):
        return None  # another NCBI database: not an agency statement, not a PubMed record either
    if host.endswith(AGENCY_SUFFIXES) or host == "who.int":
        return "agency"
    return None


@dataclass
class Reference:
    """One checked BibTeX entry."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    # fields already reported as faulty: not reported again as missing
    faulty: set[str] = field(default_factory=set)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def doi(self) -> str:
        return normalise_doi(self.get("doi"))

    @property
    def pmid(self) -> str:
        return self.get("pmid").strip()

    @property
    def authors(self) -> list[str]:
        """Author names as written (braces kept), split on top-level ' and '."""
        return split_authors(self.get("author"))

    @property
    def verified_class(self) -> str:
        return self.get("verified_class").strip()

    @property
    def title_supplied(self) -> bool:
        return self.get("title_supplied").strip() == "true"

    @property
    def notice_type(self) -> str:
        return self.get("notice_type").strip()

    @property
    def container(self) -> str:
        for name in CONTAINERS:
            if self.get(name):
                return clean(self.get(name))
        return ""


def clean(value: str) -> str:
    """A field value as plain text: TeX grouping braces dropped, whitespace collapsed."""
    return " ".join(value.replace("{", "").replace("}", "").split())


def split_authors(raw: str) -> list[str]:
    """Split a BibTeX author list on ' and ' outside braces."""
    if "{" not in raw:  # the common case, without the character loop
        return [p.strip() for p in re.split(" and ", raw, flags=re.I) if p.strip()]
    parts, depth, start, i = [], 0, 0, 0
    while i < len(raw):
        ch = raw[i]
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and raw[i:i + 5].lower() == " and " :
            parts.append(raw[start:i])
            start = i = i + 5
            continue
        i += 1
    parts.append(raw[start:])
    return [p.strip() for p in parts if p.strip()]


def normalise_doi(doi: str) -> str:
    """Lowercase, with any ``https://doi.org/`` or ``doi:`` prefix removed."""
    d = doi.strip()
    d = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", d, flags=re.I)
    return d.lower()


def normalise_title(title: str) -> str:
    """Letters and digits only, lowercase, accents removed, look-alike letters read as the Latin
    letters they resemble (so a title retyped with a Cyrillic 'а' is still a duplicate)."""
    t = unicodedata.normalize("NFKD", skeleton(clean(title))).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", t.lower())


def _raw_value_problem(raw: str) -> str | None:
    """Why a raw BibTeX value is not one plain group, or None if it is fine."""
    v = raw.strip()
    if not v:
        return "has no value"
    if re.fullmatch(r"[0-9]+", v):
        return None
    if v.startswith("{"):
        depth = 0
        for i, ch in enumerate(v):
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                rest = v[i + 1:].strip()
                if not rest:
                    return None
                if rest.startswith("#"):
                    return "uses '#' concatenation"
                return "runs into the next field (a comma is probably missing)"
        return "has an unclosed brace"  # pragma: no cover - the parser rejects this first
    if v.startswith('"'):
        end = v.find('"', 1)
        rest = v[end + 1:].strip() if end > 0 else ""
        if not rest:
            depth = 0
            for ch in v:
                depth += ch == "{"
                depth -= ch == "}"
                if depth < 0:
                    break
            return "has an unbalanced brace" if depth else None
        if rest.startswith("#"):
            return "uses '#' concatenation"
        return "runs into the next field (a comma is probably missing)"
    if "#" in v:
        return "uses '#' concatenation"
    return f"uses the undefined or unsupported @string macro '{v.split()[0]}'"


def parse(text: str, problems: Problems, path: str = PATH, *, check: bool = True,
          broken: set[str] | None = None) -> dict[str, Reference]:
    """Parse and check ``text``; add every problem found; return entries by key.

    With ``check=False`` only the BibTeX structure is checked, not the field values
    (used by ``kcr add-ref``, which normalises the values first).  The keys of
    entries that could not be parsed at all (reported here) are added to ``broken``.
    """
    broken = set() if broken is None else broken
    if len(text.encode("utf-8")) > MAX_BYTES:
        problems.add(path, 1, 1, f"file is larger than {MAX_BYTES:,} bytes",
                     "split out unused entries; the limit keeps builds fast")
        return {}
    # bibtexparser logs each failed block as a warning; the failures are reported here instead
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        logger.setLevel(level)
    refs: dict[str, Reference] = {}
    folded: dict[str, str] = {}
    for block in library.blocks:
        line = block_line(block)
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.add(path, line, 1, f"duplicate citation key '{block.key}'",
                         "give each entry its own key, or remove the repeated entry")
            continue
        if isinstance(block, (DuplicateFieldKeyBlock, ParsingFailedBlock)):
            m = _HEADER.match(getattr(block, "raw", "") or "")
            if m:
                broken.add(m.group(1))
        if isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys)) if hasattr(block, "duplicate_keys") else "a field"
            problems.add(path, line, 1, f"entry repeats the field {names}",
                         "keep one copy of each field; bibtexparser drops the whole entry otherwise")
            continue
        if isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
            msg = " ".join(reason.split())
            problems.add(path, line, 1, f"BibTeX block could not be parsed ({msg})",
                         "check braces, quotes and the '@type{key,' header of this entry")
            continue
        if isinstance(block, String):
            problems.add(path, line, 1, f"@string macro '{block.key}' is not supported",
                         "write the value in braces in each entry instead")
            continue
        if isinstance(block, Preamble):
            problems.add(path, line, 1, "@preamble is not supported", "remove it")
            continue
        if isinstance(block, (ExplicitComment, ImplicitComment)):
            if isinstance(block, ImplicitComment) and block.comment.strip().startswith("@"):
                problems.add(path, line, 1, "text that looks like an entry was not parsed",
                             "check the '@type{key,' header of this entry")
            continue
        if not isinstance(block, Entry):  # pragma: no cover - exhaustive over bibtexparser blocks
            problems.add(path, line, 1, f"unexpected BibTeX block {type(block).__name__}", "remove it")
            continue
        ref = _entry(block, problems, path, check)
        if ref is None:
            continue
        low = ref.key.lower()
        if low in folded:
            problems.add(path, line, 1, f"citation key '{ref.key}' differs only in case from '{folded[low]}'",
                         "use one lowercase key per work")
            continue
        folded[low] = ref.key
        refs[ref.key] = ref
    if check:
        _duplicates(refs, problems, path)
    return refs


def block_line(block: Block) -> int:
    """The line (from 1) where a parsed block starts; bibtexparser counts from 0 and sets it on every block it parses."""
    if block.start_line is None:  # pragma: no cover - only blocks built by hand have no line
        raise ValueError(f"{type(block).__name__} without a start line: not read from a file")
    return block.start_line + 1


_FIELD_START = re.compile(r"(?:^|[,\s{])([A-Za-z][A-Za-z0-9_:-]*)\s*=", re.M)


def _field_lines(raw: str, start: int) -> dict[str, int]:
    """Line of the first 'name =' of each field in an entry's raw text (one pass, not one search a field)."""
    out: dict[str, int] = {}
    line, pos = start, 0
    for m in _FIELD_START.finditer(raw):
        line += raw.count("\n", pos, m.start(1))
        pos = m.start(1)
        out.setdefault(m.group(1).lower(), line)
    return out


def _field_line(raw: str, start: int, name: str, lines: dict[str, int] | None = None) -> int:
    table = lines if lines is not None else _field_lines(raw, start)
    return table.get(name.lower(), start)


def _entry(block: Entry, problems: Problems, path: str, check: bool = True) -> Reference | None:
    line = block_line(block)
    key = block.key
    if not key.strip():
        problems.add(path, line, 1, "entry has no citation key",
                     "add a key after '@type{', of the pattern familyname + year + first title word, e.g. 'smith2020kratom'")
    elif not KEY_RE.match(key):
        problems.add(path, line, 1, f"citation key '{key}' is not lowercase letters and digits",
                     "use the pattern familyname + year + first title word, e.g. 'smith2020kratom'")
    etype = block.entry_type.lower()
    if etype not in ENTRY_TYPES:
        problems.add(path, line, 1, f"entry type '@{block.entry_type}' is not supported",
                     f"use one of @{', @'.join(sorted(ENTRY_TYPES))}")
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    faulty: set[str] = set()
    field_table = _field_lines(block.raw or "", line)
    for f in block.fields:
        name = f.key.lower()
        if name in lines:  # bibtexparser only catches repeats spelt the same way (year, YEAR)
            problems.add(path, line, 1, f"entry repeats the field {name}",
                         "keep one copy of each field; readers disagree on which one counts")
            faulty.add(name)
            continue
        fl = _field_line(block.raw or "", line, f.key, field_table)
        lines[name] = fl
        raw = f.value if isinstance(f.value, str) else str(f.value)
        why = _raw_value_problem(raw)
        if why:
            problems.add(path, fl, 1, f"field '{name}' of '{key}' {why}",
                         "write the value as one {braced} group and end each field with a comma")
            # the next fields may have been swallowed: do not also report them as missing
            faulty.add("*")
            continue
        value = raw.strip()
        if value[:1] in "{\"":
            value = value[1:-1]
        if len(value) > MAX_FIELD:
            problems.add(path, fl, 1, f"field '{name}' of '{key}' is longer than {MAX_FIELD} characters",
                         "shorten it; abstracts do not belong in references.bib")
            faulty.add(name)
            continue
        if name not in KNOWN_FIELDS:
            problems.add(path, fl, 1, f"unknown field '{name}' in '{key}'",
                         f"use only: {', '.join(sorted(KNOWN_FIELDS))}")
            continue
        fields[name] = value
    ref = Reference(key, etype, fields, line, lines, faulty)
    if check:
        check_fields(ref, problems, path)
    # kept even when faulty, so claims citing it do not also report a missing key
    return ref


def check_fields(ref: Reference, problems: Problems, path: str) -> bool:
    ok = True
    where = ref.line

    if "*" in ref.faulty:  # a value ran into the next fields: what looks missing may be swallowed
        return False

    def need(name: str, todo: str) -> None:
        nonlocal ok
        if not clean(ref.get(name)) and name not in ref.faulty:
            problems.add(path, where, 1, f"'{ref.key}' has no {name}", todo)
            ok = False

    need("title", "add the title exactly as the source page shows it")
    need("year", "add the year of publication")
    if not [a for a in ref.authors if clean(a)] and "author" not in ref.faulty:
        problems.add(path, where, 1, f"'{ref.key}' has no author",
                     "add the authors (or the organisation, in double braces) as the source page shows them")
        ok = False
    if not ref.container and not ref.faulty.intersection(CONTAINERS):
        problems.add(path, where, 1, f"'{ref.key}' has no journal, publisher or institution",
                     "add the journal (articles) or the publishing organisation")
        ok = False
    year = ref.get("year")
    if year and not YEAR_RE.match(year.strip()):
        problems.add(path, ref.field_lines.get("year", where), 1, f"year '{year}' of '{ref.key}' is not a 4-digit year",
                     "write the year as four digits, e.g. 2021")
        ok = False
    doi = ref.get("doi")
    if doi and not DOI_RE.match(normalise_doi(doi)):
        problems.add(path, ref.field_lines.get("doi", where), 1, f"malformed DOI '{doi}' in '{ref.key}'",
                     "write the bare DOI, e.g. 10.1000/xyz123 (no URL, no markup)")
        ok = False
    elif doi and doi != normalise_doi(doi):
        problems.add(path, ref.field_lines.get("doi", where), 1, f"DOI '{doi}' of '{ref.key}' is not normalised",
                     f"write it as '{normalise_doi(doi)}' (lowercase, no URL prefix)")
        ok = False
    pmid = ref.get("pmid")
    if pmid and not PMID_RE.match(pmid.strip()):
        problems.add(path, ref.field_lines.get("pmid", where), 1, f"malformed PMID '{pmid}' in '{ref.key}'",
                     "write the PubMed ID as digits only, without leading zeros or a prefix")
        ok = False
    for name, pattern in (("url", URL_RE), ("verified", VERIFIED_RE)):
        value = ref.get(name)
        if value and not pattern.match(value.strip()):
            problems.add(path, ref.field_lines.get(name, where), 1,
                         f"field '{name}' of '{ref.key}' is not a plain {'https' if name == 'url' else 'http(s)'} URL",
                         "use a full https:// address (no javascript:, data: or protocol-relative links)")
            ok = False
    if not (doi or pmid or ref.get("url")) and not ref.faulty.intersection({"doi", "pmid", "url"}):
        problems.add(path, where, 1, f"'{ref.key}' has no DOI, PMID or URL",
                     "add the DOI or PMID; a URL only for documents that have neither (e.g. regulator pages)")
        ok = False
    if not ref.get("verified") and "verified" not in ref.faulty:
        problems.add(path, where, 1, f"'{ref.key}' does not say where it was verified",
                     "add verified = {https://...}: the PubMed, PMC, journal or agency page you checked it against")
        ok = False
    ok = _provenance(ref, problems, path) and ok
    ok = _supplied_title(ref, problems, path) and ok
    ok = _notice(ref, problems, path) and ok
    return ok


def _provenance(ref: Reference, problems: Problems, path: str) -> bool:
    """verified_class: present, one of the seven, consistent with the page's address, never advocacy alone."""
    cls = ref.verified_class
    line = ref.field_lines.get("verified_class", ref.line)
    if not cls:
        if "verified_class" in ref.faulty:
            return False
        problems.add(path, ref.line, 1, f"'{ref.key}' does not say what kind of page it was verified against",
                     f"add verified_class = {{...}}: one of {', '.join(VERIFIED_CLASSES)}")
        return False
    if cls not in VERIFIED_CLASSES:
        problems.add(path, line, 1, f"verified_class '{cls}' of '{ref.key}' is not one of the seven classes",
                     f"use one of: {', '.join(VERIFIED_CLASSES)}")
        return False
    if cls == "advocacy":
        problems.add(path, line, 1, f"'{ref.key}' is verified only against an advocacy site; an advocacy site is "
                     "never enough on its own", "verify against PubMed or the publisher, and point verified and "
                     "verified_class at that page")
        return False
    verified = ref.get("verified").strip()
    implied = expected_class(verified) if VERIFIED_RE.match(verified) else None
    if implied and implied != cls:
        problems.add(path, line, 1, f"verified_class '{cls}' of '{ref.key}' does not match its verified page, "
                     f"which is {'an' if implied[0] in 'aeiou' else 'a'} {implied} page ({verified[:80]})",
                     f"set verified_class = {{{implied}}}, or point verified at the {cls} page you checked")
        return False
    if cls in ("pubmed", "pmc") and implied is None and VERIFIED_RE.match(verified):
        problems.add(path, line, 1, f"verified_class '{cls}' of '{ref.key}' but its verified page is not on "
                     f"{'PubMed' if cls == 'pubmed' else 'PubMed Central'} ({verified[:80]})",
                     "set verified_class to the kind of page verified points to")
        return False
    return True


def _supplied_title(ref: Reference, problems: Problems, path: str) -> bool:
    """title_supplied = {true} exactly when the title is written in [square brackets]."""
    raw = ref.get("title_supplied").strip()
    line = ref.field_lines.get("title_supplied", ref.line)
    if raw and raw != "true":
        problems.add(path, line, 1, f"title_supplied of '{ref.key}' is '{raw[:40]}'",
                     "write title_supplied = {true}, or remove the field")
        return False
    title = clean(ref.get("title"))
    bracketed = title.startswith("[") and title.endswith("]")
    tline = ref.field_lines.get("title", ref.line)
    if bracketed and not raw and title:
        problems.add(path, tline, 1, f"title of '{ref.key}' is in [square brackets] but title_supplied is not set",
                     "add title_supplied = {true} if we supplied the title (library practice), or remove the brackets")
        return False
    if raw and title and not bracketed:
        problems.add(path, line, 1, f"'{ref.key}' has title_supplied but its title is not in [square brackets]",
                     "write the supplied title in [square brackets], or remove title_supplied")
        return False
    return True


def _notice(ref: Reference, problems: Problems, path: str) -> bool:
    """A retraction, correction or expression of concern: its type, the https page it was seen on, its date."""
    ok = True
    kind, url, when = ref.notice_type, ref.get("notice_url").strip(), ref.get("notice_date").strip()
    if kind and kind not in NOTICE_TYPES:
        problems.add(path, ref.field_lines.get("notice_type", ref.line), 1,
                     f"notice_type '{kind[:40]}' of '{ref.key}' is not a known notice",
                     f"use one of: {', '.join(NOTICE_TYPES)}")
        ok = False
    if kind and not url and "notice_url" not in ref.faulty:
        problems.add(path, ref.field_lines.get("notice_type", ref.line), 1,
                     f"'{ref.key}' has a {kind} notice but no notice_url",
                     "add notice_url = {https://...}: the page where the notice was seen")
        ok = False
    if not kind and (url or when):
        name = "notice_url" if url else "notice_date"
        problems.add(path, ref.field_lines.get(name, ref.line), 1, f"'{ref.key}' has a {name} but no notice_type",
                     f"add notice_type = {{...}}: one of {', '.join(NOTICE_TYPES)}")
        ok = False
    if url and not URL_RE.match(url):
        problems.add(path, ref.field_lines.get("notice_url", ref.line), 1,
                     f"field 'notice_url' of '{ref.key}' is not a plain https URL",
                     "use a full https:// address (no javascript:, data: or protocol-relative links)")
        ok = False
    if when and not is_date(when):
        problems.add(path, ref.field_lines.get("notice_date", ref.line), 1,
                     f"notice_date '{when[:40]}' of '{ref.key}' is not a valid YYYY-MM-DD date",
                     "write it as YYYY-MM-DD, e.g. 2024-05-31")
        ok = False
    return ok


def _duplicates(refs: dict[str, Reference], problems: Problems, path: str) -> None:
    seen: dict[tuple[str, str], str] = {}
    for key in sorted(refs, key=lambda k: refs[k].line):
        ref = refs[key]
        for kind, value in (("DOI", ref.doi), ("PMID", ref.pmid), ("title", normalise_title(ref.get("title")))):
            if not value or (kind == "title" and len(value) < 20):
                continue
            other = seen.get((kind, value))
            if other:
                shown = ref.get("doi") if kind == "DOI" else ref.get("pmid") if kind == "PMID" else clean(ref.get("title"))
                problems.add(path, ref.line, 1, f"'{key}' has the same {kind} as '{other}' ({shown})",
                             f"cite '{other}' instead and remove this entry")
            else:
                seen[(kind, value)] = key


def to_json(refs: dict[str, Reference], problems: Problems, broken: set[str]) -> dict:
    """What :func:`parse` returned and reported, as JSON (for the cache: see :func:`from_json`)."""
    return {"refs": [[r.key, r.entry_type, r.fields, r.line, r.field_lines, sorted(r.faulty)] for r in refs.values()],
            "p": [[p.path, p.line, p.col, p.what, p.todo] for p in problems], "broken": sorted(broken)}


_STR = itertools.repeat(str)  # for map(isinstance, values, _STR): a check of every value without a Python call each


def from_json(value: object) -> tuple[dict[str, Reference], list[Problem], set[str]] | None:
    """The entries, problems and broken keys stored by :func:`to_json`, or None when ``value`` is not
    in that shape (a damaged cache entry is ignored)."""
    def need(ok: bool) -> None:
        if not ok:
            raise ValueError

    if not isinstance(value, dict):
        return None
    try:
        refs: dict[str, Reference] = {}
        for key, etype, fields, line, lines, faulty in value["refs"]:
            need(isinstance(key, str) and isinstance(etype, str) and type(line) is int)
            need(isinstance(fields, dict) and all(map(isinstance, fields, _STR))
                 and all(map(isinstance, fields.values(), _STR)))
            need(isinstance(lines, dict) and all(map(isinstance, lines, _STR))
                 and all(type(v) is int for v in lines.values()))
            need(isinstance(faulty, list) and all(isinstance(f, str) for f in faulty))
            refs[key] = Reference(key, etype, fields, line, lines, set(faulty))
        problems = []
        for path, line, col, what, todo in value["p"]:
            need(type(line) is int and type(col) is int and all(isinstance(x, str) for x in (path, what, todo)))
            problems.append(Problem(path, line, col, what, todo))
        broken = value["broken"]
        need(isinstance(broken, list) and all(isinstance(k, str) for k in broken))
    except (KeyError, TypeError, ValueError):
        return None
    return refs, problems, set(broken)
