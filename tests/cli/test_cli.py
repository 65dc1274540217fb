"""The ``srm`` command as a user runs it (subprocesses): exit codes, exports, help."""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from srm_handbook.cli.main import build_parser

from ..helpers import srm

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DATA = FIXTURES / "forge.yaml"  # the frozen Forge model

SAMPLE = """\
schema: 1
title: Sample model
last_updated: "2021-02-23"
parties:
  atlassian:
    name: Atlassian
  you:
    name: You
    possessive: Your
capabilities:
  custom-ui:
    name: Custom UI
  ui-kit:
    name: UI kit
    status: beta
  web-triggers:
    name: Web triggers
    status: beta
categories:
  app-elements:
    name: App elements
  security-features:
    name: Security features
responsibilities:
  authentication:
    name: Authentication of requests to the app
    category: app-elements
    description: Ensure that every request is authenticated.
    aliases: [authn]
    owners:
      custom-ui: atlassian
      ui-kit: [you, atlassian]
      web-triggers: n/a
    duties:
      you:
        - Check the session in UI kit handlers.
      atlassian:
        - Authenticate the user before invoking the app.
        - text: Sign UI kit requests.
          capabilities: [ui-kit]
    references:
      - title: OWASP ASVS
        url: https://owasp.org/www-project-application-security-verification-standard/
  dos-protection:
    name: DoS protection
    category: security-features
    owners:
      custom-ui: atlassian
      ui-kit: atlassian
      web-triggers: you
    duties:
      atlassian:
        - Detect DoS attacks.
      you:
        - Rate-limit web triggers.
"""


