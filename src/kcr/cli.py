"""The ``kcr`` command: check the records, build or serve the site."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from . import check, generate


def _described(command: Callable[[argparse.Namespace], int], more: str) -> str:
    """A command's help page: its docstring, then ``more`` (``python -OO`` removes docstrings)."""
    return (command.__doc__ or "") + more


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def cmd_check(args: argparse.Namespace) -> int:
    """Report every problem in the records, references and article; exit 1 if any."""
    review = check.load(_root(args))
    if args.against:
        from . import history

        history.check_versions(_root(args), args.against, review.claims, review.problems, review.withdrawn)
        review.problems.sort()
    for problem in review.problems:
        if args.format == "github":
            # GitHub Actions workflow command: shows as an annotation on the pull request's file and line
            msg = f"{problem.what} — {problem.todo}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            print(f"::error file={problem.path},line={problem.line},col={problem.col}::{msg}")
        else:
            print(problem)
    if review.problems:
        print(f"{len(review.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"OK: {len(review.claims)} claims, {len(review.refs)} references, no problems.")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate the pages into docs/ without running MkDocs."""
    try:
        out = generate.generate(_root(args))
    except generate.BuildError as exc:
        print(exc)
        print("Build refused: fix the problems above (kcr check lists them).", file=sys.stderr)
        return 1
    print(f"Generated {len(out.pages)} pages ({len(out.written)} written, {len(out.removed)} removed).")
    args.generated = out
    return 0


def _mkdocs(args: argparse.Namespace, verb: str, extra: list[str], before: Callable[[], None] | None = None) -> int:
    code = cmd_generate(args)
    if code and verb == "serve":
        print("Serving anyway: every page lists the problems until they are fixed.",
              file=sys.stderr)
    elif code:
        return code
    if before is not None:
        before()
    env = dict(os.environ)
    if verb == "build":  # the hook need not check and generate again (serve must, on every edit)
        env["KCR_PREGENERATED"] = str((_root(args) / "docs").resolve())
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    if "SOURCE_DATE_EPOCH" not in env:
        try:
            stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=_root(args),
                                   capture_output=True, text=True, check=True).stdout.strip()
            if stamp:
                env["SOURCE_DATE_EPOCH"] = stamp
        except (OSError, subprocess.CalledProcessError):
            pass
    cmd = [sys.executable, "-m", "mkdocs", verb, "-f", str(_root(args) / "mkdocs.yml"), *extra]
    if verb != "build":
        return subprocess.call(cmd, cwd=_root(args), env=env)
    from . import rebuild

    site = Path(extra[extra.index("--site-dir") + 1]) if "--site-dir" in extra else _root(args) / "site"
    stamp = rebuild.stamp(_root(args), site, env)
    if rebuild.reusable(_root(args), site, stamp):
        # the same configuration, theme, code and commit as the last build here: render only changed pages
        rebuild.remove_stale(site, getattr(args, "generated", generate.Output()).removed)
        cmd.append("--dirty")
        env["KCR_DIRTY_CHECKED"] = "1"
    rebuild.remember(_root(args), site, None)
    code = subprocess.call(cmd, cwd=_root(args), env=env)
    if code == 0:
        rebuild.remember(_root(args), site, stamp)
    return code


def cmd_build(args: argparse.Namespace) -> int:
    """Check, generate, then ``mkdocs build --strict``."""
    from . import sitedir

    extra = ["--strict"]
    if not args.site_dir:
        code = _mkdocs(args, "build", extra)
        if code == 0 and (_root(args) / "site").is_dir():
            sitedir.mark(_root(args) / "site")
        return code
    try:  # MkDocs empties the site folder: never let it be the project, a source folder or someone's files
        target = sitedir.check(_root(args), Path(args.site_dir))
    except sitedir.SiteDirError as exc:
        from .textfile import printable

        print(printable(str(exc)))
        print("Build refused; nothing was written or removed.", file=sys.stderr)
        return 1
    return _mkdocs(args, "build", [*extra, "--site-dir", str(target)], before=lambda: sitedir.mark(target))


