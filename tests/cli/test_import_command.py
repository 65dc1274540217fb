"""``srm import``: spreadsheets of different shapes, written by the tests, imported through
the CLI as a user would; the round trip export -> import on every test model."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import load_model, parse_model
from srm_handbook.core.synthetic import generate

from ..conftest import FIXTURES, HANDBOOK_DATA, ROOT
from ..conftest import FORGE as DATA
from ..helpers import srm

CELL_LINE = re.compile(r"^(?P<where>.+?!?[A-Z]+\d+): error: (?P<message>.+)$")


def cell_errors(stderr: str, tmp_path: Path) -> dict[str, str]:
    """Cell (``ccm.xlsx:SSRM!D5``) -> message, for each error line."""
    found = {}
    for line in stderr.splitlines():
        m = CELL_LINE.match(line)
        if m:
            found[m["where"].removeprefix(f"{tmp_path}/")] = m["message"]
    return found


def valid_models() -> list[Path]:
    """The bundled srm_data.yaml and every valid model under tests/fixtures."""
    out = [HANDBOOK_DATA]
    for path in sorted([*FIXTURES.glob("*.yaml"), *FIXTURES.glob("*/srm_data.yaml")]):
        try:
            load_model(path)
        except SrmDataError:
            continue  # an invalid fixture (kept to test the errors) has no model to export
        out.append(path)
    return out


MODELS = valid_models()


def test_fixtures_include_several_valid_models() -> None:
    names = {str(p.relative_to(ROOT)) for p in MODELS}
    assert {
        "srm_data.yaml",
        "tests/fixtures/forge.yaml",
        "tests/fixtures/mapped/srm_data.yaml",
    } <= names
    assert len(names) >= 6


@pytest.mark.parametrize("model", MODELS, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_export_xlsx_then_import(tmp_path: Path, model: Path) -> None:
    # beside the model, as its catalog files (controls/) are read relative to it
    work = tmp_path / "model"
    work.mkdir()
    source = work / model.name
    shutil.copy(model, source)
    if (model.parent / "controls").is_dir() and model.parent != ROOT:
        shutil.copytree(model.parent / "controls", work / "controls")
    book = work / "srm.xlsx"
    assert srm("export", "--format", "xlsx", source, "-o", book).returncode == 0
    out = work / "back.yaml"
    result = srm("import", book, "-o", out)
    assert result.returncode == 0, result.stderr
    assert load_model(out) == load_model(model)
    assert srm("validate", out).returncode == 0


def test_round_trip_of_a_synthetic_model(tmp_path: Path) -> None:
    source = tmp_path / "synthetic.yaml"
    source.write_text(generate(40, 6, parties=4), encoding="utf-8")
    book = tmp_path / "srm.xlsx"
    assert srm("export", "--format", "xlsx", source, "-o", book).returncode == 0
    result = srm("import", book)
    assert result.returncode == 0, result.stderr
    assert parse_model(result.stdout.encode()) == load_model(source)


def test_round_trip_when_names_are_shared(tmp_path: Path) -> None:
    """Two capabilities and two parties with the same name: the workbook falls back to
    ids where names would be ambiguous, and the model still comes back equal."""
    text = (FIXTURES / "cloud_four_parties.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Compute", "name: Speicher").replace(
        "name: Kunde", "name: Plattform-Team"
    )
    source = tmp_path / "shared-names.yaml"
    source.write_text(text, encoding="utf-8")
    book = tmp_path / "srm.xlsx"
    assert srm("export", "--format", "xlsx", source, "-o", book).returncode == 0
    result = srm("import", book)
    assert result.returncode == 0, result.stderr
    assert parse_model(result.stdout.encode()) == load_model(source)


def test_imported_yaml_names_the_source_row_of_every_responsibility(tmp_path: Path) -> None:
    book = tmp_path / "srm.xlsx"
    srm("export", "--format", "xlsx", DATA, "-o", book)
    text = srm("import", book).stdout
    assert text.startswith("# yaml-language-server: $schema=schema/srm_data.schema.json\n")
    rows = len(load_model(DATA).responsibilities)
    comments = re.findall(r"^  # from srm\.xlsx, sheet Matrix, row (\d+)$", text, re.M)
    assert comments == [str(n) for n in range(2, rows + 2)]


# -- a CCM-like sheet: a merged header row, blank lines, ownership words ----------------


def ccm_sheet(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "SSRM"
    sheet.append(["Cloud Controls Matrix", None, None, "SSRM Control Ownership", None, None])
    sheet.merge_cells("D1:F1")
    sheet.append(
        [
            "Control ID",
            "Control Title",
            "Control Domain",
            "IaaS",
            "PaaS",
            "SaaS",
            "CSP Implementation Guidelines",
            "CSC Implementation Guidelines",
        ]
    )
    sheet.append([])
    for row in rows:
        sheet.append(row)
    sheet.append([])
    book.save(path)
    return path


CCM_OPTIONS = (
    "--column",
    "id=Control ID",
    "--column",
    "name=Control Title",
    "--column",
    "category=Control Domain",
    "--duty-column",
    "CSP Implementation Guidelines=provider",
    "--duty-column",
    "CSC Implementation Guidelines=customer",
)
GOOD_ROWS: list[list[object]] = [
    [
        "A&A-01",
        "Audit policy",
        "Audit & Assurance",
        "CSP-Owned",
        "Shared",
        "CSC-Owned",
        "Keep it.",
        "Read it.",
    ],
    [
        "A&A-02",
        "Assessments",
        "Audit & Assurance",
        "Shared CSP and CSC",
        "csp-owned",
        "N/A",
        "Assess.",
        "Ask.",
    ],
    [
        "IAM-01",
        "Identity policy",
        "Identity",
        "CSC-Owned",
        "CSC-Owned",
        "CSC-Owned",
        None,
        "Own it.",
    ],
]


def test_ccm_like_sheet(tmp_path: Path) -> None:
    book = ccm_sheet(tmp_path / "ccm.xlsx", GOOD_ROWS)
    out = tmp_path / "srm_data.yaml"
    result = srm("import", book, *CCM_OPTIONS, "--title", "CCM", "-o", out)
    assert result.returncode == 0, result.stderr
    model = load_model(out)
    assert [p.id for p in model.parties] == ["provider", "customer"]
    assert [c.name for c in model.capabilities] == ["IaaS", "PaaS", "SaaS"]
    assert [c.name for c in model.categories] == ["Audit & Assurance", "Identity"]
    assert [r.id for r in model.responsibilities] == ["a-a-01", "a-a-02", "iam-01"]
    first, second, _ = model.responsibilities
    assert first.owners == {
        "iaas": ("provider",),
        "paas": ("provider", "customer"),
        "saas": ("customer",),
    }
    assert second.owners["saas"] == ()
    assert [(d.party, d.text) for d in first.duties] == [
        ("provider", "Keep it."),
        ("customer", "Read it."),
    ]
    text = out.read_text(encoding="utf-8")
    assert "  # from ccm.xlsx, sheet SSRM, row 4\n  a-a-01:\n" in text
    assert "  # from ccm.xlsx, sheet SSRM, row 6\n  iam-01:\n" in text


def test_fedramp_crm_words_and_a_mapping_file(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "CRM"
    sheet.append(["Control", "Cloud", "Edge", "Customer responsibility", "Vendor notes"])
    sheet.append(["AC-2 Account management", "Yes", "Partial", "Manage your accounts.", None])
    sheet.append(["AC-3 Access enforcement", "No", "n/a", "Enforce access.", None])
    sheet.append(["CP-9 Backup", "Shared CSP and 3rd-party", "Outsourced", None, "Back up."])
    path = tmp_path / "crm.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        """\
