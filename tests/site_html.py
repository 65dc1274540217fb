"""Reading a built site's HTML the way the tests need it: ownership cells, duties, links."""

from __future__ import annotations

import html.parser
import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Cell:
    responsibility: str
    capability: str
    owners: str
    label: str


@dataclass(frozen=True)
class DutyMark:
    responsibility: str
    party: str
    capabilities: str
    text: str


@dataclass
class PageInfo:
    url: str
    cells: list[Cell] = field(default_factory=list)
    duties: list[DutyMark] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title: str = ""


class _Reader(html.parser.HTMLParser):
    def __init__(self, info: PageInfo) -> None:
        super().__init__(convert_charrefs=True)
        self.info = info
        self.stack: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.in_title = False
        self.skip = 0  # inside a duty's capability tags: not part of its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.info.ids.add(str(a["id"]))
        if tag == "a" and a.get("name"):
            self.info.ids.add(str(a["name"]))
        for key in ("href", "src"):
            value = a.get(key)
            if value is not None and tag in ("a", "link", "script", "img"):
                self.info.links.append(value)
        if tag == "title":
            self.in_title = True
        if self.skip or "srm-tags" in (a.get("class") or "").split():
            self.skip += 1
        if "data-srm-cell" in a or "data-srm-duty" in a:
            self.stack.append((tag, a, []))
        elif self.stack and tag == self.stack[-1][0]:
            self.stack.append((tag, {}, self.stack[-1][2]))  # nested same tag: share text

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skip:
            self.skip -= 1
        if not self.stack or self.stack[-1][0] != tag:
            return
        _, a, text = self.stack.pop()
        if not a:
            return
        content = " ".join("".join(text).split())
        if "data-srm-cell" in a:
            self.info.cells.append(
                Cell(
                    str(a["data-responsibility"]),
                    str(a["data-capability"]),
                    str(a["data-owners"]),
                    content,
                )
            )
        else:
            self.info.duties.append(
                DutyMark(
                    str(a["data-responsibility"]),
                    str(a["data-party"]),
                    str(a["data-capabilities"]),
                    content,
                )
            )

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.info.title += data
        if self.stack and not self.skip:
            self.stack[-1][2].append(data)


def read_html(html: str, url: str = "") -> PageInfo:
    """The cells, duties, links and ids of some HTML (a page, or a piece of one)."""
    info = PageInfo(url)
    reader = _Reader(info)
    reader.feed(html)
    reader.close()
    return info


def read_page(site: Path, url: str) -> PageInfo:
    path = site / url / "index.html" if url == "" or url.endswith("/") else site / url
    return read_html(path.read_text(encoding="utf-8"), url)


def all_pages(site: Path) -> dict[str, PageInfo]:
    """Every HTML page of the site by URL (directory URLs end in /)."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        url = (
            rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        )
        pages[url] = read_page(site, url)
    return pages


def load_json(site: Path, name: str = "srm.json") -> dict[str, object]:
    data: dict[str, object] = json.loads((site / name).read_text(encoding="utf-8"))
    return data


def resolve(site: Path, page_url: str, href: str) -> tuple[Path | None, str]:
    """The file a relative link from ``page_url`` points to, and its fragment.
    External and special links give (None, "")."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "//")):
        return None, ""
    base = page_url if page_url.endswith("/") or page_url == "" else posixpath.dirname(page_url)
    if parts.path.startswith("/"):
        base = ""
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
    if not parts.path:
        target = page_url
    path = site / target if target not in ("", ".") else site
    if path.is_dir() or (parts.path.endswith("/")) or target in ("", "."):
        path = path / "index.html"
    return path, parts.fragment


def broken_links(site: Path, pages: dict[str, PageInfo] | None = None) -> list[str]:
    """Every internal link (and #anchor) of the site that points nowhere."""
    pages = pages if pages is not None else all_pages(site)
    broken = []
    for url, info in pages.items():
        for href in info.links:
            target, fragment = resolve(site, url, href)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{url} -> {href}")
            elif fragment and target.suffix == ".html":
                rel = target.relative_to(site).as_posix()
                key = rel[: -len("index.html")] if rel.endswith("index.html") else rel
                if key not in pages or fragment not in pages[key].ids:
                    broken.append(f"{url} -> {href} (no #{fragment})")
    return broken
