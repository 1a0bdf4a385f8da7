"""The whole review loaded and checked: records, references and the article together."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import article as article_mod
from . import bib, claims, parallel, paths, records, searchlog, secondreview, setaside, snapshot, textfile, withdrawn
from .cache import LineCache, digest
from .claims import Claim  # by name: in Review the field `claims` hides the module
from .problems import Problem, Problems

ARTICLE = "source/article.txt"


@dataclass
class Review:
    """Everything the site is built from, and every problem found in it."""

    root: Path
    claims: list[Claim]
    refs: dict[str, bib.Reference]
    article: article_mod.Article | None
    problems: Problems = field(default_factory=Problems)
    set_aside: dict[int, str] = field(default_factory=dict)
    withdrawn: list[withdrawn.Withdrawal] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # "article", "bib": digests of their content ("" unknown)
    search_logs: dict[str, records.Record] = field(default_factory=dict)  # by claim id
    second_reviews: dict[str, records.Record] = field(default_factory=dict)  # by claim id
    _citing: dict[str, list[tuple[Claim, dict]]] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def citing(self, key: str) -> list[tuple[Claim, dict]]:
        """(claim, evidence item) pairs that cite ``key``, in claim order (indexed once: no quadratic scans)."""
        if self._citing is None:
            index: dict[str, list[tuple[Claim, dict]]] = {}
            for c in self.claims:
                for e in _items(c.data, "evidence"):
                    if isinstance(e, dict) and isinstance(e.get("ref"), str):
                        index.setdefault(e["ref"], []).append((c, e))
            self._citing = index
        return self._citing.get(key, [])


def _items(data: dict, name: str) -> list:
    """The list in field ``name`` of a record, or [] when it is missing or not a list (the schema says so)."""
    value = data.get(name)
    return value if isinstance(value, list) else []


def load(root: Path) -> Review:
    """Load and check everything under ``root``; problems are collected, never raised."""
    # the records make millions of small objects that all stay alive: Python's cycle collector would
    # walk them again and again as they pile up (a third of the time); they hold no cycles
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(root)
    finally:
        if enabled:
            gc.enable()


def _load(root: Path) -> Review:
    problems = Problems()
    store = LineCache(root, "records")  # checked records and parsed references by content (see kcr.cache)
    if store.enabled:
        snapshot.restore(root, _PAIRS, _BIB_SEEN)  # what the last run knew, in a new process
    art = None
    art_path = root / ARTICLE
    text = None
    if art_path.exists() or art_path.is_symlink():
        text = textfile.read(art_path, ARTICLE, problems, 1_000_000)
    else:
        problems.add(ARTICLE, 1, 1, "the reviewed article is missing", f"restore {ARTICLE}")
    if text is not None:
        art = article_mod.parse(text)
    bib_path = root / bib.PATH
    refs: dict[str, bib.Reference] = {}
    bib_key = ""  # names references.bib's content when it came through the cache
    bib_read = False
    bib_text: str | None = None
    sig: tuple[int, ...] | None = None
    broken: set[str] = set()  # keys of entries that are in references.bib but could not be parsed
    if bib_path.exists() or bib_path.is_symlink():
        remembered = _remembered_bib(bib_path, store)
        if remembered is not None:  # unchanged since this process (or the last, see kcr.snapshot) read it
            bib_key, *result = remembered
            refs = _use_bib(tuple(result), problems, broken)
            bib_read = True
        else:
            sig = records._signature(bib_path)
            bib_text = textfile.read(bib_path, bib.PATH, problems, bib.MAX_BYTES)
    else:
        problems.add(bib.PATH, 1, 1, "references.bib is missing", "create it (it may start empty)")
    text_key = _bib_key(bib_text) if bib_text is not None and store.enabled else ""
    if store.enabled:  # records and references new to the cache: checked in other processes, when many
        parallel.prefetch(root, store, bib_text, text_key)
    if bib_text is not None:
        refs, bib_key = _parse_bib(bib_text, problems, broken, store, sig, bib_path, text_key)
        bib_read = True
    skipped: list[str] = []
    loaded = claims.load_all(root, problems, skipped, store)
    review = Review(root, loaded, refs, art, problems)
    used: set[tuple] | None = set() if store.enabled else None
    art_key = digest(text) if text is not None else ""
    review.keys = {"article": art_key, "bib": bib_key}
    for claim in loaded:
        problems.extend(claim.own)  # claims.semantic_problems, run when the record was loaded
        _memo(("quotes", claim.key, art_key), used, problems, _quote_problems, review, claim)
        if bib_read:  # when references.bib cannot be read, every citation would be reported as missing
            _memo(("evidence", claim.key, bib_key), used, problems, _evidence_problems, review, claim, broken)
    site = paths.site_names(root)
    _id_problems(review, site)
    _key_problems(review, site)
    for claim in loaded:
        _memo(("retraction", claim.key, bib_key), used, problems, _retraction_problems, review, claim)
    review.withdrawn = withdrawn.load(root, problems)
    _withdrawn_problems(review, site)
    _research_problems(review, store, used, complete=not skipped)
    if not skipped and not any(c.evidence_unreadable for c in loaded):
        _uncited_references(review)  # a record that could not be read may cite any reference
    if art is not None:
        review.set_aside = setaside.load(root, art, problems)
    _symlink_problems(root, problems)
    store.save()
    keys = store.used()
    records.keep_only(keys)
    if used is not None:
        for key in [k for k in _PAIRS if k not in used]:
            del _PAIRS[key]
        snapshot.save(root, set(keys), _PAIRS, used, _BIB_SEEN)
    # file names and YAML escapes can carry newlines, terminal escapes or bidirectional controls:
    # every message is one line of visible text
    problems[:] = [Problem(textfile.printable(p.path), p.line, p.col, _short(textfile.printable(p.what)),
                           textfile.printable(p.todo)) for p in problems]
    problems.sort()
    return review


# the last references.bib this process parsed: (file, lstat signature, cache key, entries, problems, broken keys)
_BIB: list[tuple[str, tuple[int, ...], str, dict[str, bib.Reference], list[Problem], set[str]]] = []


# references.bib's lstat signature and cache key, by file, when this process or the last (kcr.snapshot) read it
_BIB_SEEN: dict[str, tuple[tuple[int, ...], str]] = {}


def _remembered_bib(path: Path, store: LineCache) -> tuple | None:
    """(cache key, entries, problems, broken keys) of references.bib as this process, or the last one,
    last parsed it, if the file has not changed since."""
    if not store.enabled:
        return None
    sig = records._signature(path)
    if sig is None:
        return None
    if _BIB and _BIB[0][:2] == (str(path), sig):
        if not store.keep(_BIB[0][2]):  # still this run's entry: kept in the cache and the snapshot
            store.get(_BIB[0][2])
        return _BIB[0][2:]
    seen = _BIB_SEEN.get(str(path))
    if seen is None or seen[0] != sig:
        return None
    hit = bib.from_json(store.get(seen[1]))
    if hit is None:
        store.discard(seen[1])
        return None
    _BIB[:] = [(str(path), sig, seen[1], *hit)]
    return _BIB[0][2:]


def _use_bib(result: tuple, problems: Problems, broken: set[str]) -> dict[str, bib.Reference]:
    refs, found, lost = result
    problems.extend(found)
    broken |= lost
    return dict(refs)


def _parse_bib(text: str, problems: Problems, broken: set[str], store: LineCache,
               sig: tuple[int, ...] | None = None, path: Path | None = None,
               key: str | None = None) -> tuple[dict[str, bib.Reference], str]:
    """:func:`bib.parse`, or its result for the same text from the cache (entries, problems, broken keys);
    and the cache key ("" without a cache; ``key``: already worked out)."""
    if key is None:
        key = _bib_key(text) if store.enabled else ""
    hit = bib.from_json(store.get(key)) if key else None
    if hit is None:
        if key:
            store.discard(key)
        local = Problems()
        lost: set[str] = set()
        refs = bib.parse(text, local, broken=lost)
        hit = (refs, list(local), lost)
        if key:
            store.put(key, bib.to_json(refs, local, lost))
    if key and sig is not None and time.time_ns() - max(sig[2], sig[3]) > records.RACY_NS:
        _BIB[:] = [(str(path), sig, key, *hit)]
        _BIB_SEEN[str(path)] = (sig, key)
        records.READ[0] += snapshot.STALE_LIMIT  # read and hashed again in every process: worth a new snapshot
    return _use_bib(hit, problems, broken), key


def _bib_key(text: str) -> str:
    """The cache key of references.bib's parsed entries and problems."""
    return digest(records.fingerprint(), bib.PATH, text)