sheet: CRM
title: FedRAMP CRM
columns:
  name: Control
  category: null
owners:
  Cloud: cloud
  Edge: edge
duties:
  Customer responsibility: customer
  Vendor notes:
    party: third-party
parties:
  provider:
    name: Cloud service provider
  customer:
    name: Agency
  third-party:
    name: Backup vendor
values:
  Outsourced: third-party
""",
        encoding="utf-8",
    )
    # the provider's duties are missing in this CRM: with --allow-gaps it is written anyway
    out = tmp_path / "srm_data.yaml"
    result = srm("import", path, "--mapping", mapping, "--allow-gaps", "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "title: FedRAMP CRM" in text
    assert "    name: Agency\n" in text
    assert "      cloud: provider\n      edge: [provider, customer]\n" in text
    assert "      cloud: customer\n      edge: n/a\n" in text
    assert "      cloud: [provider, third-party]\n      edge: third-party\n" in text
    todo = re.findall(r"# TODO: no duty of (\S+) applies to (\S+) yet \((.+?)\)", text)
    assert todo == [
        ("provider", "cloud", "crm.xlsx:CRM!B2"),
        ("provider", "edge", "crm.xlsx:CRM!C2"),
        ("provider", "cloud", "crm.xlsx:CRM!B4"),
    ]
    assert f"{path}:CRM!B2: warning:" in result.stderr
    # never invented text: the only duties are the sheet's own
    duties = re.findall(r"^        - (.+)$", text, re.M)
    assert duties == ["Manage your accounts.", "Enforce access.", "Back up."]


def test_gaps_are_rule_4_errors_at_the_owner_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        *GOOD_ROWS[:2],
        [
            "A&A-03",
            "Remediation",
            "Audit & Assurance",
            "Shared",
            "CSP-Owned",
            "CSC-Owned",
            None,
            "Fix.",
        ],
    ]
    book = ccm_sheet(tmp_path / "ccm.xlsx", rows)
    out = tmp_path / "srm_data.yaml"
    result = srm("import", book, *CCM_OPTIONS, "-o", out)
    assert result.returncode == 1
    assert not out.exists()
    errors = cell_errors(result.stderr, tmp_path)
    assert list(errors) == ["ccm.xlsx:SSRM!D6", "ccm.xlsx:SSRM!E6"]
    assert all("(rule 4;" in message for message in errors.values())
    assert result.stderr.splitlines()[-1] == "2 errors"


def test_every_bad_cell_in_one_run_and_nothing_written(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        GOOD_ROWS[0],
        [
            "A&A-02",
            "Assessments",
            "Audit & Assurance",
            "CSP owned",
            "Shared",
            "N/A",
            "Assess.",
            "Ask.",
        ],
        [
            "A&A-01",
            "Audit policy",
            "Audit & Assurance",
            "CSP-Owned",
            "CSP-Owned",
            "CSP-Owned",
            "x",
            None,
        ],
        [
            "IAM-01",
            '=HYPERLINK("http://evil","click")',
            "Identity",
            "CSC-Owned",
            "CSC-Owned",
            "CSC-Owned",
            None,
            "Own.",
        ],
        [
            "IAM-02",
            "Long text",
            "Identity",
            "CSC-Owned",
            "CSC-Owned",
            "CSC-Owned",
            None,
            "y" * 40_000,
        ],
        ["IAM-03", "Keys", "Identity", "CSC-Owned", None, "CSC-Owned", None, "Keep keys."],
    ]
    book = ccm_sheet(tmp_path / "ccm.xlsx", rows)
    out = tmp_path / "srm_data.yaml"
    result = srm("import", book, *CCM_OPTIONS, "-o", out)
    assert result.returncode == 1
    assert not out.exists()
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    found = cell_errors(result.stderr, tmp_path)
    assert found.keys() == {
        "ccm.xlsx:SSRM!D5",
        "ccm.xlsx:SSRM!A6",
        "ccm.xlsx:SSRM!B6",
        "ccm.xlsx:SSRM!B7",
        "ccm.xlsx:SSRM!H8",
        "ccm.xlsx:SSRM!E9",
    }, result.stderr
    assert found["ccm.xlsx:SSRM!D5"].startswith("unknown owner value 'CSP owned'; known: ")
    assert "csp-owned" in found["ccm.xlsx:SSRM!D5"]
    assert "duplicate id 'a-a-01' (row 4 has it too)" in found["ccm.xlsx:SSRM!A6"]
    assert "duplicate name 'Audit policy'" in found["ccm.xlsx:SSRM!B6"]
    assert "formula" in found["ccm.xlsx:SSRM!B7"]
    assert "too long: at most 20000 characters" in found["ccm.xlsx:SSRM!H8"]
    assert found["ccm.xlsx:SSRM!E9"].startswith("empty owner for 'PaaS'")
    assert lines[-1] == f"{len(lines) - 1} errors"


# -- CSV --------------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    path.write_bytes(
        "\ufeffResponsibility;Category;Plattform;Edge;Pflichten Kunde\r\n"
        "Verschlüsselung;Daten;Customer;n/a;Schlüssel rotieren.\r\n"
        ";;;;\r\n"
        'Größe prüfen;Daten;CSC-Owned;Customer;"Mit ; und\nZeilenumbruch"\r\n'.encode()
    )
    result = srm("import", path, "--duty-column", "Pflichten Kunde=customer")
    assert result.returncode == 0, result.stderr
    model = parse_model(result.stdout.encode())
    assert [r.id for r in model.responsibilities] == ["verschlusselung", "grosse-prufen"]
    assert [r.name for r in model.responsibilities] == ["Verschlüsselung", "Größe prüfen"]
    assert model.responsibilities[1].duties[0].text == "Mit ; und\nZeilenumbruch"
    assert "  # from matrix.csv, row 4\n" in result.stdout
    comma = srm("import", path, "--delimiter", ",", "--duty-column", "Pflichten Kunde=customer")
    assert comma.returncode == 1


def test_csv_control_characters_are_errors_at_their_cell(tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    path.write_text(
        "Responsibility,Hosting,Customer duty\nLogs\x1b[31m,Customer,Keep\x07 logs.\n",
        encoding="utf-8",
    )
    result = srm("import", path, "--duty-column", "Customer duty=customer")
    assert result.returncode == 1
    assert list(cell_errors(result.stderr, tmp_path)) == ["matrix.csv:A2", "matrix.csv:C2"]
    assert "U+001B" in result.stderr and "U+0007" in result.stderr


def test_csv_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    path.write_bytes("Responsibility,Hosting\nGr\xf6\xdfe,Customer\n".encode("latin-1"))
    result = srm("import", path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:row 2: error: not UTF-8 (byte 0xF6)")


# -- refusing files ---------------------------------------------------------------------


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    book = tmp_path / "srm.xlsx"
    srm("export", "--format", "xlsx", DATA, "-o", book)
    out = tmp_path / "srm_data.yaml"
    out.write_text("mine\n", encoding="utf-8")
    result = srm("import", book, "-o", out)
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert srm("import", book, "-o", out, "--force").returncode == 0
    assert load_model(out) == load_model(DATA)


def test_refuses_a_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    good = tmp_path / "good.xlsx"
    srm("export", "--format", "xlsx", DATA, "-o", good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/zeros.bin", b"\0" * (64 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    result = srm("import", path)
    assert result.returncode == 1
    assert "zip bomb" in result.stderr and "Traceback" not in result.stderr


def test_refuses_a_file_over_the_size_limit_and_a_damaged_workbook(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    result = srm("import", big)
    assert result.returncode == 1 and "over 20 MiB" in result.stderr
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = srm("import", damaged)
    assert result.returncode == 1
    assert "not a readable .xlsx workbook" in result.stderr and "Traceback" not in result.stderr


def test_xlsx_control_characters_from_another_writer(tmp_path: Path) -> None:
    """XlsxWriter stores control characters escaped (_x001B_): they come back as the
    characters, and the validator refuses them at their cell."""
    path = tmp_path / "ctl.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for col, value in enumerate(["Responsibility", "Hosting", "Customer duty"]):
        sheet.write_string(0, col, value)
    for col, value in enumerate(["Logs", "Customer", "Keep\x1b logs."]):
        sheet.write_string(1, col, value)
    book.close()
    result = srm("import", path, "--duty-column", "Customer duty=customer")
    assert result.returncode == 1
    assert list(cell_errors(result.stderr, tmp_path)) == ["ctl.xlsx:Sheet1!C2"]
    assert "U+001B" in result.stderr


def test_a_column_the_options_name_must_exist(tmp_path: Path) -> None:
    book = ccm_sheet(tmp_path / "ccm.xlsx", GOOD_ROWS)
    options = [o.replace("Control Domain", "Control Domian") for o in CCM_OPTIONS]
    result = srm("import", book, *options)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{book}:SSRM!2:2: error: no column named 'Control Domian' (columns.category)",
        "1 error",
    ]


def test_categories_whose_names_make_the_same_id(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "Responsibility,Category,Hosting,Duty\n"
        "A,Audit & Assurance,customer,Do A.\nB,Audit Assurance,customer,Do B.\n",
        encoding="utf-8",
    )
    result = srm("import", path, "--duty-column", "Duty=customer")
    assert result.returncode == 0, result.stderr
    model = parse_model(result.stdout.encode())
    assert [(c.id, c.name) for c in model.categories] == [
        ("audit-assurance", "Audit & Assurance"),
        ("audit-assurance-2", "Audit Assurance"),
    ]


def test_a_bad_mapping_file_is_reported_at_its_lines(tmp_path: Path) -> None:
    book = ccm_sheet(tmp_path / "ccm.xlsx", GOOD_ROWS)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("sheet: SSRM\ncolums:\n  name: X\nheader_row: two\n", encoding="utf-8")
    result = srm("import", book, "--mapping", mapping)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{mapping}:2:1: error: colums: unknown key (did you mean 'columns'?)",
        f"{mapping}:4:13: error: header_row: Input should be a valid integer, unable to parse "
        "string as an integer",
        "2 errors",
    ]
    missing = srm("import", book, "--mapping", tmp_path / "none.yaml")
    assert missing.returncode == 2 and "cannot read the mapping" in missing.stderr
