"""Hostile text in Chromium: every page of the hostile sites opens without running anything.

The sites are those of ``test_hostile_site.py`` (built once per session): the hostile data
through the hook, the same data through ``srm render`` and a plain MkDocs build, and one
small site per group of payloads in the title. On every page Chromium must show no
dialog and no script error, the DOM must hold no event handler, no live javascript:,
data: or vbscript: URL and no element made from a payload, and each plain text, and each
raw-HTML payload of a Markdown text, must be visible character for character. Material's
search box and the matrix filters get payload-bearing queries too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from ..conftest import serve_directory
from ..hostile_payloads import (
    PAYLOADS,
    HostileSite,
    collapse,
    hostile_site,
    rendered_hostile_site,
    title_sites,
)

pytestmark = pytest.mark.browser

SITE_NAME = "Security handbook"

# Runs in the page after load (and after two animation frames, so that onload, onerror,
# ontoggle and autofocus handlers have had their turn). Returns what only a payload could
# have produced, the visible text and the document title.
AUDIT = """
async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const MARK = /XSS(\\d\\d|U\\d)/i;
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "data", "poster", "srcset",
    "background", "cite", "codebase", "ping", "manifest", "longdesc", "lowsrc", "dynsrc"]);
  const DANGEROUS = new Set(["script", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "style", "link", "meta", "base", "form", "input", "button",
    "textarea", "select", "details", "template", "noscript", "marquee", "video", "audio",
    "source", "body", "html", "portal", "image", "use", "animate", "set", "foreignobject",
    "mglyph", "mtext", "table"]);
  const problems = [];
  const root = document.documentElement;
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const tag = el.localName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`<${tag}> has an event handler ${name}`);
      if (name.includes("xss") || name === "markdown") {
        problems.push(`<${tag}> has the payload attribute ${name}`);
      }
      if (URL_ATTRS.has(name) || name.endsWith("href")) {
        const parts = name === "srcset" ? a.value.split(",") : [a.value];
        for (const part of parts) {
          let scheme = "";
          try {
            scheme = new URL(part.trim().split(/\\s+/)[0], document.baseURI).protocol;
          } catch (e) {
            continue;
          }
          if (["javascript:", "data:", "vbscript:"].includes(scheme)) {
            problems.push(`<${tag} ${name}="${a.value.slice(0, 80)}"> is a live ${scheme} URL`);
          }
        }
      }
      if (name === "style" && MARK.test(a.value)) problems.push(`<${tag}> has payload style`);
    }
    if (DANGEROUS.has(tag)) {
      const open = el.cloneNode(false).outerHTML;
      const isData = tag === "script" && /json/.test(el.getAttribute("type") || "");
      const raw = ["script", "style", "noscript", "template"].includes(tag) ? el.textContent : "";
      if (isData) {
        if (/<!--|<script/i.test(raw)) problems.push(`JSON <script> can be escaped: ${open}`);
      } else if (MARK.test(open) || MARK.test(raw)) {
        problems.push(`<${tag}> made from a payload: ${open.slice(0, 160)}`);
      }
    }
  }
  const texts = [];
  const walker = document.createTreeWalker(document.body || root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest("script, style, noscript, template")) continue;
    texts.push(n.data);
  }
  return {problems, text: texts.join(" "), title: document.title};
}
"""


@dataclass
class Tab:
    """One browser tab shared by a test: records dialogs and script errors."""

    page: Any
    base: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def audit(self, url: str) -> dict[str, Any]:
        self.page.goto(self.base + url, wait_until="load")
        result: dict[str, Any] = self.page.evaluate(AUDIT)
        return result


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Every hostile site, built once, served from their common temporary folder."""
    base = tmp_path_factory.getbasetemp()
    hostile_site(base)
    rendered_hostile_site(base)
    title_sites(base)
    with serve_directory(base) as url:
        yield base, url


@pytest.fixture
def tab(browser: Any, sites: tuple[Path, str]) -> Iterator[Tab]:
    page = browser.new_page()
    tab = Tab(page, sites[1])

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    page.close()