def cmd_serve(args: argparse.Namespace) -> int:
    """Check, generate, then ``mkdocs serve`` (edits to records rebuild the pages)."""
    # --dirty: rebuild only the pages whose sources changed (the generator rewrites only changed pages)
    return _mkdocs(args, "serve", ["--livereload", "--dirty", "--dev-addr", args.dev_addr])


def cmd_add_ref(args: argparse.Namespace) -> int:
    """Add a reference from a BibTeX, RIS, CSL-JSON or PubMed (.nbib) file (no network lookup: works offline)."""
    from . import addref
    from .textfile import printable

    shown = printable(args.file)
    report = addref.Report()
    try:
        key = addref.add(_root(args), Path(args.file), args.verified, report, args.verified_class)
    except addref.InputError as exc:
        print(printable(f"{args.file}:{exc.line}:{exc.col}: {exc.what} — {exc.todo}"))
        print(f"{addref.UNTOUCHED}.")
        return 1
    except addref.BibWriteError as exc:
        print(f"references.bib: {exc}")
        return 1
    except addref.BibFileError as exc:
        for line in exc.problems:
            print(printable(line))
        print(exc.why)
        return 1
    except addref.AddRefError as exc:
        msg = "\n".join(printable(line) for line in str(exc).split("\n"))
        print(f"{shown}: {msg}")
        if addref.UNTOUCHED not in msg and "restored" not in msg:
            print(f"{addref.UNTOUCHED}.")
        return 1
    except KeyboardInterrupt:
        if report.written:
            print(f"Interrupted after '{report.key}' was added to references.bib.", file=sys.stderr)
        else:
            print(f"Interrupted; {addref.UNTOUCHED}.", file=sys.stderr)
        return 130
    print(f"Added '{key}' to references.bib. Cite it from a claim's evidence with: ref: {key}")
    if report.dropped:
        print(printable(f"dropped fields: {', '.join(report.dropped)} (references.bib keeps only the fields the "
                        "site uses)"))
    for note in report.notes:
        print(printable(f"note: {note}"))
    return 0


