"""Accessibility: axe-core (through axe-playwright-python) on the handbook's main pages,
with axe's experimental table rules switched on. No serious or critical violation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE = Axe()
PAGES = {
    "home": "",
    "matrix": "matrix/",
    "responsibility": "responsibilities/authentication/",
    "capability": "capabilities/web-triggers/",
    "party": "parties/you/",
    "one-page view": "overview/",
    "frameworks": "frameworks/",
    "framework": "frameworks/nist/",
}


def experimental_table_rules(page: Any) -> list[str]:
    page.evaluate(AXE.axe_script)
    rules = page.evaluate(
        "axe.getRules(['experimental']).filter(r => r.tags.includes('cat.tables'))"
        ".map(r => r.ruleId)"
    )
    return [str(r) for r in rules]


def run_axe(page: Any, name: str, artifacts: Path, context: Any = None) -> dict[str, Any]:
    rules = experimental_table_rules(page)
    assert {"td-has-header", "table-fake-caption"} <= set(rules)
    options = {"resultTypes": ["violations"], "rules": {r: {"enabled": True} for r in rules}}
    results = AXE.run(page, context=context, options=options)
    response: dict[str, Any] = results.response
    ran = {r["id"] for kind in ("passes", "violations", "inapplicable") for r in response[kind]}
    assert set(rules) <= ran, "the experimental table rules did not run"
    summary = {
        "page": name,
        "url": page.url,
        "axe": response["testEngine"]["version"],
        "experimental rules on": rules,
        "violations": [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
            for v in response["violations"]
        ],
    }
    out = artifacts / f"axe-{name.replace(' ', '-')}.json"
    out.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    serious = [v for v in response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()
    return response


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_violations(page: Any, bundled_url: str, artifacts: Path, name: str) -> None:
    page.goto(bundled_url + PAGES[name])
    if name == "matrix":
        page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    response = run_axe(page, name, artifacts)
    if name in ("matrix", "one-page view"):  # tables of 3 x 3 cells or more
        passed = {r["id"] for r in response["passes"]}
        assert "td-has-header" in passed


def test_matrix_with_open_filters_in_dark_mode(
    page: Any, bundled_url: str, artifacts: Path
) -> None:
    """The filtered state: muted cells, hidden columns, a collapsed group, the capability
    list open, and Material's dark palette (colour contrast is checked again)."""
    page.goto(bundled_url + "matrix/?party=you&kind=sole&kind=shared&collapse=security-features")
    page.wait_for_selector("table[data-srm-matrix][data-srm-ready]")
    page.locator("label[for='__palette_1']").click()
    page.evaluate("document.getAnimations().forEach(a => a.finish())")  # colour transitions
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.locator("details.srm-filter-caps > summary").click()
    page.get_by_role("checkbox", name="UI kit").uncheck()
    response = run_axe(page, "matrix filtered dark", artifacts)
    contrast = [r["id"] for r in response["passes"] if r["id"] == "color-contrast"]
    assert contrast == ["color-contrast"]


def test_matrix_without_its_script(page: Any, bundled_url: str, artifacts: Path) -> None:
    """The matrix as it reads when srm.js does not run (axe itself needs JavaScript, so the
    script is blocked rather than JavaScript switched off)."""
    page.route("**/srm.js", lambda route: route.abort())
    page.goto(bundled_url + "matrix/")
    assert not page.locator("#srm-filters").is_visible()
    # Material's search dialog is a JavaScript widget that srm.js gives its name.
    run_axe(page, "matrix without script", artifacts, context={"exclude": [[".md-search"]]})
