"""Everything a build publishes, from one data file: pages, exports and assets.

The MkDocs hook and ``srm render`` both call :func:`build_content`; neither knows how a
page is made.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from srm_handbook.background import Background, in_background
from srm_handbook.core.load import parse_model, read_data
from srm_handbook.core.model import Srm
from srm_handbook.files import write_atomic
from srm_handbook.history import DEFAULT_LIMIT
from srm_handbook.site import exports as export
from srm_handbook.site import i18n
from srm_handbook.site.markdown_text import plain_text
from srm_handbook.site.paths import SitePaths
from srm_handbook.site.views import GeneratedPage, ViewOptions, environment, export_makers, pages

if TYPE_CHECKING:
    from srm_handbook.history.git_history import History

log = logging.getLogger("mkdocs.srm")

ASSETS = ("srm.css", "srm.js")
ASSET_DIR = "assets/srm/"


@dataclass
class SiteContent:
    srm: Srm
    pages: list[GeneratedPage]
    files: dict[str, str | bytes]
    """Other published files: path (prefix included) -> text."""
    background: Background
    """The exports other than srm.json (paths in ``background.names``), and pages'
    HTML, made by a child process while the pages render (:mod:`srm_handbook.background`)."""

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Each page's position in :attr:`pages`, by ``src``."""
        return {p.src: i for i, p in enumerate(self.pages)}

    def page_html(self, page: GeneratedPage) -> str:
        """The page's HTML: the child's, if it has rendered it, else rendered here."""
        html = self.background.page(self.index[page.src])
        return html if html is not None else page.html

    def all_files(self) -> dict[str, str | bytes]:
        """:attr:`files` and :attr:`background`'s (waits for them)."""
        return {**self.files, **self.background.files()}


def error_banner(errors: list[str], labels: i18n.Labels = i18n.ENGLISH) -> str:
    """Shown above every generated page while ``mkdocs serve`` keeps the last valid
    version of data that is now invalid; empty when there are no errors."""
    if not errors:
        return ""
    items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    title = labels.ngettext(
        "The data has %(num)d error; this page shows its last valid version",
        "The data has %(num)d errors; this page shows its last valid version",
        len(errors),
    ) % {"num": len(errors)}
    advice = labels.gettext("Fix the data file and save: the page reloads.")
    return (
        '<div class="srm-errors admonition failure" role="alert" data-srm-errors>'
        f'<p class="admonition-title">{html.escape(title)}</p>'
        f"<ul>{items}</ul><p>{html.escape(advice)}</p></div>"
    )


def asset_text(name: str) -> str:
    return resources.files("srm_handbook.site").joinpath("assets", name).read_text(encoding="utf-8")


def build_content(
    data_path: str | os.PathLike[str],
    paths: SitePaths | None = None,
    today: dt.date | None = None,
    display_path: str | None = None,
    history: bool = False,
    history_limit: int = DEFAULT_LIMIT,
    cache_dir: str | os.PathLike[str] | None = None,
    labels: i18n.Labels = i18n.ENGLISH,
) -> SiteContent:
    """Load and validate the data, then render every page. Raises SrmDataError.

    With ``history``, the "What changed" page and the "last changed" dates come from the
    data file's git history (see :mod:`srm_handbook.history`, which keeps what it learns
    about each version in ``cache_dir``); without it the page says that history is turned
    off."""
    paths = paths or SitePaths()
    today = today or dt.date.today()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    shown = display_path or os.fspath(data_path)
    raw = read_data(data_path, shown)
    srm = parse_model(raw, shown)
    timings["load"] = time.perf_counter() - start
    hist: History | None = None
    if history:
        # Imported only here: a site without history never loads git or the diff code.
        from srm_handbook.history.git_history import load_history

        mark = time.perf_counter()
        hist = load_history(
            data_path, srm, limit=history_limit, today=today, cache_dir=cache_dir, current_raw=raw
        )
        timings["history"] = time.perf_counter() - mark
        if hist.message:
            log.info("srm: no change history: %s", hist.message)
    mark = time.perf_counter()
    makers = export_makers(srm)
    json_text = str(makers.pop("srm.json")())  # its digest is on the pages
    digest = export.digest(json_text)
    options = ViewOptions(paths=paths, today=today, history=hist, digest=digest, labels=labels)
    generated = list(pages(srm, options))
    timings["pages"] = time.perf_counter() - mark
    # The other exports take about as long as rendering the pages (srm.xlsx; with framework
    # mappings the OSCAL file and the CRMs too): another core makes them, then helps render.
    background = in_background(
        {paths.asset(name): make for name, make in makers.items()}, [p.body for p in generated]
    )

    files: dict[str, str | bytes] = {paths.asset("srm.json"): json_text}
    for name in ASSETS:
        files[paths.asset(ASSET_DIR + name)] = asset_text(name)
    published = {_published_file(paths, p.src.removeprefix(paths.prefix)) for p in generated}
    for path, text in redirects(srm, paths, labels).items():
        # Never over a page or an export.
        if path not in published and path not in files and path not in background.names:
            files[path] = text
    log.info(
        "srm: %d responsibilities x %d capabilities (%d cells), %d pages; load %.2fs, "
        "history %.2fs, pages prepared %.2fs (each is rendered when it is written)",
        len(srm.responsibilities),
        len(srm.capabilities),
        len(srm.responsibilities) * len(srm.capabilities),
        len(generated),
        timings["load"],
        timings.get("history", 0.0),
        timings["pages"],
    )
    return SiteContent(srm, generated, files, background)


