"""Spreadsheets out: ``srm export --format xlsx`` (srm.xlsx), ``--excel`` CSV and the
duties CSV, as a user runs them and opens the result (openpyxl reads the workbooks)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from srm_handbook.core.load import load_model, parse_model
from srm_handbook.site.workbook import to_xlsx

from ..conftest import FORGE as DATA
from ..conftest import ROOT, BuildResult
from ..helpers import BASE, TWO_ROWS, edit
from ..site_html import read_page


def srm_bytes(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", *map(str, args)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def export(*args: str | Path) -> bytes:
    result = srm_bytes("export", *args)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


HOSTILE = edit(
    edit(
        edit(TWO_ROWS, "name: Authentication\n", 'name: "=HYPERLINK(\\"http://x\\",\\"y\\")"\n'),
        "- Check permissions.",
        "- \"+1+cmd|' /C calc'!A0\"",
    ),
    "    name: You\n",
    '    name: "@You & Co"\n',
)


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first = export("--format", "xlsx", DATA)
    out = tmp_path / "srm.xlsx"
    export("--format", "xlsx", DATA, "-o", out)
    assert first == out.read_bytes()
    assert first.startswith(b"PK\x03\x04")


def test_xlsx_sheets_a_reviewer_can_use() -> None:
    srm = load_model(DATA)
    book = _workbook(export("--format", "xlsx", DATA))
    assert book.sheetnames == ["Matrix", "Duties", "Parties & Capabilities", "About"]
    matrix = book["Matrix"]
    header = [c.value for c in matrix[1]]
    caps = [c.name for c in srm.capabilities]
    assert header[: 2 + len(caps)] == ["Category", "Responsibility", *caps]
    assert matrix.freeze_panes == "C2"  # the header row and the first two columns
    assert matrix.auto_filter.ref == f"A1:{matrix.cell(1, len(header) - 2).column_letter}20"
    assert "Legend" in header
    widths = [matrix.column_dimensions[c].width for c in ("A", "B", "C")]
    assert all(w and w >= 8 for w in widths)
    first = srm.responsibilities[0]
    row2 = [c.value for c in matrix[2]]
    assert row2[:2] == [srm.category[first.category].name, first.name]
    # one row per duty on the Duties sheet
    duties = list(book["Duties"].iter_rows(min_row=2, values_only=True))
    assert len(duties) == sum(len(r.duties) for r in srm.responsibilities)
    assert duties[0][:4] == (first.id, first.name, first.duties[0].party, "Atlassian")
    kinds = [row[0] for row in book["Parties & Capabilities"].iter_rows(2, values_only=True)]
    assert kinds.count("party") == len(srm.parties)
    assert kinds.count("capability") == len(srm.capabilities)


def test_xlsx_shared_owners_one_name_per_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(edit(BASE, "custom-ui: atlassian", "custom-ui: [atlassian, you]"), "utf-8")
    matrix = _workbook(export("--format", "xlsx", path))["Matrix"]
    assert matrix["C2"].value == "Atlassian\nYou"
    assert matrix["D2"].value == "You"


def test_xlsx_every_cell_is_text_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, "utf-8")
    book = _workbook(export("--format", "xlsx", path))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert '=HYPERLINK("http://x","y")' in texts
    assert "+1+cmd|' /C calc'!A0" in texts


def test_xlsx_extra_sheets_are_appended() -> None:
    srm = load_model(DATA)
    data = to_xlsx(srm, [("CRM nist", ["Control", "Inheritance"], [["AC-2", "=partial"]])])
    book = _workbook(data)
    assert book.sheetnames[-1] == "CRM nist"
    sheet = book["CRM nist"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Control", "Inheritance"],
        ["AC-2", "=partial"],
    ]
    assert sheet["B2"].data_type == "s"
    assert to_xlsx(srm, [("CRM nist", ["Control", "Inheritance"], [["AC-2", "=partial"]])]) == data


def test_site_publishes_srm_xlsx_linked_from_the_matrix(bundled_site: BuildResult) -> None:
    data = (bundled_site.site / "srm.xlsx").read_bytes()
    assert data == to_xlsx(load_model(DATA))
    # Made by a child process while MkDocs rendered the pages (srm_handbook.background).
    assert "a child process made the exports" in bundled_site.stderr
    assert "../srm.xlsx" in read_page(bundled_site.site, "matrix/").links
    assert "srm.xlsx" in read_page(bundled_site.site, "").links


# -- CSV for Excel ------------------------------------------------------------------------


def _rows(raw: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_excel_csv_has_a_bom_the_delimiter_and_party_ids(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        edit(BASE, "custom-ui: atlassian", "custom-ui: [atlassian, you]").replace(
            "name: Atlassian", "name: R&D Größe"
        ),
        "utf-8",
    )
    raw = export("--format", "csv", "--excel", "--delimiter", ";", path)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _rows(raw, ";")
    assert rows[0] == ["id", "responsibility", "category", "Custom UI", "Web triggers"]
    assert rows[1] == ["authentication", "Authentication", "App elements", "atlassian you", "you"]
    names = _rows(export("--format", "csv", "--excel", "--owners", "names", path))
    assert names[1][3] == "R&D Größe\nYou"  # one name per line: a '&' in a name stays clear


def test_plain_csv_keeps_its_contract(tmp_path: Path) -> None:
    raw = export("--format", "csv", DATA)
    assert not raw.startswith(b"\xef\xbb\xbf")
    result = srm_bytes("export", "--format", "csv", "--delimiter", ";", DATA)
    assert result.returncode == 2 and b"--delimiter needs --excel" in result.stderr


def test_duties_csv_one_row_per_duty() -> None:
    srm = load_model(DATA)
    rows = _rows(export("--format", "duties-csv", DATA))
    assert rows[0] == [
        "responsibility id",
        "responsibility",
        "party id",
        "party",
        "capabilities",
        "duty",
    ]
    assert len(rows) - 1 == sum(len(r.duties) for r in srm.responsibilities)
    first = srm.responsibilities[0].duties[0]
    assert rows[1][2] == first.party and rows[1][4] == " ".join(first.capabilities)
    assert rows[1][5] == first.text
    excel = export("--format", "duties-csv", "--excel", "--delimiter", ";", DATA)
    assert excel.startswith(b"\xef\xbb\xbf") and _rows(excel, ";") == rows


@pytest.mark.parametrize("fmt", ["duties-csv", "csv"])
def test_excel_csv_neutralises_formulas(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, "utf-8")
    parse_model(HOSTILE.encode())  # the model is valid
    rows = _rows(export("--format", fmt, "--excel", path))
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "@")), value
