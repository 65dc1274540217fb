"""Everything a build publishes, from one data file: pages, exports and assets.

The MkDocs hook and ``srm render`` both call :func:`build_content`; neither knows how a
page is made.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .load import load_model
from .model import Srm
from .site_paths import SitePaths
from .views import GeneratedPage, ViewOptions, exports, pages

log = logging.getLogger("mkdocs.srm")

ASSETS = ("srm.css", "srm.js")
ASSET_DIR = "assets/srm/"


@dataclass
class SiteContent:
    srm: Srm
    pages: list[GeneratedPage]
    files: dict[str, str]
    """Other published files: path (prefix included) -> text."""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def nav_pages(self) -> list[GeneratedPage]:
        return [p for p in self.pages if p.in_nav]


def asset_text(name: str) -> str:
    return resources.files("srm_handbook").joinpath("assets", name).read_text(encoding="utf-8")


def build_content(
    data_path: str | os.PathLike[str],
    paths: SitePaths | None = None,
    today: dt.date | None = None,
    display_path: str | None = None,
) -> SiteContent:
    """Load and validate the data, then render every page. Raises SrmDataError."""
    paths = paths or SitePaths()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    srm = load_model(data_path, display=display_path)
    timings["load"] = time.perf_counter() - start

    hist = None  # change history: see issue 7
    mark = time.perf_counter()
    options = ViewOptions(paths=paths, today=today or dt.date.today(), history=hist)
    generated = list(pages(srm, options))
    timings["render"] = time.perf_counter() - mark

    files = {paths.asset(name): text for name, text in exports(srm).items()}
    for name in ASSETS:
        files[paths.asset(ASSET_DIR + name)] = asset_text(name)
    log.info(
        "srm: %d responsibilities x %d capabilities (%d cells), %d pages; load %.2fs, render %.2fs",
        len(srm.responsibilities),
        len(srm.capabilities),
        len(srm.responsibilities) * len(srm.capabilities),
        len(generated),
        timings["load"],
        timings["render"],
    )
    return SiteContent(srm, generated, files, timings)


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
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
    return True
