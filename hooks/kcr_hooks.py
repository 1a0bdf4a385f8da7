"""The thin MkDocs adapter: the only code that knows about MkDocs.

``on_pre_build`` runs the same generator as ``kcr build``, so a plain
``mkdocs build`` or ``mkdocs serve`` works too; ``on_files`` points each
generated page's edit link at its YAML record; ``on_serve`` watches the
records, the bibliography and the article.
"""

from __future__ import annotations

from pathlib import Path

from kcr import generate

ROOT = Path(__file__).resolve().parent.parent
_edit_paths: dict[str, str] = {}
_html: dict[str, str] = {}


def on_config(config, **kwargs):
    # the footer shows which commit and date the site was built from
    import datetime
    import os
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch and epoch.isdigit() else None
    config.extra["build"] = {"commit": commit or "unknown", "date": when.strftime("%Y-%m-%d") if when else "unknown"}
    return config


def on_pre_build(config, **kwargs):
    import os

    docs = Path(config["docs_dir"])
    _edit_paths.clear()
    if os.environ.get("KCR_PREGENERATED") == str(docs.resolve()):
        # `kcr build` has just checked the records and generated the pages: do not do it twice
        _edit_paths.update(generate.read_manifest(docs))
        return
    try:
        out = generate.generate(ROOT, docs)
    except generate.BuildError as exc:
        from mkdocs.exceptions import Abort

        raise Abort(f"The records do not pass the checker:\n{exc}") from None
    _edit_paths.update(out.edit_paths)


def on_page_markdown(markdown, page, config, files, **kwargs):
    # Generated pages are raw HTML already (escaped by the generator), which Python-Markdown
    # would pass through unchanged after a slow parse: hand it straight to the page instead.
    # Tools that run no hooks still get the same HTML through Markdown.
    if page.file.src_uri in _edit_paths and markdown.lstrip().startswith("<"):
        _html[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html, page, config, files, **kwargs):
    return _html.pop(page.file.src_uri, html)


def on_files(files, config, **kwargs):
    # edit_uri in mkdocs.yml points at the repository root, so every page names its real source
    for file in files:
        if file.is_documentation_page():
            file.edit_uri = _edit_paths.get(file.src_uri, f"docs/{file.src_uri}")
    return files


def on_post_page(output, page, config, **kwargs):
    # every page carries a Content-Security-Policy naming only its allow-listed inline code
    from kcr import csp

    return csp.apply(output)


def on_post_template(output_content, template_name, config, **kwargs):
    # 404.html is rendered from a template, not a page
    if template_name.endswith(".html"):
        from kcr import csp

        return csp.apply(output_content)
    return output_content


def on_post_build(config, **kwargs):
    # nothing that could run in a reader's browser may reach the built site
    from kcr import scan

    findings = scan.scan(Path(config["site_dir"]))
    if findings:
        from mkdocs.exceptions import Abort

        shown = "\n".join(str(f) for f in findings[:50])
        raise Abort(f"The static scan of the built site found {len(findings)} problem(s):\n{shown}")


def on_serve(server, config, builder, **kwargs):
    for name in ("claims", "references.bib", "source", "schema"):
        server.watch(str(ROOT / name))
    return server
