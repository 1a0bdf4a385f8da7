"""The thin MkDocs adapter: the only code that knows about MkDocs.

``on_pre_build`` runs the same generator as ``kcr build``, so a plain
``mkdocs build`` or ``mkdocs serve`` works too; ``on_files`` points each
generated page's edit link at its YAML record; ``on_post_page`` marks each
page's content for the search index and writes its Content-Security-Policy; ``on_post_build`` writes
the search index (:mod:`kcr.search`) and runs the static scan; ``on_config`` puts a stand-in for
Material's search plugin, so the theme shows the search box without its own index;
``on_serve`` watches the records, the bibliography and the article, and while
a build is refused answers every page with the list of problems
(:mod:`kcr.serve_status`) instead of leaving requests hanging.  After an edit
of the records, `kcr serve` renders only the files the generator wrote, with
the last full build's files, navigation and theme (``_rebuild_changed``;
:mod:`kcr.rebuild` decides when that is enough).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from kcr import generate, scan, search, serve_status

if TYPE_CHECKING:  # annotations only: these are not imported when MkDocs runs the hooks
    from wsgiref.types import StartResponse, WSGIEnvironment

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
_edit_paths: dict[str, str] = {}
_html: dict[str, str] = {}
log = logging.getLogger("mkdocs.hooks.kcr")


def _refuse(title: str, lines: list[str]) -> None:
    """Abort the build; under `mkdocs serve`, show the problems on every page instead."""
    if serve_status.serving():
        serve_status.fail(title, lines)
        log.error("%s (the served pages list them until they are fixed):\n%s", title, "\n".join(lines))
        return
    from mkdocs.exceptions import Abort

    raise Abort(f"{title}:\n" + "\n".join(lines))


def on_startup(command: str, dirty: bool, **kwargs: Any) -> None:
    _written.dirty = dirty
    if command == "serve":
        serve_status.start_serving()


class _SearchBox:
    """Stands in for Material's search plugin, so the theme shows its search button and box in the header
    (overrides/partials/search.html); the index is Pagefind's (kcr.search), written after the build.
    It has no event handlers: Material's plugin would parse every page for an index every page downloads."""

    config: ClassVar[dict[str, bool]] = {"enabled": True}