# in this process: what each check of one record against others found, by the cache keys of all it reads
_PAIRS: dict[tuple, list[Problem]] = {}


def _memo(key: tuple, used: set[tuple] | None, problems: Problems, run: Callable[..., None], *args: Any) -> None:
    """``run(*args, problems)``, or what it added last time for the same ``key`` (without a cache: ``used``
    is None, or when a part of the key is unknown)."""
    if used is None:
        run(*args, problems)
        return
    hit = _PAIRS.get(key)
    if hit is None:
        if not all(key):
            run(*args, problems)
            return
        records.READ[0] += 1  # something the snapshot does not hold yet
        local = Problems()
        run(*args, local)
        hit = _PAIRS[key] = list(local)
    used.add(key)
    if hit:
        problems.extend(hit)


def _short(what: str, limit: int = 400) -> str:
    """``what`` cut to ``limit`` characters: a message quoting a 60,000-character value stays readable."""
    return what if len(what) <= limit else what[: limit - 3] + "..."


LINK_FREE = ("docs", "overrides", "source", "schema", "hooks", "research")


def _symlink_problems(root: Path, problems: Problems) -> None:
    """Symbolic links in the folders the site is built from could publish files from anywhere."""
    for folder in LINK_FREE:
        base = root / folder
        if base.is_symlink():
            problems.add(folder, 1, 1, f"{folder}/ is a symbolic link", "replace it with a real folder")
            continue
        # scandir: the link test needs no extra system call a file; the entries are not sorted (the problems
        # are, at the end of the check): docs/ holds tens of thousands of generated pages at thousands of claims
        stack = [str(base)] if base.is_dir() else []
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        problems.add(Path(entry.path).relative_to(root).as_posix(), 1, 1,
                                     "symbolic link in a folder the site is built from",
                                     "replace the link with a regular file; links could publish files from outside "
                                     "the project")
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)