def srm_bytes(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Like :func:`srm`, with stdout as bytes (no newline translation)."""
    return subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", *map(str, args)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- validate --------------------------------------------------------------------------------


def test_validate_valid_file_exits_0_with_a_summary(sample: Path) -> None:
    result = srm("validate", sample)
    assert result.returncode == 0
    assert result.stdout == f"{sample}: valid: 2 responsibilities, 6 cells, 5 duties\n"
    assert result.stderr == ""


def test_validate_quiet_prints_nothing(sample: Path) -> None:
    result = srm("validate", "-q", sample)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_validate_defaults_to_srm_data_yaml_in_the_current_directory(tmp_path: Path) -> None:
    shutil.copy(DATA, tmp_path / "srm_data.yaml")
    result = srm("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("srm_data.yaml: valid: 19 responsibilities")


def test_validate_invalid_file_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE.replace("web-triggers: you", "web-triggers: yuo"))
    result = srm("validate", path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "2 errors"
    line = SAMPLE.splitlines().index("      web-triggers: you") + 1
    assert f"{path}:{line}:21: error: unknown party 'yuo' (did you mean 'you'?)" in result.stderr


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    result = srm("validate", tmp_path / "absent.yaml")
    assert result.returncode == 2
    assert "cannot read the file" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_default_file_exits_2(tmp_path: Path) -> None:
    result = srm("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("srm_data.yaml:1:1: error: cannot read the file")


def test_unknown_option_is_a_usage_error() -> None:
    result = srm("validate", "--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr


def test_missing_command_is_a_usage_error() -> None:
    result = srm()
    assert result.returncode == 2
    assert "usage: srm" in result.stderr


# -- export --format json (srm.json, site contract) --------------------------------------------


def export_json(path: Path) -> Any:
    result = srm("export", "--format", "json", path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_export_json_is_the_default_format(sample: Path) -> None:
    assert json.loads(srm("export", sample).stdout) == export_json(sample)


def test_export_json_shape_is_the_site_contract(sample: Path) -> None:
    data = export_json(sample)
    keys = [d.pop("key") for r in data["responsibilities"] for d in r["duties"]]
    # derived keys (no duty has an id here): row / party / hash of the text, all distinct
    assert [k.split("/")[:2] for k in keys] == [
        ["authentication", "atlassian"],
        ["authentication", "atlassian"],
        ["authentication", "you"],
        ["dos-protection", "atlassian"],
        ["dos-protection", "you"],
    ]
    assert len(set(keys)) == len(keys)
    assert data == {
        "$schema": "srm.schema.json",
        "schema": 1,
        "title": "Sample model",
        "intro": None,
        "last_updated": "2021-02-23",
        "review_interval_days": None,
        "parties": [
            {
                "id": "atlassian",
                "name": "Atlassian",
                "possessive": "Atlassian's",
                "plural": False,
                "description": None,
            },
            {
                "id": "you",
                "name": "You",
                "possessive": "Your",
                "plural": False,
                "description": None,
            },
        ],
        "capabilities": [
            {"id": "custom-ui", "name": "Custom UI", "status": None, "description": None},
            {"id": "ui-kit", "name": "UI kit", "status": "beta", "description": None},
            {"id": "web-triggers", "name": "Web triggers", "status": "beta", "description": None},
        ],
        "categories": [
            {"id": "app-elements", "name": "App elements", "description": None},
            {"id": "security-features", "name": "Security features", "description": None},
        ],
        "responsibilities": [
            {
                "id": "authentication",
                "name": "Authentication of requests to the app",
                "category": "app-elements",
                "description": "Ensure that every request is authenticated.",
                "aliases": ["authn"],
                # every capability, owners in party order, n/a as []
                "owners": {
                    "custom-ui": ["atlassian"],
                    "ui-kit": ["atlassian", "you"],
                    "web-triggers": [],
                },
                # duties in party order; capabilities after defaulting (rule 3)
                "duties": [
                    {
                        "party": "atlassian",
                        "text": "Authenticate the user before invoking the app.",
                        "capabilities": ["custom-ui", "ui-kit"],
                        "id": None,
                    },
                    {
                        "party": "atlassian",
                        "text": "Sign UI kit requests.",
                        "capabilities": ["ui-kit"],
                        "id": None,
                    },
                    {
                        "party": "you",
                        "text": "Check the session in UI kit handlers.",
                        "capabilities": ["ui-kit"],
                        "id": None,
                    },
                ],
                "references": [
                    {
                        "title": "OWASP ASVS",
                        "url": "https://owasp.org/www-project-application-security-verification-standard/",
                    }
                ],
                "reviewed": None,
            },
            {
                "id": "dos-protection",
                "name": "DoS protection",
                "category": "security-features",
                "description": None,
                "aliases": [],
                "owners": {
                    "custom-ui": ["atlassian"],
                    "ui-kit": ["atlassian"],
                    "web-triggers": ["you"],
                },
                "duties": [
                    {
                        "party": "atlassian",
                        "text": "Detect DoS attacks.",
                        "capabilities": ["custom-ui", "ui-kit"],
                        "id": None,
                    },
                    {
                        "party": "you",
                        "text": "Rate-limit web triggers.",
                        "capabilities": ["web-triggers"],
                        "id": None,
                    },
                ],
                "references": [],
                "reviewed": None,
            },
        ],
    }


def test_export_json_of_the_forge_model() -> None:
    data = export_json(DATA)
    assert data["schema"] == 1
    assert data["last_updated"] == "2021-02-23"
    assert [p["id"] for p in data["parties"]] == ["atlassian", "you"]
    assert [c["id"] for c in data["capabilities"]] == ["custom-ui", "ui-kit", "web-triggers"]
    rows = data["responsibilities"]
    assert len(rows) == 19
    assert rows[0]["id"] == "authentication"
    caps = [c["id"] for c in data["capabilities"]]
    for row in rows:
        assert list(row["owners"]) == caps
        for duty in row["duties"]:
            assert duty["capabilities"], duty
            assert all(duty["party"] in row["owners"][c] for c in duty["capabilities"])
    # a string and its Markdown are passed through untouched
    assert "`asUser()`" in rows[1]["duties"][2]["text"]


def test_export_json_puts_each_record_on_its_own_line() -> None:
    """A diff of two srm.json files names the records that changed."""
    text = srm("export", DATA).stdout
    data = json.loads(text)
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    for key in ("parties", "capabilities", "categories", "responsibilities"):
        start = lines.index(f'  "{key}": [')
        records = lines[start + 1 : start + 1 + len(data[key])]
        assert [json.loads(line.strip().removesuffix(",")) for line in records] == data[key]
        assert lines[start + 1 + len(data[key])].strip() in ("]", "],")
    assert '  "title": "Forge shared responsibility model",' in lines


def test_export_json_keeps_non_ascii_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, SAMPLE.replace("Detect DoS attacks.", "Détecter les attaques « DoS » 🙂")
    )
    text = srm("export", path).stdout
    assert "Détecter les attaques « DoS » 🙂" in text


# -- export --format csv (srm.csv) ---------------------------------------------------------------


def export_csv(path: Path) -> tuple[str, list[list[str]]]:
    result = srm_bytes("export", "--format", "csv", path)
    assert result.returncode == 0, result.stderr
    raw = result.stdout.decode("utf-8")
    return raw, list(csv.reader(io.StringIO(raw, newline="")))


def test_export_csv_is_the_matrix(sample: Path) -> None:
    raw, rows = export_csv(sample)
    assert rows == [
        ["id", "responsibility", "category", "Custom UI", "UI kit", "Web triggers"],
        [
            "authentication",
            "Authentication of requests to the app",
            "App elements",
            "Atlassian",
            "Atlassian & You",
            "n/a",
        ],
        ["dos-protection", "DoS protection", "Security features", "Atlassian", "Atlassian", "You"],
    ]
    assert raw.count("\r\n") == 3  # RFC 4180 line ends


def test_export_csv_of_the_forge_model() -> None:
    _, rows = export_csv(DATA)
    assert len(rows) == 20
    assert rows[1][:3] == [
        "authentication",
        "Authentication of requests to the app",
        "App elements",
    ]
    assert rows[1][3:] == ["Atlassian", "Atlassian", "You"]


def test_export_csv_neutralises_formulas(tmp_path: Path) -> None:
    text = (
        SAMPLE.replace("    name: Atlassian\n", '    name: "@Atlassian"\n')
        .replace("    name: You\n", "    name: =You\n")
        .replace("name: Custom UI", "name: +Custom UI")
        .replace("name: Security features", "name: -Security features")
        .replace("name: DoS protection", 'name: "=HYPERLINK(\\"http://x\\")"')
    )
    _, rows = export_csv(write(tmp_path, text))
    assert rows[0][3] == "'+Custom UI"
    assert rows[1][3:] == ["'@Atlassian", "'@Atlassian & =You", "n/a"]
    assert rows[2][1:] == [
        '\'=HYPERLINK("http://x")',
        "'-Security features",
        "'@Atlassian",
        "'@Atlassian",
        "'=You",
    ]


CSV_FORMULAS = {
    # A separator of any locale starts a new cell in importers that split first.
    "Patch;=2+5": True,
    "Patch,=2+5": True,
    "Patch|@SUM(A1)": True,
    "Patch\t-1": True,
    "two lines\n+1": True,
    # Spaces and invisible characters before the trigger, full-width triggers.
    " =1+1": True,
    "\u00a0=1+1": True,
    "\u200b=1+1": True,
    "\ufeff@SUM(A1)": True,
    "\uff1d1+1": True,
    "Patch; \uff0bcmd": True,
    "\t plain": True,
    "\r plain": True,
    # Not formulas: text that only holds the characters elsewhere.
    "Patch level 2+5=7": False,
    "e-mail @ work": False,
    "Atlassian & You": False,
    "a; b, c | d": False,
}


@pytest.mark.parametrize("value", list(CSV_FORMULAS))
def test_export_csv_neutralises_formulas_after_any_separator(tmp_path: Path, value: str) -> None:
    """OWASP's CSV injection guidance, at every position a cell can start: every field is
    quoted (no locale's separator splits it) and a formula-like one starts with '."""
    name = json.dumps(value)  # a YAML double-quoted scalar
    raw, rows = export_csv(write(tmp_path, SAMPLE.replace("name: DoS protection", f"name: {name}")))
    assert rows[2][1] == ("'" + value if CSV_FORMULAS[value] else value)
    lines = raw.split("\r\n")
    assert all(line.startswith('"') and line.endswith('"') for line in lines if line), raw
    # Split at a semicolon as Excel does in locales that use it: every piece stays
    # inside the quotes of its field, so none of them starts a cell.
    assert all(line.count('"') % 2 == 0 for line in lines)


def test_export_csv_quotes_separators(tmp_path: Path) -> None:
    path = write(
        tmp_path, SAMPLE.replace("name: DoS protection", 'name: "DoS, \\"flood\\" protection"')
    )
    raw, rows = export_csv(path)
    assert rows[2][1] == 'DoS, "flood" protection'
    assert '"DoS, ""flood"" protection"' in raw


# -- -o ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_output_option_writes_a_file(sample: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"srm.{fmt}"
    result = srm("export", "--format", fmt, sample, "-o", target)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert target.read_bytes() == srm_bytes("export", "--format", fmt, sample).stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_export_invalid_data_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, SAMPLE.replace("category: app-elements", "category: app"))
    target = tmp_path / "srm.json"
    result = srm("export", path, "-o", target)
    assert result.returncode == 1
    assert not target.exists()


def test_export_to_an_unwritable_place_is_a_usage_error(sample: Path, tmp_path: Path) -> None:
    result = srm("export", sample, "-o", tmp_path / "missing-dir" / "srm.json")
    assert result.returncode == 2
    assert result.stderr.startswith("srm export: error: ")
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_output_option_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = srm("schema", "-o", target)
    assert result.returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "srm_data.yaml"


# -- help --------------------------------------------------------------------------------------


def _commands() -> list[str]:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def test_top_level_help_shows_examples() -> None:
    result = srm("--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    for command in ("validate", "export", "schema"):
        assert command in result.stdout


@pytest.mark.parametrize("command", _commands())
def test_every_command_help_shows_an_example(command: str) -> None:
    result = srm(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout
    after = result.stdout[result.stdout.index("Example") :]
    assert f"srm {command}" in after, result.stdout


def test_version() -> None:
    result = srm("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("srm ")


# -- the synthetic data generator (python -m srm_handbook.synthetic) ---------------------------


def test_synthetic_generator_writes_a_valid_file(tmp_path: Path) -> None:
    target = tmp_path / "big.yaml"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "srm_handbook.core.synthetic"),
            *("--rows", "60", "--capabilities", "7", "--seed", "3", "-o", str(target)),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    validated = srm("validate", target)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith(f"{target}: valid: 60 responsibilities, 420 cells, ")


def test_synthetic_generator_rejects_impossible_sizes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "srm_handbook.core.synthetic", "--rows", "0", "--capabilities", "7"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "rows must be between 1 and 10000, got 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_synthetic_generator_maps_controls_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "mapped.yaml"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "srm_handbook.core.synthetic"),
            *("--rows", "400", "--capabilities", "4", "--controls-per-row", "3", "-o", str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = srm("export", "--format", "json", out)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [p["role"] for p in data["parties"]] == ["provider", "customer", "customer"]
    mapped = [c for r in data["responsibilities"] for c in r["controls"]["nist"]]
    assert len(mapped) == 1200
    assert len(set(mapped)) == 1011  # dealt in catalog order: every control is used