class RenderProgress:
    """Says how far the rendering of the pages has got, at most every ``interval``
    seconds (so a small build says nothing and a long one shows it is moving)."""

    def __init__(
        self,
        total: int,
        interval: float = 5.0,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total = total
        self.done = 0
        self.interval = interval
        self.clock = clock
        self.start = self.last = clock()

    def tick(self) -> str | None:
        """Count one page; a progress line when one is due."""
        self.done += 1
        now = self.clock()
        if now - self.last < self.interval or self.done >= self.total:
            return None
        self.last = now
        return (
            f"rendered {self.done} of {self.total} pages "
            f"({self.done * 100 // self.total} %, {now - self.start:.0f}s)"
        )


def _published_file(paths: SitePaths, page: str) -> str:
    """The file MkDocs writes for a page (``.../index.html`` with directory URLs)."""
    url = paths.url(page)
    return url + "index.html" if url.endswith("/") or url == "" else url


def redirect_path(paths: SitePaths, alias: str) -> str:
    """Where the redirect page of an alias is published: the file MkDocs would write for a
    page ``responsibilities/<alias>.md`` (``.../<alias>/index.html``, or ``<alias>.html``
    without directory URLs), prefix included."""
    return _published_file(paths, SitePaths.responsibility(alias))


def redirects(srm: Srm, paths: SitePaths, labels: i18n.Labels = i18n.ENGLISH) -> dict[str, str]:
    """A redirect page for every alias: published path -> HTML. Each sends the reader to
    the live responsibility page (keeping any #fragment), without JavaScript too."""
    template = environment(labels).get_template("redirect.html.j2")
    out: dict[str, str] = {}
    for r in srm.responsibilities:
        for alias in r.aliases:
            target = paths.link(
                SitePaths.responsibility(alias), paths.url(SitePaths.responsibility(r.id))
            )
            out[redirect_path(paths, alias)] = template.render(
                title=plain_text(r.name), target=target, alias=alias, language=labels.language
            )
    return out


def search_documents(content: SiteContent, paths: SitePaths) -> list[dict[str, str]]:
    """Search index documents for the generated pages, in the shape of Material's
    ``search/search_index.json`` (``location``, ``title``, ``text``; HTML-escaped)."""
    docs = []
    for page in content.pages:
        url = paths.url(page.src.removeprefix(paths.prefix))
        for entry in page.search_entries:
            docs.append(
                {
                    "location": url + (f"#{entry.fragment}" if entry.fragment else ""),
                    "title": html.escape(entry.title, quote=False),
                    "text": html.escape(entry.text, quote=False),
                }
            )
    return docs


def add_to_search_index(site_dir: str | os.PathLike[str], docs: list[dict[str, str]]) -> bool:
    """Append ``docs`` to the site's ``search/search_index.json``; False if there is none
    (search disabled). Written to a temporary file and renamed into place."""
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"].extend(docs)
    write_atomic(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode())
    return True
