"""MkDocs hook: adapts build events to the srm_handbook core. No logic lives here.

Registered in mkdocs.yml under ``hooks:``. Reads the data at build time (so ``mkdocs
serve`` picks up edits), adds the generated pages as in-memory files, and swaps in
their HTML after Markdown, so data text never passes through the site's extensions.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.mkdocs.config import DATA_ENV, OptionsError, SrmOptions, parse_options
from srm_handbook.site.anchors import AnchorIds
from srm_handbook.site.content import (
    ASSET_DIR,
    RenderProgress,
    SiteContent,
    add_to_search_index,
    build_content,
    search_documents,
)
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.views import GeneratedPage, TocEntry

log = get_plugin_logger("srm")

_state: dict[str, Any] = {}
_PENDING = "<!-- srm: rendered when the page is written -->"


F = TypeVar("F", bound=Callable[..., Any])


def _timed(fn: F) -> F:
    """Adds the time spent in a hook event to the build's own-code total, per event."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent: dict[str, float] = _state.setdefault("own", {})
            spent[fn.__name__] = spent.get(fn.__name__, 0.0) + time.perf_counter() - start

    return cast(F, wrapper)


def _data_path(config: MkDocsConfig, options: SrmOptions) -> str:
    base = os.path.dirname(config.config_file_path or ".")
    return os.path.join(base, os.environ.get(DATA_ENV) or options.data)


def _cache_dir(config: MkDocsConfig, options: SrmOptions) -> str | None:
    base = os.path.dirname(config.config_file_path or ".")
    return os.path.join(base, options.cache_dir) if options.cache_dir else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        options = parse_options(config.extra.get("srm"))
    except OptionsError as exc:
        raise PluginError(str(exc)) from None
    _state["options"] = options
    _state["paths"] = SitePaths(options.prefix, config.use_directory_urls)
    for name, key in (("srm.css", "extra_css"), ("srm.js", "extra_javascript")):
        url = options.prefix + ASSET_DIR + name
        if url not in [str(u) for u in config[key]]:
            config[key].append(url)
    return config


@_timed
def on_pre_build(config: MkDocsConfig) -> None:
    # Runs before MkDocs cleans site/: invalid data stops the build with site/ untouched.
    options: SrmOptions = _state["options"]
    path = _data_path(config, options)
    shown = os.path.relpath(path)
    try:
        content = build_content(
            path,
            _state["paths"],
            display_path=shown,
            history=options.history,
            history_limit=options.history_limit,
            cache_dir=_cache_dir(config, options),
        )
    except SrmDataError as exc:
        for d in exc.diagnostics:
            log.error(d.format())
        n = len(exc.diagnostics)
        raise PluginError(f"{shown}: {n} error{'s' if n != 1 else ''}; nothing was built") from None
    _state["content"] = content
    _state["by_src"] = {p.src: p for p in content.pages}
    _state["progress"] = RenderProgress(len(content.pages))


@_timed
def on_files(files: Files, config: MkDocsConfig) -> Files:
    content: SiteContent = _state["content"]
    for page in content.pages:
        if files.get_file_from_path(page.src) is not None:
            log.warning("docs/%s is handwritten; it replaces the generated page", page.src)
            _state["by_src"].pop(page.src)
            continue
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src, content="", inclusion=inclusion))
    # Exports, assets and alias redirects never replace a file or page of docs/ that
    # publishes to the same path (e.g. a handwritten responsibilities/<alias>.md).
    taken = {f.dest_uri for f in files}
    for path, text in content.files.items():
        if files.get_file_from_path(path) is not None or path in taken:
            log.info("docs/ already publishes %s; the generated file is not written", path)
            continue
        files.append(File.generated(config, path, content=text))
    return files


@_timed
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated: GeneratedPage | None = _state["by_src"].get(page.file.src_uri)
    if generated is not None:
        page.meta["title"] = str(escape(generated.title))
        # Indexed from the model in on_post_build, not by parsing (large) HTML.
        page.meta["search"] = {"exclude": True}
    return markdown


def _toc_tokens(entries: tuple[TocEntry, ...]) -> list[dict[str, Any]]:
    return [
        {
            "level": e.level,
            "id": e.id,
            "name": str(escape(e.title)),
            "html": str(escape(e.title)),
            "data-toc-label": "",
            "children": _toc_tokens(e.children),
        }
        for e in entries
    ]


@_timed
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated: GeneratedPage | None = _state["by_src"].get(page.file.src_uri)
    if generated is None:
        return html
    page.toc = get_toc(_toc_tokens(generated.toc))  # type: ignore[arg-type]
    # MkDocs collected anchors from the (empty) Markdown; links from handwritten pages to
    # anchors of this page are checked against the real HTML, rendered only if asked.
    page.present_anchor_ids = AnchorIds(generated.body)  # type: ignore[assignment]
    # MkDocs holds every page's content until it writes the first one; the HTML is only
    # rendered in on_page_context, just before its page is written, and dropped after.
    return _PENDING


# After the search plugin (priority 0): it strips `data-search-*` attributes from every
# page's content with a regular expression, which costs about 10 ns per byte; generated
# pages have none (and are indexed from the model), so it only sees the placeholder.
@event_priority(-50)
@_timed
def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    generated: GeneratedPage | None = _state["by_src"].get(page.file.src_uri)
    if generated is not None:
        page.content = generated.html
        message = _state["progress"].tick()
        if message:
            log.info(message)
    return context


@_timed
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri in _state["by_src"]:
        page.content = _PENDING
    return output


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    start = time.perf_counter()
    content: SiteContent = _state["content"]
    add_to_search_index(config.site_dir, search_documents(content, _state["paths"]))
    spent: dict[str, float] = _state.pop("own", {})
    spent["on_post_build"] = time.perf_counter() - start
    own = sum(spent.values())
    log.info(
        "own code %.2fs: loading and preparing %.2fs, rendering pages %.2fs, search index "
        "%.2fs, other events %.2fs",
        own,
        spent.pop("on_pre_build", 0.0),
        spent.pop("on_page_context", 0.0),
        spent.pop("on_post_build"),
        sum(spent.values()),
    )


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    server.watch(_data_path(config, _state["options"]))
    return server
