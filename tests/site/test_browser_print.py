"""Printing: the matrix on landscape pages without the site's chrome, each cell keeping its
text and pattern, one category per page when the matrix is long; the one-page view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from srm_handbook.core.synthetic import generate

from ..conftest import build_site, serve_directory

pytestmark = pytest.mark.browser

CHROME = (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary",
          ".md-search", ".md-footer", ".md-top")  # fmt: skip


@pytest.fixture(scope="module")
def long_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A matrix long enough to print one category per page: 60 rows in 3 categories."""
    data = generate(rows=60, capabilities=4, parties=3, seed=1, categories=3)
    site = build_site(tmp_path_factory.mktemp("long"), data)
    with serve_directory(site.site) as url:
        yield url


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF made by Chromium."""
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_matrix_prints_without_chrome(page: Any, bundled_url: str, artifacts: Path) -> None:
    page.goto(bundled_url + "matrix/")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    page.emulate_media(media="print")
    for selector in CHROME:
        assert not page.locator(selector).first.is_visible(), selector
    assert not page.locator("#srm-filters").is_visible()
    assert page.locator("table.srm-matrix").is_visible()
    assert page.locator(".srm-legend").is_visible()
    # Not sticky on paper; every cell there with its label, colours and patterns kept.
    for selector in ("thead th.srm-corner", "thead th[data-capability]", "tbody th[scope=row]"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).position") == (
            "static"
        )
    cells = page.locator("td[data-srm-cell]")
    texts = cells.evaluate_all("cs => cs.filter(c => c.checkVisibility()).map(c => c.innerText)")
    assert len(texts) == cells.count() and all(t.strip() for t in texts)
    shared = page.locator("td.srm-shared").first
    assert "repeating-linear-gradient" in shared.evaluate(
        "e => getComputedStyle(e).backgroundImage"
    )
    assert shared.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    page.screenshot(path=str(artifacts / "matrix-print.png"), full_page=True, animations="disabled")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "matrix-print.pdf").write_bytes(pdf)
    sizes = pdf_pages(pdf)
    assert sizes and all(w > h for w, h in sizes), sizes  # landscape, every page


def test_screen_keeps_the_header_sticky(page: Any, bundled_url: str) -> None:
    page.goto(bundled_url + "matrix/")
    head = page.locator("thead th[data-capability]").first
    assert head.evaluate("e => getComputedStyle(e).position") == "sticky"


def test_a_filtered_view_prints_what_it_shows(page: Any, bundled_url: str) -> None:
    page.goto(bundled_url + "matrix/?party=you&kind=sole")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    page.emulate_media(media="print")
    status = page.locator("#srm-status")
    assert status.is_visible()
    assert re.fullmatch(r"\d+ of \d+ responsibilities shown", status.inner_text())
    assert not page.locator("#srm-q").is_visible()
    shown = page.locator("tr[data-responsibility]").evaluate_all(
        "rows => rows.filter(r => r.checkVisibility()).length"
    )
    assert str(shown) == status.inner_text().split()[0]
    page.goto(bundled_url + "matrix/")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    assert not page.locator("#srm-status").is_visible()  # nothing filtered: no status line


def test_a_long_matrix_prints_one_category_per_page(page: Any, long_url: str) -> None:
    page.goto(long_url + "matrix/")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    page.emulate_media(media="print")
    groups = page.locator("table.srm-matrix > tbody")
    assert groups.count() == 3
    breaks = groups.evaluate_all("gs => gs.map(g => getComputedStyle(g).breakBefore)")
    assert breaks == ["auto", "page", "page"]
    assert page.locator("table.srm-matrix > thead").evaluate(
        "e => getComputedStyle(e).display"
    ) == ("table-header-group")  # repeated on every page
    sizes = pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert len(sizes) >= 3 and all(w > h for w, h in sizes)


def test_short_matrix_does_not_force_page_breaks(page: Any, bundled_url: str) -> None:
    page.goto(bundled_url + "matrix/")
    page.emulate_media(media="print")
    breaks = page.locator("table.srm-matrix > tbody").evaluate_all(
        "gs => gs.map(g => getComputedStyle(g).breakBefore)"
    )
    assert set(breaks) == {"auto"}


def test_one_page_view_for_print_and_find(page: Any, bundled_url: str, artifacts: Path) -> None:
    page.goto(bundled_url + "overview/")
    # Everything on one page: the matrix, then every responsibility with owners and duties.
    assert page.locator("table.srm-matrix td[data-srm-cell]").count() > 0
    first_row = page.locator("table.srm-matrix tbody th[scope=row] a").first
    href = first_row.get_attribute("href")
    assert href is not None and href.startswith("#row-")  # stays on the page (offline)
    assert page.locator(href).count() == 1
    owners = page.locator(href + " ~ p.srm-owners-line").first.inner_text()
    assert owners.startswith("Owners: Custom UI: ")
    assert page.locator("li[data-srm-duty]").count() > 0
    sections = page.locator("section.srm-overview-category")
    last = page.locator("section.srm-overview-category li[data-srm-duty] .srm-text").last
    text = last.text_content() or ""
    assert text.strip() and page.evaluate("t => window.find(t)", " ".join(text.split()))
    page.emulate_media(media="print")
    for selector in CHROME:
        assert not page.locator(selector).first.is_visible(), selector
    assert sections.count() == 3
    assert set(sections.evaluate_all("ss => ss.map(s => getComputedStyle(s).breakBefore)")) == {
        "page"
    }
    assert page.locator(
        "li[data-srm-duty] input[type=checkbox]"
    ).first.is_visible()  # a paper checklist
    pdf = page.pdf(print_background=True)
    (artifacts / "overview-print.pdf").write_bytes(pdf)
    assert len(pdf_pages(pdf)) >= 4
