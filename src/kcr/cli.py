"""The ``kcr`` command: check the records, build or serve the site."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import check, generate


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def cmd_check(args: argparse.Namespace) -> int:
    """Report every problem in the records, references and article; exit 1 if any."""
    review = check.load(_root(args))
    for problem in review.problems:
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
    return 0


def _mkdocs(args: argparse.Namespace, verb: str, extra: list[str]) -> int:
    code = cmd_generate(args)
    if code:
        return code
    env = dict(os.environ)
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
    return subprocess.call(cmd, cwd=_root(args), env=env)


def cmd_build(args: argparse.Namespace) -> int:
    """Check, generate, then ``mkdocs build --strict``."""
    extra = ["--strict"]
    if args.site_dir:
        extra += ["--site-dir", str(Path(args.site_dir).resolve())]
    return _mkdocs(args, "build", extra)


def cmd_serve(args: argparse.Namespace) -> int:
    """Check, generate, then ``mkdocs serve`` (edits to records rebuild the pages)."""
    return _mkdocs(args, "serve", ["--livereload", "--dev-addr", args.dev_addr])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kcr", description="Kratom Claims Review: records, checker and site.")
    parser.add_argument("--root", default=".", help="project folder (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help=cmd_check.__doc__).set_defaults(func=cmd_check)
    sub.add_parser("generate", help=cmd_generate.__doc__).set_defaults(func=cmd_generate)
    b = sub.add_parser("build", help=cmd_build.__doc__)
    b.add_argument("--site-dir", help="where to write the site (default: site/)")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help=cmd_serve.__doc__)
    s.add_argument("--dev-addr", default="127.0.0.1:8000")
    s.set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
