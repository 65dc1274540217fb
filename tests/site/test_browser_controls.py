"""The matrix's control filter in Chromium: ``matrix/?control=nist:IA-2`` shows the rows
mapped to that control, with URL state like the other filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import serve_directory
from .test_browser_matrix import open_matrix, query, shown_rows, status
from .test_framework_pages import build_mapped

pytestmark = pytest.mark.browser

ALL = ["authentication", "access-review", "encryption", "incident-response", "logging"]


@pytest.fixture(scope="module")
def mapped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_mapped(tmp_path_factory.mktemp("mapped-browser"))
    with serve_directory(site.site) as url:
        yield url


@pytest.fixture
def page(page: Any) -> Iterator[Any]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], errors


def test_control_in_the_url_shows_the_rows_mapped_to_it(page: Any, mapped_url: str) -> None:
    open_matrix(page, mapped_url, "?control=nist:IA-2")
    assert shown_rows(page) == ["authentication", "access-review"]
    assert page.get_by_label("Mapped to control").input_value() == "nist:IA-2"
    assert "mapped to nist IA-2" in status(page)
    open_matrix(page, mapped_url, "?control=pci:3.5.1&party=cloud")
    assert shown_rows(page) == ["encryption"]


def test_choosing_a_control_updates_the_url_and_back_restores(page: Any, mapped_url: str) -> None:
    open_matrix(page, mapped_url)
    assert shown_rows(page) == ALL
    page.get_by_label("Mapped to control").select_option("nist:IR-4")
    assert query(page) == {"control": ["nist:IR-4"]}
    assert shown_rows(page) == ["incident-response"]
    page.get_by_label("Mapped to control").select_option("internal:IC-01")
    assert shown_rows(page) == ["authentication", "access-review"]
    page.go_back()
    assert shown_rows(page) == ["incident-response"]
    assert page.get_by_label("Mapped to control").input_value() == "nist:IR-4"
    page.get_by_role("button", name="Show everything").click()
    assert shown_rows(page) == ALL
    assert query(page) == {}


def test_unknown_control_is_ignored(page: Any, mapped_url: str) -> None:
    open_matrix(page, mapped_url, "?control=nist:XX-9")
    assert shown_rows(page) == ALL
    assert page.get_by_label("Mapped to control").input_value() == ""


def test_framework_page_rows_link_to_the_filtered_matrix(page: Any, mapped_url: str) -> None:
    page.goto(mapped_url + "frameworks/nist/")
    page.locator('tr[data-control="IA-2(1)"] a.srm-matrix-link').click()
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    assert shown_rows(page) == ["authentication"]
    assert query(page) == {"control": ["nist:IA-2(1)"]}


def test_controls_section_links_reach_the_control_row(page: Any, mapped_url: str) -> None:
    page.goto(mapped_url + "responsibilities/encryption/")
    page.get_by_role("link", name="SC-28").click()
    page.wait_for_load_state()
    assert page.url.endswith("frameworks/nist/#control-SC-28")
    assert page.locator("#control-SC-28").is_visible()
