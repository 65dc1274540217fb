"""The ``srm`` MkDocs plugin: adapts build events to the core. The only code, with
:mod:`.nav` and :mod:`.config`, that imports MkDocs.

Reads the data at build time (so ``mkdocs serve`` picks up edits), adds the generated
pages as in-memory files, fills the nav, and swaps in their HTML just before each page is
written, so data text never passes through the site's Markdown extensions. Several
instances (one per model, each under its own prefix) can share a site.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from srm_handbook.background import Background
from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.mkdocs import nav as srm_nav
from srm_handbook.mkdocs.config import (
    DATA_ENV,
    OptionsError,
    SrmConfig,
    load_options,
    site_labels,
)
from srm_handbook.site import i18n
from srm_handbook.site.anchors import AnchorIds
from srm_handbook.site.content import (
    ASSET_DIR,
    ASSETS,
    RenderProgress,
    SiteContent,
    add_to_search_index,
    build_content,
    error_banner,
    search_documents,
)
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.views import GeneratedPage, TocEntry

log = get_plugin_logger("srm")

_PENDING = "<!-- srm: rendered when the page is written -->"
_CLAIMED = "srm_claimed_paths"
"""Key in the MkDocs config under which instances record the pages they generate."""


class SrmPlugin(BasePlugin[SrmConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = True

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.paths = SitePaths()
        self.labels = i18n.ENGLISH
        self.assets: set[str] = set()
        """Where this model's copy of srm.css and srm.js would be published."""
        self.publishes_assets = True
        self.content: SiteContent | None = None
        """The last valid content: under ``mkdocs serve`` it stays shown after a bad edit."""
        self.errors: list[str] = []
        """Under ``mkdocs serve``: the problems of the data as it is now."""
        self.by_src: dict[str, GeneratedPage] = {}
        self.listing: dict[str, Page] = {}
        self.progress = RenderProgress(0)
        self.spent: dict[str, float] = {}
        self.background_files: list[_BackgroundFile] = []
        """The exports a child process makes while the pages render (written at the end)."""

    def _content(self) -> SiteContent:
        if self.content is None:
            raise PluginError("srm: the data was not loaded (on_pre_build did not run)")
        return self.content

    def _timed(self, event: str, start: float) -> None:
        self.spent[event] = self.spent.get(event, 0.0) + time.perf_counter() - start

    def data_path(self, config: MkDocsConfig) -> str:
        """The data file: the ``data`` option, or SRM_DATA in a site with one model."""
        base = os.path.dirname(config.config_file_path or ".")
        override = os.environ.get(DATA_ENV)
        if override and sum(isinstance(p, SrmPlugin) for p in config.plugins.values()) > 1:
            raise PluginError(
                f"srm: {DATA_ENV} names one data file, but this site has several models; "
                "set each one's data option instead"
            )
        return os.path.join(base, override or self.config.data_)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.paths = SitePaths(self.config.prefix, config.use_directory_urls)
        self.labels = site_labels(config, self.config)
        # One copy of the assets serves every model of the site: the first instance's.
        self.assets = {self.paths.prefix + ASSET_DIR + name for name in ASSETS}
        for name, key in zip(ASSETS, ("extra_css", "extra_javascript"), strict=True):
            if not any(str(u).endswith(ASSET_DIR + name) for u in config[key]):
                config[key].append(self.paths.prefix + ASSET_DIR + name)
        listed = {str(u) for u in config.extra_css + config.extra_javascript}
        self.publishes_assets = self.assets <= listed
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs cleans site/: invalid data stops the build with site/ untouched.
        start = time.perf_counter()
        self.spent = {}
        path = self.data_path(config)
        shown = os.path.relpath(path)
        base = os.path.dirname(config.config_file_path or ".")
        try:
            with _kept_from_the_collector():
                self.content = build_content(
                    path,
                    self.paths,
                    display_path=shown,
                    history=self.config.history,
                    history_limit=self.config.history_limit,
                    cache_dir=os.path.join(base, self.config.cache_dir)
                    if self.config.cache_dir
                    else None,
                    labels=self.labels,
                )
            self.errors = []
        except SrmDataError as exc:
            self.errors = exc.lines()
            n = len(exc.diagnostics)
            summary = f"{shown}: {n} error{'s' if n != 1 else ''}"
            if self.command != "serve" or self.content is None:
                for line in self.errors:
                    log.error(line)
                raise PluginError(f"{summary}; nothing was built") from None
            # Serving: keep showing the last valid pages, with the errors on each of them.
            # Said as INFO, so that a strict `mkdocs serve` still rebuilds.
            log.info("%s; showing the last valid version:\n%s", summary, "\n".join(self.errors))
        self.by_src = {p.src: p for p in self.content.pages}
        self.progress = RenderProgress(len(self.content.pages))
        self._timed("on_pre_build", start)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        content = self._content()
        claimed: dict[str, str] = config.setdefault(_CLAIMED, {})
        for page in content.pages:
            other = claimed.get(page.src)
            if other is not None:
                raise PluginError(
                    f"srm: the models {other!r} and {self.config.data_!r} both generate "
                    f"{page.src}; give each its own prefix"
                )
            claimed[page.src] = self.config.data_
            if files.get_file_from_path(page.src) is not None:
                log.warning("docs/%s is handwritten; it replaces the generated page", page.src)
                self.by_src.pop(page.src)
                continue
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src, content="", inclusion=inclusion))
        # Exports, assets and alias redirects never replace a file or page of docs/ that
        # publishes to the same path (e.g. a handwritten responsibilities/<alias>.md).
        taken = {f.dest_uri for f in files}
        self.background_files = []
        for path in [*content.files, *content.background.names]:
            if path in self.assets and not self.publishes_assets:
                continue  # another model of the site publishes the assets
            if files.get_file_from_path(path) is not None or path in taken:
                if path not in self.assets:
                    log.info("docs/ already publishes %s; the generated file is not written", path)
                continue
            if path in content.files:
                files.append(File.generated(config, path, content=content.files[path]))
            else:
                later = _BackgroundFile(config, path, content.background)
                self.background_files.append(later)
                files.append(later)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        content = self._content()
        own = [p for p in content.pages if p.src in self.by_src]
        self.listing = srm_nav.place_section(
            nav,
            files,
            in_nav=[p.src for p in own if p.in_nav],
            detail=[p.src for p in own if not p.in_nav],
            prefix=self.paths.prefix,
            title=self.config.nav_title or content.srm.title,
            explicit=bool(config.nav),
        )
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.by_src.get(page.file.src_uri)
        if generated is not None:
            page.meta["title"] = str(escape(generated.title))
            # Indexed from the model in on_post_build, not by parsing (large) HTML.
            page.meta["search"] = {"exclude": True}
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.by_src.get(page.file.src_uri)
        if generated is None:
            return html
        page.toc = get_toc(_toc_tokens(generated.toc))  # type: ignore[arg-type]
        # MkDocs collected anchors from the (empty) Markdown; links from handwritten pages
        # to anchors of this page are checked against the real HTML, rendered if asked.
        page.present_anchor_ids = AnchorIds(generated.body)  # type: ignore[assignment]
        # MkDocs holds every page's content until it writes the first one; the HTML is
        # only rendered in on_page_context, just before its page is written.
        return _PENDING

    # After the search plugin (priority 0): it strips `data-search-*` attributes from every
    # page's content with a regular expression, which costs about 10 ns per byte; generated
    # pages have none (and are indexed from the model), so it only sees the placeholder.
    @event_priority(-50)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        generated = self.by_src.get(page.file.src_uri)
        if generated is None:
            return context
        start = time.perf_counter()
        html = self._content().page_html(generated)
        page.content = error_banner(self.errors, self.labels) + html
        srm_nav.show_in_section(page, self.listing.get(generated.src))
        message = self.progress.tick()
        if message:
            log.info(message)
        self._timed("on_page_context", start)
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        generated = self.by_src.get(page.file.src_uri)
        if generated is not None:
            page.content = _PENDING
            srm_nav.leave_section(page, self.listing.get(generated.src))
        return output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()  # see _kept_from_the_collector
        content = self._content()
        start = time.perf_counter()
        for file in self.background_files:
            file.write()
        background = content.background
        waited = background.waited
        background.close()
        add_to_search_index(config.site_dir, search_documents(content, self.paths))
        self._timed("on_post_build", start)
        spent = self.spent
        log.info(
            "own code %.2fs: loading and preparing %.2fs, rendering pages %.2fs, exports "
            "and search index %.2fs (of which %.2fs waiting for the exports)%s",
            sum(spent.values()),
            spent.get("on_pre_build", 0.0),
            spent.get("on_page_context", 0.0),
            spent.get("on_post_build", 0.0),
            waited,
            f"; a child process made the exports and rendered {background.pages_from_child} "
            f"of {len(content.pages)} pages"
            if background.forked
            else "",
        )

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        if self.content is not None:
            self.content.background.close()  # its work is not needed any more

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        server.watch(self.data_path(config))
        return server