def _quote_problems(review: Review, claim: Claim, problems: Problems) -> None:
    if review.article is None:
        return
    for i, q in enumerate(_items(claim.data, "quotes")):
        if not isinstance(q, dict) or not isinstance(q.get("text"), str):
            continue
        found = review.article.find(q["text"])
        shown = q["text"] if len(q["text"]) <= 60 else q["text"][:57] + "..."
        if found is None:
            problems.add(claim.path, *claim.pos("quotes", i, "text"), f"quote not found in the article: \"{shown}\"",
                                f"copy the words exactly from {ARTICLE} (curly ’ and straight ' differ)")
        elif isinstance(q.get("section"), str) and found != q["section"]:
            sline, scol = claim.pos("quotes", i, "section")
            problems.add(claim.path, sline, scol, f"quote is in section '{found}', not '{q['section'][:80]}'",
                                f"set section: {found}")


def _evidence_problems(review: Review, claim: Claim, broken: set[str], problems: Problems) -> None:
    for i, item in enumerate(_items(claim.data, "evidence")):
        ref = item.get("ref") if isinstance(item, dict) else None
        # a malformed key is reported by the schema; an entry that failed to parse, by the BibTeX check
        if isinstance(ref, str) and bib.KEY_RE.match(ref) and ref not in review.refs and ref not in broken:
            line, col = claim.pos("evidence", i, "ref")
            problems.add(claim.path, line, col, f"evidence cites '{item['ref']}', which is not in references.bib",
                                "add the entry to references.bib (kcr add-ref) or fix the key")


def _id_problems(review: Review, site: frozenset[str]) -> None:
    """Ids and former ids: unique, not the record's own id, no cycle of renames, no name the site or Windows reserves."""
    owner: dict[str, str] = {}
    current = {c.id: c for c in review.claims if isinstance(c.id, str) and c.id}
    # the usual case, at a set look-up a value: every id and former id is different, no former id is an
    # id, and no name is one the site reserves; then nothing below can be reported
    every = [c.id for c in review.claims if isinstance(c.id, str) and c.id]
    former = [x for c in review.claims for x in c.former if x]
    every += former
    if (len(set(every)) == len(every) and not any(x in current for x in former)
            and not any(paths.name_problem(x, site) for x in every)):
        return
    for claim in review.claims:
        ids: list[tuple[str | tuple[str, int], str]] = [("id", claim.id)] if isinstance(claim.id, str) else []
        ids += [(("former_ids", i), x) for i, x in enumerate(_items(claim.data, "former_ids")) if isinstance(x, str)]
        for where, value in ids:
            if not value:
                continue
            path = (where,) if isinstance(where, str) else where
            def at(path: tuple[Any, ...] = path, claim: Claim = claim) -> tuple[int, int]:
                return claim.pos(*path)  # positions are read only when a problem is reported
            kind = "id" if where == "id" else "former id"
            bad = paths.name_problem(value, site)
            if bad and claims.ID_RE.match(value):  # a malformed id is reported by the schema
                review.problems.add(claim.path, *at(), f"{kind} '{value}' {bad[0]}", bad[1])
            if where != "id" and value == claim.id:
                review.problems.add(claim.path, *at(), f"former id '{value}' is the record's own id",
                                    "remove it; former_ids lists only ids the claim had before")
                continue
            other = current.get(value)
            if where != "id" and other is not None and other is not claim and claim.id in _items(other.data, "former_ids"):
                review.problems.add(claim.path, *at(),
                                    f"former id '{value}' is the id of {other.path}, which lists '{claim.id}' as its "
                                    "former id (a cycle of renames)",
                                    "keep each id in one record: an old id belongs only in the former_ids of the "
                                    "record that replaced it")
                continue
            if value in owner and owner[value] != claim.path:
                review.problems.add(claim.path, *at(), f"id '{value}' is already used by {owner[value]}",
                                    "choose another id; ids and former ids must be unique")
            owner.setdefault(value, claim.path)