def test_the_audit_sees_payloads_that_get_through(browser: Any) -> None:
    """The checks can fail: the same payloads, pasted raw into a page, are caught."""
    page = browser.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    missed = []
    for payload in PAYLOADS[:35]:
        if payload.marker in ("XSS30", "XSS31"):  # broken markup, pre-escaped text
            continue
        before = len(dialogs)
        contexts = (
            f"<p>{payload.text}</p>",
            f'<a title="{payload.text}">x</a>',
            f"<a title='{payload.text}'>x</a>",
        )
        seen = False
        for markup in contexts:
            page.set_content(f"<!doctype html><title>t</title><body>{markup}</body>")
            seen = seen or bool(page.evaluate(AUDIT)["problems"])
        if not seen and len(dialogs) == before:
            missed.append(payload.marker)
    page.close()
    assert missed == []
    assert any("XSS02" in d for d in dialogs)


def _site_url(base: Path, site: HostileSite) -> str:
    return site.site.relative_to(base).as_posix() + "/"


def _page_urls(site: Path) -> list[str]:
    urls = []
    for path in sorted(site.rglob("index.html")):
        rel = path.relative_to(site).parent.as_posix()
        urls.append("" if rel == "." else rel + "/")
    return urls


def _walk_site(tab: Tab, prefix: str, site: HostileSite, per_kind: int | None = None) -> None:
    """Open every page (or the first ``per_kind`` pages of each kind); check the DOM, the
    literal texts and the page titles."""
    problems: dict[str, list[str]] = {}
    not_shown: list[tuple[str, str, str]] = []
    escaped_twice: list[tuple[str, str]] = []
    bad_titles: list[tuple[str, str]] = []
    expected: dict[str, list[Any]] = {}
    for placement in site.data.placements:
        expected.setdefault(placement.url, []).append(placement)
    names = {
        **{f"responsibilities/{k}/": v["name"] for k, v in _doc(site, "responsibilities")},
        **{f"capabilities/{k}/": v["name"] for k, v in _doc(site, "capabilities")},
        **{f"parties/{k}/": v["name"] for k, v in _doc(site, "parties")},
        "": site.data.document["title"],
    }
    redirects = {f"responsibilities/old-{rid}/" for rid in site.data.document["responsibilities"]}
    urls = [u for u in _page_urls(site.site) if u not in redirects]
    assert len(urls) > 60
    if per_kind is not None:
        kinds: dict[str, int] = {}
        sample = []
        for url in urls:
            kind = url.split("/")[0] if url.count("/") > 1 else url
            kinds[kind] = kinds.get(kind, 0) + 1
            if kinds[kind] <= per_kind:
                sample.append(url)
        urls = sample
    for url in urls:
        result = tab.audit(prefix + url)
        if result["problems"]:
            problems[url] = result["problems"]
        text = collapse(result["text"])
        for placement in expected.get(url, []):
            payload = placement.payload
            if placement.markdown and not payload.md_literal:
                continue
            if collapse(payload.text) not in text:
                not_shown.append((url, placement.kind, payload.marker))
            twice = html.escape(payload.text, quote=False)
            if twice != payload.text and collapse(twice) in text:
                escaped_twice.append((url, payload.marker))
        if url in names and _title(result["title"]) != _title(f"{names[url]} - {SITE_NAME}"):
            bad_titles.append((url, result["title"]))
    assert problems == {}
    assert tab.dialogs == []
    assert tab.errors == []
    assert not_shown == []
    assert escaped_twice == []
    assert bad_titles == []
    if per_kind is None:
        opened = {u for u in urls if u in expected}
        assert opened == set(expected) - redirects, "every page was opened"


def _title(text: str) -> str:
    """A title as Chromium's document.title gives it: control characters read as spaces."""
    return collapse(re.sub(r"[\x00-\x1f\x7f]", " ", text))


def _doc(site: HostileSite, section: str) -> list[tuple[str, Any]]:
    return list(site.data.document[section].items())