@contextlib.contextmanager
def _kept_from_the_collector() -> Iterator[None]:
    """While the model is built, and then until the end of the build, the cyclic garbage
    collector leaves the objects that exist now alone (``gc.freeze``; ``on_post_build``
    and ``on_build_error`` undo it). The model and the prepared pages are millions of
    objects that live until the build ends: each full collection scanned them all again
    and found nothing to free, about 2 s of a build at 1,000 rows x 50 capabilities.
    Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class _BackgroundFile(File):
    """A generated export whose content a child process may still be making (see
    :mod:`srm_handbook.background`). MkDocs copies files before it renders the pages, so
    this one is written by :meth:`write`, called in ``on_post_build``; anything that asks
    for its content before then waits for it."""

    def __init__(self, config: MkDocsConfig, path: str, background: Background) -> None:
        super().__init__(
            path,
            src_dir=None,
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        self.generated_by = config.plugins._current_plugin or "srm"
        self.background = background

    def _fetch(self) -> None:
        """Take the content from the background (waiting for it if need be)."""
        if self._content is None:
            self._content = self.background[self.src_uri]

    @property
    def content_bytes(self) -> bytes:
        self._fetch()
        return super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self._content = value

    @property
    def content_string(self) -> str:
        return self.content_bytes.decode("utf-8-sig")

    @content_string.setter
    def content_string(self, value: str) -> None:
        self._content = value

    def is_modified(self) -> bool:
        return True

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing yet: see :meth:`write`."""

    def write(self) -> None:
        self._fetch()
        super().copy_file()


class ExtraConfiguredPlugin(SrmPlugin):  # type: ignore[no-untyped-call]
    """The plugin for a ``hooks:`` adapter: its options come from ``extra: srm:``."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            raw = config.extra.get("srm")
            self.config = load_options(raw, "extra.srm", config.config_file_path)
        except OptionsError as exc:
            raise PluginError(str(exc)) from None
        return super().on_config(config)


def _toc_tokens(entries: tuple[TocEntry, ...]) -> list[dict[str, Any]]:
    return [
        {
            "level": e.level,
            "id": e.id,
            "name": str(escape(e.title)),
            "html": str(escape(e.title)),
            "data-toc-label": "",
            "children": [],
        }
        for e in entries
    ]
