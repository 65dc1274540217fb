"""The framework pages, the responsibility pages' "Controls" section, the published CRM
and search, on a built site, against an independent reading of the contract's rule."""

from __future__ import annotations

import csv
import html.parser
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..conftest import FIXTURES, BuildResult, make_project, run_build
from ..crosswalk_reading import customer_duty_texts, inheritance_table, mapped_rows

FORGE_MAPPED = FIXTURES / "forge_mapped.yaml"
MAPPED = FIXTURES / "mapped"


@dataclass
class ControlMark:
    framework: str
    control: str
    responsibilities: str
    cells: list[dict[str, str]] = field(default_factory=list)
    crm: list[dict[str, str]] = field(default_factory=list)
    """The customer duties listed in the row (``data-srm-crm-duty``)."""


class _Controls(html.parser.HTMLParser):
    """The ``data-srm-control`` rows of a framework page and their cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[ControlMark] = []
        self.unmapped: list[str] = []
        self.cell: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-srm-control" in a:
            self.rows.append(ControlMark(a["data-framework"], a["data-control"],
                                         a["data-responsibilities"]))  # fmt: skip
        elif "data-srm-control-cell" in a:
            self.cell = {**a, "text": ""}
            self.rows[-1].cells.append(self.cell)
        elif "data-srm-crm-duty" in a:
            self.rows[-1].crm.append(a)
        elif "data-srm-unmapped-control" in a:
            self.unmapped.append(a["data-srm-unmapped-control"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["text"] += data


def read_controls(page: str) -> _Controls:
    reader = _Controls()
    reader.feed(page)
    return reader


def build_mapped(tmp: Path, data: str | None = None) -> BuildResult:
    project = make_project(tmp, MAPPED / "srm_data.yaml" if data is None else data)
    shutil.copytree(MAPPED / "controls", project / "controls")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def mapped_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildResult]:
    yield build_mapped(tmp_path_factory.mktemp("mapped"))


def srm_json(site: BuildResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site.site / "srm.json").read_text(encoding="utf-8"))
    return data


INHERITANCE_TEXT = {"yes": "Inherited", "partial": "Shared", "no": "Customer"}


def check_framework_page(site: BuildResult, framework: str) -> _Controls:
    """Every marker and label of a framework page agrees with the independent reading."""
    data = srm_json(site)
    table = inheritance_table(data, framework)
    page = read_controls(site.page(f"frameworks/{framework}/"))
    assert [r.framework for r in page.rows] == [framework] * len(page.rows)
    assert {r.control for r in page.rows} == {c for c, _ in table}
    assert len(page.rows) == len({r.control for r in page.rows})
    names = {p["id"]: p["name"] for p in data["parties"]}
    for row in page.rows:
        assert row.responsibilities.split() == mapped_rows(data, framework, row.control)
        assert [c["data-capability"] for c in row.cells] == [c["id"] for c in data["capabilities"]]
        for cell in row.cells:
            owners, value = table[row.control, cell["data-capability"]]
            assert cell["data-owners"] == (" ".join(owners) or "n/a")
            if value is None:
                assert "data-inheritance" not in cell
            else:
                assert cell["data-inheritance"] == value
            label = " & ".join(names[p] for p in owners) or "Not applicable"
            assert cell["text"].startswith(label)
            if owners and value is not None:
                assert cell["text"].endswith(INHERITANCE_TEXT[value])
    # The customer's responsibility: per control, the customer duties of the mapped rows
    # (each tagged with the capabilities it applies to), the union over the capabilities.
    roles = {p["id"]: p.get("role") for p in data["parties"]}
    for row in page.rows:
        expected = [
            (r["id"], d["party"], " ".join(d["capabilities"]))
            for r in data["responsibilities"]
            if row.control in r["controls"].get(framework, [])
            for d in r["duties"]
            if roles[d["party"]] == "customer"
        ]
        found = [
            (m["data-responsibility"], m["data-party"], m["data-capabilities"]) for m in row.crm
        ]
        assert found == expected, row.control
        for cap in data["capabilities"]:  # and per capability, the contract's duties
            per_cap = [
                (p, t) for p, t in customer_duty_texts(data, framework, row.control, cap["id"])
            ]
            shown = [
                (m["data-party"],) for m in row.crm if cap["id"] in m["data-capabilities"].split()
            ]
            assert shown == [(p,) for p, _ in per_cap]
    return page


@pytest.mark.parametrize("framework", ["nist", "soc2", "internal", "pci"])
def test_framework_page_agrees_with_the_rule(mapped_site: BuildResult, framework: str) -> None:
    check_framework_page(mapped_site, framework)


def test_framework_page_order_titles_coverage_and_unmapped(mapped_site: BuildResult) -> None:
    nist = mapped_site.page("frameworks/nist/")
    page = read_controls(nist)
    assert [r.control for r in page.rows] == ["AC-2", "AU-2", "IA-2", "IA-2(1)", "IR-4", "SC-28"]
    assert "Account Management" in nist
    assert "6 of 1011 controls mapped" in nist  # 1,193 less the 182 withdrawn
    assert "AC-1" in page.unmapped and "AC-2" not in page.unmapped
    assert "AC-2(10)" not in page.unmapped  # withdrawn
    assert len(page.unmapped) == 1011 - 6
    soc2 = mapped_site.page("frameworks/soc2/")
    assert "2 of 61 criteria mapped" in soc2
    internal = read_controls(mapped_site.page("frameworks/internal/"))
    assert [r.control for r in internal.rows] == ["IC-01", "IC-02", "IC-04"]
    assert internal.unmapped == ["IC-03"]
    assert "Quarterly access review" in mapped_site.page("frameworks/internal/")
    pci_html = mapped_site.page("frameworks/pci/")
    pci = read_controls(pci_html)
    assert [r.control for r in pci.rows] == ["8.3.1", "3.5.1"]  # order of first use
    assert "2 controls mapped (no catalog to compare with)" in pci_html
    assert pci.unmapped == [] and 'id="unmapped"' not in pci_html


def test_frameworks_index_and_home_link_every_framework(mapped_site: BuildResult) -> None:
    index = mapped_site.page("frameworks/")
    for fid in ("nist", "soc2", "internal", "pci"):
        assert f'href="../frameworks/{fid}/"' in index
    assert "6 of 1011 controls mapped" in index
    home = mapped_site.page("")
    assert 'href="frameworks/"' in home and 'href="frameworks/nist/"' in home
    assert 'href="srm.oscal.json"' in home


def test_responsibility_page_links_each_control_to_its_row(mapped_site: BuildResult) -> None:
    page = mapped_site.page("responsibilities/authentication/")
    assert '<h2 id="controls">Controls</h2>' in page
    for framework, control, anchor in [
        ("nist", "IA-2", "control-IA-2"),
        ("nist", "IA-2(1)", "control-IA-2(1)"),
        ("soc2", "CC6.1", "control-CC6.1"),
        ("internal", "IC-01", "control-IC-01"),
        ("pci", "8.3.1", "control-8.3.1"),
    ]:
        href = f'href="../../frameworks/{framework}/#{anchor}"'
        assert href in page, href
        assert f'data-control="{control}">{control}</a>' in page
        assert f'id="{anchor}"' in mapped_site.page(f"frameworks/{framework}/")


def test_published_crm_csv_equals_the_export(mapped_site: BuildResult) -> None:
    data = srm_json(mapped_site)
    names = {p["id"]: p["name"] for p in data["parties"]}
    caps = data["capabilities"]
    for framework in ("nist", "soc2", "internal", "pci"):
        text = (mapped_site.site / f"srm-crm-{framework}.csv").read_text(encoding="utf-8")
        _header, *rows = list(csv.reader(io.StringIO(text)))
        table = inheritance_table(data, framework)
        assert len(rows) == len(table)
        for i, (control, label, duties) in enumerate(rows):
            cap = caps[i % len(caps)]
            value = table[control, cap["id"]][1]
            assert label == {"yes": "Yes", "partial": "Partial", "no": "No", "n/a": "N/A"}[value]
            expected = [
                f"{cap['name']}: {names[p]}: {t}"
                for p, t in customer_duty_texts(data, framework, control, cap["id"])
            ]
            assert duties.split("\n") == (
                list(dict.fromkeys(expected)) or [f"{cap['name']}: no customer duties"]
            )
    assert 'href="../../srm-crm-nist.csv"' in mapped_site.page("frameworks/nist/")


def test_customer_duties_in_a_control_row_read_as_text(mapped_site: BuildResult) -> None:
    page = mapped_site.page("frameworks/nist/")
    row = page[page.index('data-control="IA-2(1)"') :]
    row = row[: row.index("</tr>")]
    assert (
        '<a href="../../responsibilities/authentication/#authentication--duty-you-1">You</a>: '
        'Rotate storage access keys every 90 days. <span class="srm-scope">(Storage)</span>'
    ) in row
    assert "Cloud Co</a>:" not in row  # provider duties are not the customer's


def test_search_finds_a_control_id(mapped_site: BuildResult) -> None:
    index = json.loads((mapped_site.site / "search" / "search_index.json").read_text("utf-8"))
    hits = [d for d in index["docs"] if "IA-2(1)" in d["title"] or "IA-2(1)" in d["text"]]
    locations = {d["location"] for d in hits}
    assert "frameworks/nist/#control-IA-2(1)" in locations
    assert "responsibilities/authentication/#controls" in locations
    [doc] = [d for d in hits if d["location"] == "frameworks/nist/#control-IA-2(1)"]
    assert "Authentication" in doc["text"]


def test_matrix_has_the_control_filter_and_its_index(mapped_site: BuildResult) -> None:
    matrix = mapped_site.page("matrix/")
    assert '<select id="srm-control" name="control">' in matrix
    assert '<option value="nist:IA-2">IA-2 Identification and Authentication' in matrix
    start = matrix.index('<script type="application/json" id="srm-control-index">')
    body = matrix[matrix.index(">", start) + 1 : matrix.index("</script>", start)]
    index = json.loads(body)
    assert index["nist:IA-2"] == ["authentication", "access-review"]
    assert index["pci:8.3.1"] == ["authentication"]
    data = srm_json(mapped_site)
    expected = {
        f"{f['id']}:{c}": mapped_rows(data, f["id"], c)
        for f in data["frameworks"]
        for c in {c for r in data["responsibilities"] for c in r["controls"].get(f["id"], [])}
    }
    assert index == expected


def test_without_roles_pages_show_owners_only(tmp_path: Path) -> None:
    text = (MAPPED / "srm_data.yaml").read_text(encoding="utf-8")
    text = text.replace("    role: provider\n", "").replace("    role: customer\n", "")
    site = build_mapped(tmp_path, text)
    page = check_framework_page(site, "nist")
    assert all(row.crm == [] for row in page.rows)
    assert not list(site.site.glob("srm-crm-*.csv"))
    assert "Customer responsibility matrix" not in site.page("frameworks/nist/")


def test_model_without_frameworks_builds_with_an_empty_index(tmp_path: Path) -> None:
    site = build_mapped(tmp_path, (FIXTURES / "cloud_four_parties.yaml").read_text("utf-8"))
    assert "This model maps no compliance frameworks" in site.page("frameworks/")
    assert not (site.site / "frameworks" / "nist").exists()
    assert "srm-control" not in site.page("matrix/")
    first = srm_json(site)["responsibilities"][0]["id"]
    assert 'id="controls"' not in site.page(f"responsibilities/{first}/")


# --- The Forge model's mapping (tests/fixtures/forge_mapped.yaml, a frozen copy of the
# bundled srm_data.yaml with the handbook's own mapping) ---------------------------------


@pytest.fixture(scope="module")
def forge_mapped_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = run_build(make_project(tmp_path_factory.mktemp("forge-mapped"), FORGE_MAPPED))
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("framework", ["soc2", "iso27001", "nist"])
def test_forge_framework_pages_agree_with_the_rule(
    forge_mapped_site: BuildResult, framework: str
) -> None:
    page = check_framework_page(forge_mapped_site, framework)
    assert page.rows


def test_forge_mapping_is_complete_and_stated_as_the_handbooks_own(
    forge_mapped_site: BuildResult,
) -> None:
    data = srm_json(forge_mapped_site)
    assert [(p["id"], p["role"]) for p in data["parties"]] == [
        ("atlassian", "provider"),
        ("you", "customer"),
    ]
    assert [f["catalog"] for f in data["frameworks"]] == [
        "soc2-2017",
        "iso-27001-2022",
        "nist-800-53-r5",
    ]
    for row in data["responsibilities"]:  # every row maps controls of every framework
        assert set(row["controls"]) == {"soc2", "iso27001", "nist"}, row["id"]
    home = forge_mapped_site.page("")
    assert "this handbook's own reading" in home.replace("\u2019", "'")
    assert "They are not Atlassian's" in home.replace("\u2019", "'")
    soc2 = forge_mapped_site.page("frameworks/soc2/")
    mapped = len(read_controls(soc2).rows)
    assert f"{mapped} of 61 criteria mapped" in soc2
