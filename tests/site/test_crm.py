"""The derived crosswalk and customer responsibility matrix (``srm export --format
crm-csv``), against an independent reading of the rule and hand-checked cases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from srm_handbook.core import crosswalk
from srm_handbook.core.load import load_model
from srm_handbook.site import crm

from ..conftest import FIXTURES, ROOT
from ..crosswalk_reading import customer_duty_texts, inheritance_table
from ..helpers import srm

MAPPED = FIXTURES / "mapped" / "srm_data.yaml"
LABEL = {"yes": "Yes", "partial": "Partial", "no": "No", "n/a": "N/A"}


def _json(path: Path) -> dict[str, Any]:
    result = srm("export", "--format", "json", path)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _crm(path: Path, framework: str) -> list[list[str]]:
    result = srm("export", "--format", "crm-csv", "--framework", framework, path)
    assert result.returncode == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


def test_hand_checked_inheritance_of_the_three_party_model() -> None:
    model = load_model(MAPPED)
    rows = {r.control: r for r in crosswalk.control_rows(model, "nist")}
    # catalog order (AC, AU, IA, IR, SC), not order of first use
    assert list(rows) == ["AC-2", "AU-2", "IA-2", "IA-2(1)", "IR-4", "SC-28"]
    cells = {c.capability: (c.owners, c.inheritance) for c in rows["IA-2"].cells}
    assert cells == {
        "api": (("cloud", "you"), "partial"),  # cloud (authentication) + you (access review)
        "storage": (("cloud", "you"), "partial"),
        "console": (("admins",), "no"),  # authentication is n/a there
    }
    assert rows["IA-2"].responsibilities == ("authentication", "access-review")
    assert rows["IA-2"].title == "Identification and Authentication (organizational Users)"
    assert {c.capability: c.inheritance for c in rows["SC-28"].cells} == {
        "api": "n/a",
        "storage": "yes",
        "console": "n/a",
    }
    assert {c.inheritance for c in rows["AU-2"].cells} == {"n/a"}  # every mapped row n/a
    # a framework without a catalog: order of first use
    assert [r.control for r in crosswalk.control_rows(model, "pci")] == ["8.3.1", "3.5.1"]
    unmapped = crosswalk.unmapped_controls(model, "internal")
    assert [c.id for c in unmapped] == ["IC-03"]
    assert crosswalk.unmapped_controls(model, "pci") == ()


@pytest.mark.parametrize("framework", ["nist", "soc2", "internal", "pci"])
def test_crm_csv_agrees_with_an_independent_reading(framework: str) -> None:
    data = _json(MAPPED)
    table = inheritance_table(data, framework)
    names = {p["id"]: p["name"] for p in data["parties"]}
    caps = data["capabilities"]
    header, *rows = _crm(MAPPED, framework)
    assert header == [
        "Control ID",
        "Can Be Inherited from CSP",
        "Specific Inheritance and Customer Agency/CSP Responsibilities",
    ]
    assert len(rows) == len(table)
    assert {r[0] for r in rows} == {control for control, _ in table}
    for i, (control, label, text) in enumerate(rows):
        cap = caps[i % len(caps)]
        assert LABEL[table[control, cap["id"]][1]] == label, (control, cap)
        duties = customer_duty_texts(data, framework, control, cap["id"])
        expected = list(dict.fromkeys(f"{cap['name']}: {names[p]}: {t}" for p, t in duties))
        assert text.split("\n") == (expected or [f"{cap['name']}: no customer duties"])


def test_crm_rows_hand_checked() -> None:
    model = load_model(MAPPED)
    rows = [(r.control, r.capability, r.can_be_inherited) for r in crm.crm_rows(model, "soc2")]
    assert rows == [
        ("CC6.1", "api", "Partial"),
        ("CC6.1", "storage", "Partial"),
        ("CC6.1", "console", "No"),
        ("CC6.2", "api", "No"),
        ("CC6.2", "storage", "No"),
        ("CC6.2", "console", "No"),
    ]
    storage = crm.crm_rows(model, "soc2")[1]
    assert storage.text == (
        "Storage: You: Rotate storage access keys every 90 days.\n"
        "Storage: You: Review who holds API and storage credentials every quarter."
    )
    assert [d.responsibility for d in storage.duties] == ["authentication", "access-review"]


ONE_CAPABILITY = """\
schema: 1
title: One capability
parties:
  cloud:
    name: Cloud Co
    role: provider
  you:
    name: You
    role: customer
capabilities:
  api:
    name: API
categories:
  access:
    name: Access
frameworks:
  nist:
    name: NIST
    catalog: nist-800-53-r5
responsibilities:
  authentication:
    name: Authentication
    category: access
    owners:
      api: [cloud, you]
    duties:
      cloud:
        - Authenticate every API request.
      you:
        - Rotate API keys every 90 days.
    controls:
      nist: [IA-2]
  encryption:
    name: Encryption
    category: access
    owners:
      api: cloud
    duties:
      cloud:
        - Encrypt stored data.
    controls:
      nist: [SC-28, IA-2]
"""


def test_crm_of_a_one_capability_model_has_no_prefix(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(ONE_CAPABILITY, encoding="utf-8")
    assert _crm(tmp_path / "one.yaml", "nist")[1:] == [
        ["IA-2", "Partial", "You: Rotate API keys every 90 days."],
        ["SC-28", "Yes", ""],
    ]
    # --framework may be left out when the model maps one framework
    result = srm("export", "--format", "crm-csv", tmp_path / "one.yaml")
    assert result.returncode == 0 and result.stdout.startswith("Control ID,")


def test_crm_csv_usage_errors(tmp_path: Path) -> None:
    result = srm("export", "--format", "crm-csv", MAPPED)
    assert result.returncode == 2
    assert "--framework is required: one of nist, soc2, internal, pci" in result.stderr
    result = srm("export", "--format", "crm-csv", "--framework", "iso", MAPPED)
    assert result.returncode == 2 and "unknown framework 'iso'" in result.stderr
    result = srm("export", "--format", "crm-csv", FIXTURES / "cloud_four_parties.yaml")
    assert result.returncode == 2 and "maps no frameworks" in result.stderr


def test_crm_csv_neutralises_formulas(tmp_path: Path) -> None:
    text = (
        MAPPED.read_text(encoding="utf-8")
        .replace("Rotate storage access keys every 90 days.", "'=HYPERLINK(x)'")
        .replace('"8.3.1"', '"=1+1"')
    )
    (tmp_path / "controls").mkdir()
    (tmp_path / "controls" / "internal.yaml").write_text("controls: [IC-01, IC-02, IC-04]\n")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    rows = _crm(tmp_path / "m.yaml", "pci")
    assert rows[1][0] == "'=1+1"
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_bundled_model_crm_covers_every_mapped_control() -> None:
    data = _json(ROOT / "srm_data.yaml")
    for framework in data["frameworks"]:
        table = inheritance_table(data, framework["id"])
        _header, *rows = _crm(ROOT / "srm_data.yaml", framework["id"])
        assert len(rows) == len(table) > 0
        caps = data["capabilities"]
        for i, (control, label, _) in enumerate(rows):
            assert LABEL[table[control, caps[i % len(caps)]["id"]][1]] == label
