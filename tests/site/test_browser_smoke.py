"""The browser harness itself: Chromium opens the built handbook from a local server."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_matrix_page_opens_in_chromium(browser: Any, bundled_url: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(bundled_url + "matrix/")
    assert page.locator("table.srm-matrix caption").inner_text().startswith("Responsibility matrix")
    cell = page.locator("#cell-authentication--web-triggers")
    assert cell.get_attribute("data-owners") == "you"
    assert cell.inner_text().strip() == "You"
    assert errors == []
    page.close()