class _DirtyBuildIsChecked(logging.Filter):
    """`kcr build` asks MkDocs for a dirty build only when nothing but page sources changed since the last
    build into the same folder (kcr.rebuild): MkDocs' warning about dirty builds, which --strict would
    turn into a failure, is then only information."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and record.getMessage().startswith("A 'dirty' build is being performed"):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "Rebuilding only the pages whose source changed (kcr.rebuild)", ()
        return True


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    import os

    if os.environ.get("KCR_DIRTY_CHECKED") == "1":
        build_log = logging.getLogger("mkdocs.commands.build")
        if not any(isinstance(f, _DirtyBuildIsChecked) for f in build_log.filters):
            build_log.addFilter(_DirtyBuildIsChecked())
    # deliberately not a BasePlugin: it stands in for Material's search plugin (see _SearchBox)
    config.plugins["material/search"] = _SearchBox()  # type: ignore[assignment]
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
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch and epoch.isdigit() else None
    config.extra["build"] = {"commit": commit or "unknown", "date": when.strftime("%Y-%m-%d") if when else "unknown"}
    return config


class _Written:
    """The static scan of the pages of the build under way (kcr.scan.Written), started in on_pre_build."""

    pages: scan.Written | None = None
    # a full build (not `kcr serve`, not a dirty build): Pagefind indexes each page as it is written
    search: search.Streaming | None = None
    dirty = False


_written = _Written()


def on_pre_build(config: MkDocsConfig, **kwargs: Any) -> None:
    import os

    _written.pages = scan.Written(Path(config["site_dir"]))
    _stop_streaming()
    if not _written.dirty and not serve_status.serving():
        _written.search = search.Streaming()
    docs = Path(config["docs_dir"])
    _edit_paths.clear()
    serve_status.begin()
    if serve_status.serving():  # what this full build is made from (see _Served)
        from kcr import rebuild

        _served.stamp, _served.building_from = None, rebuild.inputs_digest(ROOT, docs)
    with _indexing_lock:  # no search indexing while a page is being rebuilt (it restarts after the build)
        if _indexing.timer is not None:
            _indexing.timer.cancel()
            _indexing.timer = None
    if os.environ.get("KCR_PREGENERATED") == str(docs.resolve()):
        # `kcr build` has just checked the records and generated the pages: do not do it twice
        _edit_paths.update(generate.read_manifest(docs))
        return
    try:
        generated, _served.generated = _served.generated, None  # one _rebuild_changed has just made
        out = generated or generate.generate(ROOT, docs)
    except generate.BuildError as exc:
        _refuse("The records do not pass the checker", str(exc).splitlines())
        # serving: the pages of the last good generation stay, the served site shows the problems
        with contextlib.suppress(OSError, ValueError):
            _edit_paths.update(generate.read_manifest(docs))
        # the home page includes generated parts: before any good generation they do not exist yet, and
        # the include would stop the build; empty stand-ins let it finish (every page shows the problems)
        for part in (generate.HOME_ANSWER, generate.HOME_CHART):
            path = docs / part
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("", encoding="utf-8")
        return
    _edit_paths.update(out.edit_paths)
    if serve_status.serving():  # the pages the generator removed: a dirty build would leave them in the site
        from kcr import rebuild

        rebuild.remove_stale(Path(config["site_dir"]), out.removed)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> str:
    # Generated pages are raw HTML already (escaped by the generator), which Python-Markdown
    # would pass through unchanged after a slow parse: hand it straight to the page instead.
    # Tools that run no hooks still get the same HTML through Markdown.
    if page.file.src_uri in _edit_paths and markdown.lstrip().startswith("<"):
        _html[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> str:
    return _html.pop(page.file.src_uri, html)


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    # edit_uri in mkdocs.yml points at the repository root, so every page names its real source
    for file in files:
        if file.is_documentation_page():
            file.edit_uri = _edit_paths.get(file.src_uri, f"docs/{file.src_uri}")
    _served.files, _served.published, _served.doc_files = files, None, None
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files, **kwargs: Any) -> Navigation:
    _served.nav = nav
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files, **kwargs: Any) -> Environment:
    import os

    _served.config, _served.env = config, env
    if os.environ.get("KCR_NO_CACHE") != "1" and env.bytecode_cache is None:
        # the theme's templates compiled once, not in every build (Jinja checks each template's source)
        import jinja2

        from kcr.cache import _folder, digest

        # the compiled code depends on the environment's settings too: one folder for each
        settings = (jinja2.__version__, *sorted(env.extensions), repr(env.autoescape), env.block_start_string,
                    env.variable_start_string, env.comment_start_string, env.line_statement_prefix or "",
                    repr(env.trim_blocks), repr(env.lstrip_blocks), env.newline_sequence, repr(env.optimized))
        folder = _folder(ROOT) / "templates" / digest(*settings)[:16]
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    _split.start(config, files, env)
    return env


class _Split:
    """A full build of many pages renders every other page in a forked copy of itself (kcr.forked), on the
    machine's other core: MkDocs 1.6 renders pages one after another.  The copy is forked once every page has
    been read, so it shares the pages, navigation and theme; while this process renders its pages, MkDocs'
    ``_build_page`` passes over the copy's.  The copy says when each of its pages is written, and this process
    hands the pages to the search index in MkDocs' order, its own and the copy's in turn (Pagefind's index
    depends on the order: it is the same as a one-process build's).  ``on_post_build`` waits for the copy and
    takes its scan findings and warnings as this build's own.  ``KCR_JOBS=1`` turns it off."""

    MIN_PAGES = 100  # fewer pages are rendered in one process: a copy costs a fork and a second theme load
    child: Any = None  # kcr.forked.Forked
    order: dict[str, int] = {}  # noqa: RUF012 - set per build; each page's place in MkDocs' list
    theirs: list[tuple[int, str]] = []  # noqa: RUF012 - set per build; the copy's pages (place, site path)
    indexed = 0  # how many of the copy's pages have been handed to the search index
    site = Path()  # the site folder the pages are written to
    original: Callable[..., None] | None = None  # MkDocs' _build_page
    parked: Any = None  # in the copy: the parent's search index, never used there, never freed

    def start(self, config: MkDocsConfig, files: Files, env: Environment) -> None:
        from mkdocs.commands import build as mkdocs_build
        from mkdocs.structure.files import InclusionLevel

        from kcr import forked, parallel

        self.stop()
        if _written.search is None or _written.dirty or serve_status.serving() or _served.nav is None:
            return  # `kcr serve` or a dirty build: every page in this process
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        if len(doc_files) < self.MIN_PAGES or parallel.jobs() < 2 or not forked.available():
            return
        theirs = doc_files[1::2]
        nav, original, site = _served.nav, mkdocs_build._build_page, Path(config["site_dir"])

        def work(say: Callable[[str], None]) -> dict[str, Any]:  # in the copy
            return _render_share(theirs, config, doc_files, nav, env, original, say)

        try:
            self.child = forked.Forked(work, progress=True)
        except forked.ForkedError as exc:
            log.info("Rendering every page in one process: %s", exc)
            return
        log.info("Rendering %d of the %d pages in a second process", len(theirs), len(doc_files))
        self.order = {f.src_uri: i for i, f in enumerate(doc_files)}
        self.theirs = [(self.order[f.src_uri], f.dest_uri) for f in theirs]
        self.indexed, self.original, self.site = 0, original, site
        mine = frozenset(f.src_uri for f in doc_files[0::2])

        def build_page(page: Page, *args: Any, **kwargs: Any) -> None:
            if page.file.src_uri in mine:
                original(page, *args, **kwargs)

        mkdocs_build._build_page = build_page

    def index_before(self, page: Page | None) -> None:
        """Hand the search index the copy's pages that come before ``page`` in MkDocs' list (None: all of
        them), each once the copy has written it."""
        child, streaming = self.child, _written.search
        if child is None or streaming is None:
            return
        until = len(self.order) if page is None else self.order.get(page.file.src_uri, -1)
        while self.indexed < len(self.theirs) and self.theirs[self.indexed][0] < until:
            if child.next_line() is None:
                return  # the copy stopped before writing it: finish() reports why
            dest = self.theirs[self.indexed][1]
            self.indexed += 1
            try:
                text = (self.site / dest).read_bytes().decode("utf-8", errors="replace")
            except FileNotFoundError:
                text = ""  # MkDocs writes no file for an empty page; the one-process build indexes it empty
            streaming.add(dest, text)

    def finish(self) -> None:
        """Wait for the copy, if any: the rest of its pages go to the search index, its scan findings and
        warnings become this build's."""
        child = self.child
        if child is None:
            return
        from kcr import forked

        self.index_before(None)
        self.stop(cancel=False)
        try:
            done = child.result()
        except forked.ForkedError as exc:
            _refuse("Pages could not be built", [str(exc)])
            return
        _count_warnings(done["warnings"])
        if _written.pages is not None:
            _written.pages.merge(done["scan"])

    def stop(self, *, cancel: bool = True) -> None:
        """Put MkDocs' _build_page back; stop a copy whose build failed (``cancel``)."""
        if self.original is not None:
            from mkdocs.commands import build as mkdocs_build

            mkdocs_build._build_page = self.original
            self.original = None
        if cancel and self.child is not None:
            self.child.cancel()
        self.child, self.order, self.theirs, self.indexed = None, {}, [], 0


_split = _Split()


class _Warnings(logging.Handler):
    """In the forked copy, MkDocs' warnings (shown there as usual), kept so that --strict counts them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[list[Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append([record.name, record.levelno, record.getMessage()])


def _render_share(theirs: Sequence[File], config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation,
                  env: Environment, build_page: Callable[..., None], say: Callable[[str], None]) -> dict[str, Any]:
    """(in the forked copy) Render and write the pages ``theirs``, as MkDocs' own loop would, saying when each
    is written."""
    from kcr import forked

    # the parent's Pagefind service: the parent indexes these pages (_Split.index_before).  The object is kept:
    # freed here, its asyncio transport's finaliser would kill the service the parent still talks to
    _split.parked, _written.search = _written.search, None
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    for n, file in enumerate(theirs):
        assert file.page is not None
        try:
            build_page(file.page, config, doc_files, nav, env, False, excluded=file.inclusion.is_excluded())
        except Exception as exc:  # the parent fails the build with it (MkDocs has logged it here too)
            what = " ".join(str(exc).split())
            raise forked.RefusedError(f"{file.src_uri}: {type(exc).__name__}: {what}") from None
        say(str(n))
    return {"scan": _written.pages.export() if _written.pages is not None else {}, "warnings": warnings.seen}


def _count_warnings(seen: list[list[Any]]) -> None:
    """The forked copy's warnings, counted by MkDocs' --strict counter (the copy has shown them already)."""
    from mkdocs.utils import CountHandler

    counters = [h for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler)]
    for name, level, message in seen:
        record = logging.LogRecord(name, level, __file__, 0, message, None, None)
        for counter in counters:
            counter.handle(record)


def on_post_page(output: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    # every page carries a Content-Security-Policy naming only its allow-listed inline code
    from kcr import csp, search

    output = search.mark_body(output, page.file.src_uri)  # its content marked for the search index
    output = csp.apply(output)
    if _written.pages is not None:  # the static scan of this page, as it is written
        _written.pages.page(page.file.dest_uri, output)
    if _written.search is not None:  # and its search index, on the other core, in MkDocs' order of the pages
        _split.index_before(page)
        _written.search.add(page.file.dest_uri, output)
    return output


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig, **kwargs: Any) -> str:
    # 404.html is rendered from a template, not a page
    if template_name.endswith(".html"):
        from kcr import csp

        return csp.apply(output_content)
    return output_content


def on_post_build(config: MkDocsConfig, **kwargs: Any) -> None:
    _split.finish()  # the pages a forked copy rendered (a full build of many pages)
    # nothing that could run in a reader's browser may reach the built site
    site = Path(config["site_dir"])
    streaming, _written.search = _written.search, None
    if streaming is not None:
        try:
            streaming.finish(site)
        except search.SearchIndexError as exc:
            _refuse("The search index could not be written", [str(exc)])
    elif serve_status.serving() and (site / search.OUTPUT / "pagefind.js").is_file():
        _index_later(site)  # a rebuild while serving: the edited page is shown now, the search catches up
    else:
        try:
            search.index(site)
        except search.SearchIndexError as exc:
            _refuse("The search index could not be written", [str(exc)])
    # nothing that could run in a reader's browser may reach the built site: the pages were scanned as they
    # were written (on_post_page); the other files are read here (unchanged ones are not scanned again:
    # their findings are kept by content in the user's cache folder)
    findings = scan.scan(Path(config["site_dir"]), written=_written.pages)
    _refuse_findings(findings)
    serve_status.finish()


def _refuse_findings(findings: list[scan.Finding]) -> None:
    if findings:
        _refuse(f"The static scan of the built site found {len(findings)} problem(s)",
                [str(f) for f in findings[:50]])


def _stop_streaming() -> None:
    streaming, _written.search = _written.search, None
    if streaming is not None:
        streaming.close()


def on_build_error(error: Exception, **kwargs: Any) -> None:
    _split.stop()  # no second process left rendering pages
    _stop_streaming()  # no Pagefind service left running after a failed build


class _Indexing:
    """The search-index timer of `kcr serve`, whether an indexing run is going on, and whether it must run once more."""

    timer: threading.Timer | None = None
    running = False
    again = False


_indexing = _Indexing()
_indexing_lock = threading.Lock()
INDEX_DELAY = 10.0  # seconds without a rebuild before the search index is rewritten while serving


def _index_later(site: Path) -> None:
    """While serving: rewrite the search index once edits pause (INDEX_DELAY seconds after the last rebuild),
    in a thread, one run at a time, so it never competes with the rebuild of the page being edited."""
    from kcr import search

    def run() -> None:
        with _indexing_lock:
            if _indexing.running:
                _indexing.again = True
                return
            _indexing.running = True
        try:
            search.index(site)
        except (search.SearchIndexError, OSError) as exc:
            log.warning("The search index could not be rewritten: %s", exc)
        finally:
            with _indexing_lock:
                _indexing.running = False
                again, _indexing.again = _indexing.again, False
            if again:
                _index_later(site)

    with _indexing_lock:
        if _indexing.timer is not None:
            _indexing.timer.cancel()
        timer = threading.Timer(INDEX_DELAY, run)
        timer.daemon = True
        _indexing.timer = timer
        timer.start()


class _Served:
    """What `kcr serve`'s last full build rendered with: its configuration, files, navigation and theme, and the
    digest of the hand-written inputs it was built from (None: the next rebuild is a full one)."""

    config: MkDocsConfig | None = None
    files: Files | None = None
    nav: Navigation | None = None
    env: Environment | None = None
    published: set[str] | None = None  # the files of docs/ that build published, and its pages
    doc_files: Sequence[File] | None = None
    stamp: str | None = None
    building_from: str | None = None  # the digest of the hand-written inputs of the full build under way
    generated: generate.Output | None = None  # a generation the next full build uses instead of making its own
    listings_due = False  # the edited records' own pages are shown: the pages made from the whole review are next
    listings_now = False  # ... and edits have paused for LISTINGS_DELAY seconds: build them now
    listings_timer: threading.Timer | None = None
    building = False  # a build is under way (the listings' timer then waits for its end)


_served = _Served()


def _rebuild_changed(records_only: bool) -> bool:
    """`kcr serve` after an edit: when the hand-written inputs are those of the last full build and the records
    changed only files the site already has, check and generate, then render only the pages (and copy only the
    files) the generator wrote, with the last build's configuration, navigation and theme; a page that did not
    change is neither read, rendered nor scanned again.  False: a full build is needed (it then uses this
    generation).  The search index catches up when edits pause, as after a full build.

    ``records_only``: only the records' own pages (generate.render_all), so an edited record's page is shown
    at once; the pages made from the whole review (listings, home page, downloads) follow in the next call."""
    from kcr import rebuild

    served = _served
    config, files, nav, env = served.config, served.files, served.nav, served.env
    if served.stamp is None or config is None or files is None or nav is None or env is None:
        return False
    docs, site = Path(config["docs_dir"]), Path(config["site_dir"])
    if rebuild.inputs_digest(ROOT, docs) != served.stamp:
        return False
    try:
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import InclusionLevel
    except ImportError:  # pragma: no cover - another MkDocs: its full build
        return False
    with _indexing_lock:  # no search indexing while a page is being rebuilt (it restarts after the build)
        if _indexing.timer is not None:
            _indexing.timer.cancel()
            _indexing.timer = None
    started = time.perf_counter()
    checked = started
    try:
        if records_only:
            from kcr import check

            review = check.load(ROOT)
            checked = time.perf_counter()
            if not review.ok:
                raise generate.BuildError("\n".join(str(p) for p in review.problems))
            out = generate.render_all(review, records_only=True)
            generate.write(out, docs, partial=True)
        else:
            out = generate.generate(ROOT, docs)
    except generate.BuildError as exc:
        # the pages of the last good generation stay (the site is theirs); the served site shows the problems
        _refuse("The records do not pass the checker", str(exc).splitlines())
        return True
    if served.published is None or served.doc_files is None:  # the same for every short rebuild after a full build
        served.published = {f.src_uri for f in files if f.inclusion.is_in_serve()}
        served.doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    published, doc_files = served.published, served.doc_files
    generated = time.perf_counter()
    todo = rebuild.plan(out.written, out.removed, published)
    if todo is None:
        served.generated = None if records_only else out
        return False
    if not records_only:
        _edit_paths.clear()
    _edit_paths.update(out.edit_paths)
    in_nav = {id(p) for p in nav.pages}
    _written.pages = scan.Written(site)
    findings: list[scan.Finding] = []
    for rel in todo:
        file = files.get_file_from_path(rel)
        assert file is not None  # plan() names only files the site has
        if not file.is_documentation_page():
            file.copy_file()
            findings += scan.scan_file(Path(file.abs_dest_path), file.dest_uri)
            continue
        if file.page is None:
            from mkdocs.structure.pages import Page

            Page(None, file, config)
        page = file.page
        assert page is not None
        title = page.title
        _populate_page(page, config, files)
        if id(page) in in_nav and title is not None and page.title != title:  # the navigation of every page names it: build them all
            served.stamp = None
            return False
        _build_page(page, config, doc_files, nav, env)
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    for shown in sorted(_written.pages.findings):
        findings += _written.pages.findings[shown]
    _written.pages = None
    done = time.perf_counter()
    log.info("Rebuilt %d changed file(s) of %d (kcr serve) in %.2f s: %s%.2f s generating, %.2f s building pages",
             len(todo), len(published), done - started,
             f"{checked - started:.2f} s checking, " if records_only else "", generated - checked, done - generated)
    _refuse_findings(findings)
    _index_later(site)
    return True


LISTINGS_DELAY = 3.0  # seconds without an edit before `kcr serve` renders the pages made from the whole review


def _listings_later(server: LiveReloadServer) -> None:
    """Once edits pause (LISTINGS_DELAY seconds after the last rebuild), ask the dev server for the build of the
    pages made from the whole review; an edit before then restarts the wait (its own page is shown first)."""

    def due() -> None:
        with _indexing_lock:
            if _served.building:  # an edit is being rebuilt: it waits again when that build ends
                return
            _served.listings_now = True
        cond = getattr(server, "_rebuild_cond", None)
        if cond is None:  # pragma: no cover - another MkDocs: the listings follow the next edit
            return
        with cond:  # the dev server's build loop runs the build
            server._want_rebuild = True
            cond.notify_all()

    with _indexing_lock:
        if _served.listings_timer is not None:
            _served.listings_timer.cancel()
        timer = threading.Timer(LISTINGS_DELAY, due)
        timer.daemon = True
        _served.listings_timer = timer
        timer.start()


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[[], None],
             **kwargs: Any) -> LiveReloadServer:
    for name in ("claims", "references.bib", "source", "schema", "research"):
        server.watch(str(ROOT / name))
    # MkDocs' watcher polls every file it watches twice a second, in this process: the generated folders of
    # docs/ (tens of thousands of files at thousands of claims) would slow every rebuild many times over,
    # and they change only when the generator writes them from the records watched above. So only the
    # hand-written parts of docs/ are watched (a new top-level page is picked up when serve restarts).
    docs = Path(config["docs_dir"])
    generated = set(generate.OWNED)
    server.unwatch(str(docs))
    for entry in sorted(docs.iterdir()):
        if entry.name.startswith(".") or entry.name in generated:
            continue
        if entry.is_dir() and any(o.startswith(entry.name + "/") for o in generated):
            for sub in sorted(entry.iterdir()):
                if f"{entry.name}/{sub.name}" not in generated:
                    server.watch(str(sub))
        else:
            server.watch(str(entry))
    _native_watcher(server)
    _show_problems(server)
    return server


def _native_watcher(server: LiveReloadServer) -> None:
    """Let the operating system report changes (inotify, FSEvents, ReadDirectoryChangesW) instead of MkDocs' polling
    watcher, which lists every watched file twice a second in this process: at thousands of records (claims/ and
    research/ hold one file each) a listing took longer than the interval, and the edit waited for it.
    KCR_SERVE_POLLING=1 keeps MkDocs' polling (for file systems that report no changes, such as some network
    or container mounts); so does a watcher the system refuses when it starts (a limit reached, say).
    Done before the server starts its watcher, with MkDocs' own watch()/unwatch().

    Only changes count: MkDocs asks for a rebuild on any event but a folder's, and the system's watcher also
    reports a file opened or closed unwritten.  Reading a record (the checker reads a record saved in the
    last 2 seconds again) would then ask for another rebuild, and the next save would wait for it."""
    import os

    from watchdog import events
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if os.environ.get("KCR_SERVE_POLLING") == "1" or Observer is PollingObserver:
        return
    watched = dict(server._watched_paths)
    if not all(os.path.exists(path) for path in watched):
        return

    def move_to(observer: Any, unwatch: bool = True) -> None:
        for path, count in watched.items():
            for _ in range(count if unwatch else 0):
                server.unwatch(path)
        server._watched_paths.clear()
        server._watch_refs.clear()
        server.observer = observer
        for path, count in watched.items():
            for _ in range(count):
                server.watch(path)

    changes = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent, events.FileMovedEvent,
               events.FileClosedEvent, events.FileAttribEvent, events.DirCreatedEvent, events.DirDeletedEvent,
               events.DirModifiedEvent, events.DirMovedEvent]

    class ChangesOnly(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, event_handler: Any, path: Any, *, recursive: bool = False,
                     event_filter: Any = None, follow_symlink: bool = False) -> Any:
            return super().schedule(event_handler, path, recursive=recursive, follow_symlink=follow_symlink,
                                    event_filter=changes if event_filter is None else event_filter)

    polling = server.observer
    native = ChangesOnly(timeout=0.5)
    start = native.start

    def start_or_poll() -> None:
        try:
            start()
        except OSError as exc:
            log.warning("Watching for changes by polling (the system's watcher refused: %s)", exc)
            with contextlib.suppress(Exception):
                native.stop()  # (which drops its watches)
            move_to(polling, unwatch=False)
            polling.start()

    native.start = start_or_poll
    move_to(native)


def _show_problems(server: LiveReloadServer) -> None:
    """While the last build was refused, every page request gets the list of problems (never a hang).

    mkdocs' dev server leaves requests waiting when a rebuild raises, and injects an inline
    live-reload script the pages' policy refuses; both are replaced here.
    """
    build = server.builder
    served = _served
    if not serve_status.current()[2]:  # the first build passed
        served.stamp = served.building_from

    def guarded_build() -> None:
        serve_status.begin()
        with _indexing_lock:
            served.building = True
        try:
            with _indexing_lock:
                now, served.listings_now = served.listings_due and served.listings_now, False
            if now:  # the second half of the last edits' rebuild (it also renders any edit since)
                served.listings_due = False
                if _rebuild_changed(records_only=False):
                    return
            elif _rebuild_changed(records_only=True):
                if not serve_status.failing():
                    served.listings_due = True
                    _listings_later(server)
                return
            served.listings_due = False  # a full build renders every page
            build()
            if not serve_status.current()[2]:  # passed: the next edit of the records may take the short way
                _served.stamp = served.building_from
        except Exception as exc:
            serve_status.fail("The site could not be built", str(exc).splitlines() or [type(exc).__name__])
        finally:
            with _indexing_lock:
                served.building = False
            serve_status.finish()

    server.builder = guarded_build

    def inject(content: bytes, epoch: float) -> bytes:  # an external script, which the pages' Content-Security-Policy allows
        tag = serve_status.reload_tag(serve_status.current()[0])
        end = content.rfind(b"</body>")
        return content + tag if end < 0 else content[:end] + tag + content[end:]

    # replaces MkDocs' private method on this one server (there is no hook for it)
    server._inject_js_into_html = inject  # type: ignore[method-assign]
    app = server.get_app()
    if app is None:  # pragma: no cover - the dev server sets its app when it is made
        raise RuntimeError("mkdocs' dev server has no WSGI app to wrap")
    mount = server.mount_path

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        number, title, problems = serve_status.current()
        if path == serve_status.RELOAD_PATH:
            start_response("200 OK", [("Content-Type", "text/javascript"), ("Cache-Control", "no-store")])
            return [serve_status.RELOAD_JS.encode()]
        if path == serve_status.STATUS_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
            return [str(number).encode()]
        if problems and (path + "/").startswith(mount) and path.endswith(("/", ".html")):
            body = serve_status.error_page(number, title, problems)
            start_response("503 Service Unavailable", [("Content-Type", "text/html; charset=utf-8"),
                                                        ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
            return [body]
        return app(environ, start_response)

    server.set_app(serve)