def _key_problems(review: Review, site: frozenset[str]) -> None:
    """Citation keys are page names too (references/<key>/)."""
    for key, ref in review.refs.items():
        bad = paths.name_problem(key, site)
        if bad and bib.KEY_RE.match(key):
            review.problems.add(bib.PATH, ref.line, 1, f"citation key '{key}' {bad[0]}", bad[1])


def _retraction_problems(review: Review, claim: Claim, problems: Problems) -> None:
    """A retracted work cannot hold up an accurate or mostly-accurate verdict."""
    verdict = claim.data.get("verdict")
    if verdict not in ("accurate", "mostly-accurate"):
        return
    for i, item in enumerate(_items(claim.data, "evidence")):
        if not (isinstance(item, dict) and item.get("stance") == "supports" and isinstance(item.get("ref"), str)):
            continue
        ref = review.refs.get(item["ref"])
        if ref is not None and ref.notice_type == "retraction":
            line, col = claim.pos("evidence", i, "ref")
            problems.add(claim.path, line, col, f"verdict '{verdict}' rests on '{ref.key}', which has been retracted",
                         "a retracted work supports nothing: recode it as context (say it was retracted in "
                         "the finding) and reconsider the verdict")


def _withdrawn_problems(review: Review, site: frozenset[str]) -> None:
    ids = {c.id: c.path for c in review.claims if isinstance(c.id, str)}
    former = {x: c.path for c in review.claims for x in c.former}
    withdrawn.check(review.withdrawn, ids, former, review.problems)
    for w in review.withdrawn:
        bad = paths.name_problem(w.id, site)
        if bad:
            line, col = w.pos("id")
            review.problems.add(withdrawn.PATH, line, col, f"withdrawn id '{w.id}' {bad[0]}", bad[1])


def _research_problems(review: Review, store: LineCache, used: set[tuple] | None, complete: bool) -> None:
    """Search logs and second reviews: each checked against its claim; every checkable claim has both."""
    review.search_logs = searchlog.load(review.root, review.problems, store)
    review.second_reviews = secondreview.load(review.root, review.problems, store)
    # logs are named after the record's file; a record whose file name is wrong is found by its id
    by_id = {c.id: c for c in review.claims if isinstance(c.id, str) and claims.ID_RE.match(c.id)}
    by_id |= {c.stem: c for c in review.claims}
    def other(record: records.Record) -> str:  # the claim a log or review is checked against
        claim_id = record.data.get("claim")
        claim = by_id.get(claim_id) if isinstance(claim_id, str) else None
        return "-" if claim is None else claim.key

    for log in review.search_logs.values():
        if complete or log.stem in by_id:  # an unreadable record may be the one a log is for
            _memo(("log", log.key, other(log)), used, review.problems, searchlog.check, log, by_id)
    for rev in review.second_reviews.values():
        if complete or rev.stem in by_id:
            _memo(("second", rev.key, other(rev)), used, review.problems, secondreview.check, rev, by_id)
    for claim in review.claims:
        if claim.data.get("checkable") is not True or claim.id != claim.stem:
            continue
        if claim.id not in review.search_logs:
            review.problems.add(claim.path, 1, 1, "checkable claim has no search log",
                                f"add {searchlog.DIR}/{claim.id}.yaml (see the methodology)")
        if claim.id not in review.second_reviews:
            review.problems.add(claim.path, 1, 1, "checkable claim has no second review",
                                f"add {secondreview.DIR}/{claim.id}.yaml (see the methodology)")


def _uncited_references(review: Review) -> None:
    cited = set().union(*(c.cited for c in review.claims))
    for key, ref in review.refs.items():
        if key not in cited and bib.KEY_RE.match(key):  # a malformed key is reported already
            review.problems.add(bib.PATH, ref.line, 1, f"reference '{key}' is cited by no claim",
                                "cite it from a claim's evidence, or remove it")