def cmd_new_claim(args: argparse.Namespace) -> int:
    """Write claims/<id>.yaml with every field and its allowed values."""
    import re

    from . import scaffold

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.id):
        print(f"'{args.id}' is not a valid id — use lowercase letters, digits and single hyphens")
        return 1
    from . import safewrite

    path = _root(args) / "claims" / f"{args.id}.yaml"
    if path.exists() or path.is_symlink():
        print(f"claims/{args.id}.yaml already exists — choose another id or edit that file")
        return 1
    if not path.parent.is_dir():
        print(f"claims/ does not exist in {_root(args)} — run kcr new-claim in the project folder or pass --root")
        return 1
    try:
        safewrite.create(path, scaffold.render(args.id, _root(args)).encode("utf-8"))
    except FileExistsError:  # created by another run meanwhile: never overwritten
        print(f"claims/{args.id}.yaml already exists — choose another id or edit that file")
        return 1
    except OSError as exc:
        print(f"claims/{args.id}.yaml could not be written ({exc.strerror}) — nothing was written")
        return 1
    print(f"Wrote claims/{args.id}.yaml. Fill in the TODOs, then run: kcr check")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan a built site for anything that could run or restyle a page (scripts, handlers, unsafe URLs,
    SVG animations, inline code not in the allow-list, a missing policy); exit 1 if any."""
    from . import scan

    findings = scan.scan(Path(args.site))
    for f in findings:
        print(f)
    print(f"{len(findings)} finding(s) in {args.site}.", file=sys.stderr)
    return 1 if findings else 0


def cmd_retractions(args: argparse.Namespace) -> int:
    """Report every cited work (by DOI or PMID) found in a Retraction Watch database export; exit 1 if any."""
    from . import retractions

    try:
        hits, rows = retractions.find(Path(args.csv), retractions.cited_refs(_root(args)))
    except retractions.RetractionsError as exc:
        print(f"{args.csv}: {exc}")
        return 2
    for hit in hits:
        print(hit)
    if hits:
        print(f"{len(hits)} cited work(s) found among {rows:,} Retraction Watch records.", file=sys.stderr)
        return 1
    print(f"OK: no cited work is among {rows:,} Retraction Watch records.")
    return 0


def cmd_allowlist(args: argparse.Namespace) -> int:
    """Show (or with --write, save) the allow-list of inline code and own script/style files for a built site."""
    from . import scan

    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site}: not a built site (no index.html) — build it first: kcr build --site-dir {site}")
        return 1
    text = scan.allowlist_source(scan.collect(site))
    if args.write:
        target = Path(__file__).with_name("site_allowlist.py")
        target.write_text(text, encoding="utf-8")
        print(f"Wrote {target}. Review the diff (git diff) before committing: every entry runs in readers' browsers.")
    else:
        print(text, end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kcr", description="Kratom Claims Review: records, checker and site.")
    parser.add_argument("--root", default=".", help="project folder (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help=cmd_check.__doc__)
    c.add_argument("--format", choices=["text", "github"], default="text",
                   help="github: print GitHub Actions annotations instead of path:line:col lines")
    c.add_argument("--against", metavar="REV",
                   help="also check that every record whose verdict or certainty changed since this git commit "
                        "has a new version (following renames through former_ids), and that every record deleted "
                        "since then is listed in source/withdrawn.yaml (CI passes the pull request's base branch)")
    c.set_defaults(func=cmd_check)
    sub.add_parser("generate", help=cmd_generate.__doc__).set_defaults(func=cmd_generate)
    b = sub.add_parser("build", help=cmd_build.__doc__)
    b.add_argument("--site-dir", help="where to write the site (default: site/); must be new, empty or an earlier "
                                      "build's output (it is emptied first), never the project or a source folder")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help=cmd_serve.__doc__)
    s.add_argument("--dev-addr", default="127.0.0.1:8000")
    s.set_defaults(func=cmd_serve)
    a = sub.add_parser("add-ref", help=cmd_add_ref.__doc__, description=_described(cmd_add_ref,
        " The entry is normalised (key familyname+year+firstword, DOI lowercased without URL prefix, PMID digits"
        " only, LaTeX decoded), refused if the same DOI, PMID or title is already present, and inserted at its"
        " sorted place in references.bib without changing any other line (under a lock, through a temporary file;"
        " a references.bib with problems is refused, not rewritten). Fields the site does not use are dropped and"
        " listed. Nothing is looked up online: check the details yourself against the page you name in"
        " --verified."))
    a.add_argument("file", help="a .bib (BibTeX/BibLaTeX), .ris, .json (CSL-JSON) or .nbib (PubMed) file holding "
                                "one work")
    a.add_argument("--verified", required=True,
                   help="the PubMed, PMC, journal or agency page on which you checked the details")
    a.add_argument("--verified-class", choices=["publisher", "pubmed", "pmc", "agency", "repository", "aggregator"],
                   help="the kind of page --verified is (taken from its address for PubMed, PMC and agency pages)")
    a.set_defaults(func=cmd_add_ref)
    n = sub.add_parser("new-claim", help=cmd_new_claim.__doc__)
    n.add_argument("id", help="the new claim's id (also its file name and URL)")
    n.set_defaults(func=cmd_new_claim)
    sc = sub.add_parser("scan", help=cmd_scan.__doc__)
    sc.add_argument("site", nargs="?", default="site", help="the built site folder (default: site)")
    sc.set_defaults(func=cmd_scan)
    r = sub.add_parser("retractions", help=cmd_retractions.__doc__, description=_described(cmd_retractions,
        " CSV is the database file Crossref distributes (columns by name: Record ID, RetractionDate, RetractionDOI,"
        " OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature). Nothing is downloaded."))
    r.add_argument("csv", help="the Retraction Watch CSV export")
    r.set_defaults(func=cmd_retractions)
    al = sub.add_parser("allowlist", help=cmd_allowlist.__doc__, description=_described(cmd_allowlist,
        " A build that meets new inline code fails its scan but leaves the pages in the site folder, so: "
        "kcr build --site-dir site; kcr allowlist site (read it); kcr allowlist --write site; kcr build."))
    al.add_argument("site", nargs="?", default="site", help="the built site folder (default: site)")
    al.add_argument("--write", action="store_true", help="overwrite src/kcr/site_allowlist.py")
    al.set_defaults(func=cmd_allowlist)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