def test_every_page_of_the_hostile_site_is_inert(
    tab: Tab, sites: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = sites[0]
    site = hostile_site(base)
    _walk_site(tab, _site_url(base, site), site)


def test_pages_rendered_by_srm_render_are_inert(tab: Tab, sites: tuple[Path, str]) -> None:
    """The same HTML in Markdown files (front matter, raw blocks) through a plain MkDocs
    build; a sample of each kind of page (test_hostile_site audits every page's HTML)."""
    base = sites[0]
    site = rendered_hostile_site(base)
    _walk_site(tab, _site_url(base, site), site, per_kind=4)


def test_every_payload_in_the_title_shows_as_text(tab: Tab, sites: tuple[Path, str]) -> None:
    base = sites[0]
    problems = {}
    for s in title_sites(base):
        result = tab.audit(s.build.site.relative_to(base).as_posix() + "/")
        if result["problems"]:
            problems[s.title] = result["problems"]
        assert collapse(s.title) in collapse(result["text"])
        assert _title(result["title"]) == _title(f"{s.title} - {SITE_NAME}")
    assert problems == {}
    assert tab.dialogs == []
    assert tab.errors == []


def test_alias_redirects_of_hostile_rows_land_on_the_live_page(
    tab: Tab, sites: tuple[Path, str]
) -> None:
    base = sites[0]
    site = hostile_site(base)
    prefix = _site_url(base, site)
    for rid in list(site.data.document["responsibilities"])[:3]:
        tab.page.goto(f"{tab.base}{prefix}responsibilities/old-{rid}/#owners")
        tab.page.wait_for_url(f"**/responsibilities/{rid}/#owners")
        assert tab.page.evaluate(AUDIT)["problems"] == []
    assert tab.dialogs == []
    assert tab.errors == []


SEARCH_QUERIES = (
    "XSS02",
    "onerror",
    "<img src=x onerror=alert('XSS97') data-xss97>",
    "<script>alert('XSS98')</script>",
    "\"><svg onload=alert('XSS99')>",
)


def test_material_search_shows_payloads_as_text(tab: Tab, sites: tuple[Path, str]) -> None:
    """Queries typed into Material's search box, the results they list, and the pages they
    open with the query highlighted (``?h=``, the search.highlight feature)."""
    from playwright.sync_api import expect

    base = sites[0]
    prefix = _site_url(base, hostile_site(base))
    tab.audit(prefix)
    page = tab.page
    search = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    results = page.locator(".md-search-result__item")
    search.click()
    shown = ""
    for query in SEARCH_QUERIES:
        search.fill("")
        search.press_sequentially(query)
        expect(meta).to_contain_text("matching")
        if query == "XSS02":
            expect(results.first).to_be_visible()
            shown = collapse(" ".join(results.all_inner_texts()))
        assert page.evaluate(AUDIT)["problems"] == [], query
    assert "<img src=x onerror=alert('XSS02') data-xss02>" in shown, "found, shown as text"
    for query in SEARCH_QUERIES:
        result = tab.audit(f"{prefix}responsibilities/row-0/?h={quote(query, safe='')}")
        assert result["problems"] == [], query
    assert tab.dialogs == []
    assert tab.errors == []


FILTER_PAYLOADS = {"XSS01", "XSS02", "XSS03", "XSS09", "XSS21", "XSS22", "XSS23", "XSS25"}
FILTER_PAYLOADS |= {"XSS32", "XSS33", "XSS34", "XSS58"}


def test_matrix_filters_take_payloads_as_plain_queries(tab: Tab, sites: tuple[Path, str]) -> None:
    base = sites[0]
    site = hostile_site(base)
    prefix = _site_url(base, site)
    markup = [p for p in PAYLOADS if p.marker in FILTER_PAYLOADS]
    assert len(markup) == len(FILTER_PAYLOADS)
    for payload in markup:
        value = quote(payload.text, safe="")
        result = tab.audit(f"{prefix}matrix/?q={value}&party={value}&capability={value}")
        assert result["problems"] == [], payload.marker
    assert tab.dialogs == []
    assert tab.errors == []
