"""Framework mappings in the data: rules 6 and 7, roles, catalogs (built-in and of the
user's own), "did you mean" hints, the JSON Schema and the ``srm.json`` additions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from srm_handbook.core import catalog
from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import load_model, parse_model
from srm_handbook.core.model import Srm

from ..conftest import FIXTURES, ROOT
from ..helpers import BASE, as_editors_read_it, edit, srm
from .test_rules import at

# The facts the built-in catalogs come from, beside the repository (../shared/catalogs/).
SHARED_CATALOGS = next(
    (p for p in (ROOT.parent / "shared" / "catalogs", Path("/work/shared/catalogs")) if p.is_dir()),
    ROOT.parent / "shared" / "catalogs",
)
MAPPED = FIXTURES / "mapped" / "srm_data.yaml"

# BASE with roles and three frameworks; the row maps controls of two of them.
FRAMEWORKS = """\
frameworks:
  nist:
    name: NIST SP 800-53 rev. 5
    catalog: nist-800-53-r5
  iso:
    name: ISO/IEC 27001:2022
    catalog: iso-27001-2022
  pci:
    name: PCI DSS
"""
MAPPED_BASE = (
    edit(
        edit(BASE, "categories:\n", FRAMEWORKS + "categories:\n"),
        "    name: Atlassian\n",
        "    name: Atlassian\n    role: provider\n",
    ).replace("    name: You\n", "    name: You\n    role: customer\n")
    + "    controls:\n      nist: [IA-2, IA-2(1)]\n      pci: [8.3.1]\n"
)


def load(text: str, tmp: Path | None = None) -> Srm:
    if tmp is None:
        return parse_model(text.encode(), "t.yaml")
    (tmp / "t.yaml").write_text(text, encoding="utf-8")
    return load_model(tmp / "t.yaml", "t.yaml")


def errors(text: str, tmp: Path | None = None) -> list[tuple[str, int, int, str]]:
    with pytest.raises(SrmDataError) as info:
        load(text, tmp)
    return [(d.path, d.line, d.column, d.message) for d in info.value.diagnostics]


def test_mapped_base_loads_with_roles_frameworks_and_controls() -> None:
    model = load(MAPPED_BASE)
    assert [(p.id, p.role) for p in model.parties] == [
        ("atlassian", "provider"),
        ("you", "customer"),
    ]
    assert [(f.id, f.catalog_name) for f in model.frameworks] == [
        ("nist", "nist-800-53-r5"),
        ("iso", "iso-27001-2022"),
        ("pci", None),
    ]
    assert model.responsibilities[0].controls == {"nist": ("IA-2", "IA-2(1)"), "pci": ("8.3.1",)}


@pytest.mark.skipif(not SHARED_CATALOGS.is_dir(), reason="no ../shared/catalogs here")
def test_packaged_catalogs_equal_the_shared_facts() -> None:
    for name in catalog.BUILTIN:
        shipped = json.loads(catalog.builtin_json(name))
        shared = json.loads((SHARED_CATALOGS / f"{name}.json").read_text(encoding="utf-8"))
        assert shipped == shared, name
    assert {p.stem for p in SHARED_CATALOGS.glob("*.json")} == set(catalog.BUILTIN)


def test_built_in_catalogs_have_titles_only_for_nist() -> None:
    assert len(catalog.builtin("nist-800-53-r5").controls) == 1193
    assert catalog.builtin("nist-800-53-r5").get("IA-2(1)") is not None
    for name in ("iso-27001-2022", "soc2-2017", "csa-ccm-4.0"):
        assert all(c.title is None for c in catalog.builtin(name).controls), name
    assert [len(catalog.builtin(n).controls) for n in ("iso-27001-2022", "soc2-2017")] == [93, 61]


@pytest.mark.parametrize(
    ("written", "meant", "framework"),
    [
        ("ac-2", "AC-2", "nist"),
        ("AC-02", "AC-2", "nist"),
        ("ac-2.1", "AC-2(1)", "nist"),
        ("A.5.01", "A.5.1", "iso"),
        ("a.8.9", "A.8.9", "iso"),
    ],
)
def test_rule6_near_miss_gets_did_you_mean(written: str, meant: str, framework: str) -> None:
    text = MAPPED_BASE.replace("      pci: [8.3.1]\n", f"      {framework}: ['{written}']\n")
    if framework == "nist":
        text = MAPPED_BASE.replace("[IA-2, IA-2(1)]", f"[IA-2, '{written}']")
    line, col = at(text, f"'{written}'")
    catalog_name = "nist-800-53-r5" if framework == "nist" else "iso-27001-2022"
    assert errors(text) == [
        (
            "t.yaml",
            line,
            col,
            f"control {written!r} is not in the catalog {catalog_name!r} "
            f"(did you mean {meant!r}?) (rule 6)",
        )
    ]


def test_rule6_withdrawn_nist_control_names_where_it_went() -> None:
    text = MAPPED_BASE.replace("[IA-2, IA-2(1)]", "[AC-3(1), AC-2(10)]")
    assert errors(text) == [
        (
            "t.yaml",
            *at(text, "AC-3(1)"),
            "control 'AC-3(1)' is withdrawn from NIST SP 800-53 Revision 5: it was moved to "
            "or incorporated into AC-6 (rule 6)",
        ),
        (
            "t.yaml",
            *at(text, "AC-2(10)"),
            "control 'AC-2(10)' is withdrawn from NIST SP 800-53 Revision 5 (rule 6)",
        ),
    ]


def test_every_mapping_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    text = MAPPED_BASE.replace("[IA-2, IA-2(1)]", "[IA-2, XX-1, IA-2]").replace(
        "      pci: [8.3.1]\n", "      pcii: [1]\n      iso: []\n"
    )
    text = text.replace("    name: PCI DSS\n", "    name: PCI DSS\n    catalog: controls.yaml\n")
    text = text.replace("    catalog: iso-27001-2022\n", "    catalog: iso-27001\n")
    text = text.replace("    role: customer\n", "")
    found = errors(text, tmp_path)
    assert found == sorted([
        ("t.yaml", *at(text, "iso-27001\n"),
         "unknown catalog 'iso-27001' (did you mean 'iso-27001-2022'?): use a built-in catalog "
         "(nist-800-53-r5, iso-27001-2022, soc2-2017, csa-ccm-4.0) or the path of a catalog "
         "file (rule 6)"),
        ("t.yaml", *at(text, "controls.yaml"),
         "cannot read the catalog file 'controls.yaml': no such file (rule 6)"),
        ("t.yaml", *at(text, "you:\n"),
         "You owns responsibilities but has no role, while other parties have one "
         "(Atlassian): give every owning party a role, provider or customer"),
        ("t.yaml", *at(text, "XX-1"),
         "control 'XX-1' is not in the catalog 'nist-800-53-r5' (rule 6)"),
        ("t.yaml", *at(text, "IA-2]"),
         "control 'IA-2' is listed twice (first as entry 1) (rule 7)"),
        ("t.yaml", *at(text, "pcii"),
         "unknown framework 'pcii' (did you mean 'pci'?) (rule 6)"),
        ("t.yaml", *at(text, "[]"),
         "empty list of controls for 'iso': list them or remove the key (rule 7)"),
    ])  # fmt: skip


def test_controls_without_any_framework_declared() -> None:
    text = BASE + "    controls:\n      nist: [AC-2]\n"
    assert errors(text) == [
        ("t.yaml", *at(text, "nist"), "unknown framework 'nist': declare it under 'frameworks' "
         "(rule 6)")
    ]  # fmt: skip


def test_framework_without_catalog_accepts_any_id_as_written() -> None:
    text = MAPPED_BASE.replace("[8.3.1]", "['8.3.1', 'Req 12 (any text)']")
    assert load(text).responsibilities[0].controls["pci"] == ("8.3.1", "Req 12 (any text)")


def test_roles_are_optional_but_all_or_nothing_for_owning_parties() -> None:
    text = MAPPED_BASE.replace("    role: provider\n", "").replace("    role: customer\n", "")
    assert all(p.role is None for p in load(text).parties)
    # A party that owns nothing needs no role.
    idle = edit(MAPPED_BASE, "capabilities:\n", "  auditor:\n    name: Auditor\ncapabilities:\n")
    assert load(idle).party["auditor"].role is None
    bad = MAPPED_BASE.replace("role: customer", "role: client")
    [(_, line, col, message)] = errors(bad)
    assert (line, col) == at(bad, "client")
    assert "'role'" in message and "provider" in message and "customer" in message


# -- catalog files of the user's own ---------------------------------------------------------

OWN = MAPPED_BASE.replace("    name: PCI DSS\n", "    name: PCI DSS\n    catalog: pci.yaml\n")


def test_own_catalog_file_checks_ids_and_keeps_titles(tmp_path: Path) -> None:
    (tmp_path / "pci.yaml").write_text(
        "name: PCI DSS v4.0\ncontrols:\n  - id: 8.3.1\n    title: Strong authentication\n"
        "  - 3.5.1\n",
        encoding="utf-8",
    )
    model = load(OWN, tmp_path)
    own = model.framework["pci"].catalog
    assert own is not None
    assert [(c.id, c.title) for c in own.controls] == [
        ("8.3.1", "Strong authentication"),
        ("3.5.1", None),
    ]
    bad = OWN.replace("[8.3.1]", "['8.3.01', 9.9]")
    assert errors(bad, tmp_path) == [
        ("t.yaml", *at(bad, "'8.3.01'"),
         "control '8.3.01' is not in the catalog 'pci.yaml' (did you mean '8.3.1'?) (rule 6)"),
        ("t.yaml", *at(bad, "9.9"), "control '9.9' is not in the catalog 'pci.yaml' (rule 6)"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"controls:\n  - id: A-1\n  - id: A-1\n", [(3, 9, "control id 'A-1' is listed twice "
                                                    "(first as entry 1)")]),
        (b"controls: [A-1, \xff]\n", [(1, 17, "invalid UTF-8 byte 0xff; the file must be UTF-8")]),
        (b"controls: [A-1\n", [(2, 1, "YAML syntax: did not find expected ',' or ']' (while "
                                      "parsing a flow sequence)")]),
        (b"controls: []\nnme: x\n", [(1, 11, "'controls' must be a non-empty list of control "
                                             "ids"),
                                     (2, 1, "unknown key 'nme' (did you mean 'name'?)")]),
        (b"- A-1\n", [(1, 1, "a catalog file is a mapping with a 'controls' list (and an "
                             "optional 'name')")]),
        (b"controls:\n  - id: A-1\n    titel: x\n", [(3, 5, "unknown key 'titel'; allowed keys: "
                                                           "id, title")]),
    ],
)  # fmt: skip
def test_bad_catalog_file_is_reported_in_that_file(
    tmp_path: Path, content: bytes, expected: list[tuple[int, int, str]]
) -> None:
    (tmp_path / "pci.yaml").write_bytes(content)
    found = errors(OWN, tmp_path)
    assert [(line, col, message) for path, line, col, message in found] == expected
    assert {path for path, *_ in found} == {"pci.yaml"}


def test_huge_catalog_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pci.yaml").write_bytes(b"controls:\n" + b"  - A-1\n" * 600_000)
    assert errors(OWN, tmp_path) == [
        ("pci.yaml", 1, 1, "the catalog file is over the limit of 4 MiB")
    ]


def test_catalog_file_problems_and_data_problems_come_together(tmp_path: Path) -> None:
    (tmp_path / "pci.yaml").write_text("controls: [A-1, A-1]\n", encoding="utf-8")
    bad = OWN.replace("[IA-2, IA-2(1)]", "[ia-2]")
    found = errors(bad, tmp_path)
    assert [(p, m) for p, _, _, m in found] == [
        ("pci.yaml", "control id 'A-1' is listed twice (first as entry 1)"),
        ("t.yaml", "control 'ia-2' is not in the catalog 'nist-800-53-r5' (did you mean 'IA-2'?) "
         "(rule 6)"),
    ]  # fmt: skip


# -- srm.json, the JSON Schema, the CLI -------------------------------------------------------


def test_srm_json_carries_frameworks_roles_and_controls() -> None:
    result = srm("export", "--format", "json", MAPPED)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [list(data).index(k) for k in ("frameworks", "responsibilities")] == sorted(
        list(data).index(k) for k in ("frameworks", "responsibilities")
    )
    assert data["frameworks"] == [
        {"id": "nist", "name": "NIST SP 800-53 rev. 5", "catalog": "nist-800-53-r5"},
        {"id": "soc2", "name": "SOC 2", "catalog": "soc2-2017"},
        {"id": "internal", "name": "Internal controls", "catalog": "controls/internal.yaml"},
        {"id": "pci", "name": "PCI DSS v4.0", "catalog": None},
    ]
    assert [(p["id"], p["role"]) for p in data["parties"]] == [
        ("cloud", "provider"),
        ("you", "customer"),
        ("admins", "customer"),
    ]
    controls = {r["id"]: r["controls"] for r in data["responsibilities"]}
    assert controls["encryption"] == {"nist": ["SC-28"], "internal": ["IC-02"], "pci": ["3.5.1"]}
    assert controls["access-review"] == {
        "nist": ["AC-2", "IA-2"],
        "soc2": ["CC6.2", "CC6.1"],
        "internal": ["IC-01"],
    }


def test_srm_json_of_an_unmapped_model_is_unchanged() -> None:
    data = json.loads(
        srm("export", "--format", "json", FIXTURES / "cloud_four_parties.yaml").stdout
    )
    assert "frameworks" not in data
    assert all("role" not in p for p in data["parties"])
    assert all("controls" not in r for r in data["responsibilities"])


def test_validate_reports_catalog_errors_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "pci.yaml").write_bytes(b"controls: [A-1, \xff]\n")
    (tmp_path / "t.yaml").write_text(OWN.replace("IA-2(1)", "AC-3(1)"), encoding="utf-8")
    result = srm("validate", "t.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "pci.yaml:1:17: error: invalid UTF-8 byte 0xff; the file must be UTF-8",
        f"t.yaml:{':'.join(map(str, at(OWN, 'IA-2(1)')))}: error: control 'AC-3(1)' is "
        "withdrawn from NIST SP 800-53 Revision 5: it was moved to or incorporated into AC-6 "
        "(rule 6)",
        "2 errors",
    ]
    assert "Traceback" not in result.stderr


def test_mapped_fixture_validates_against_the_json_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "schema" / "srm_data.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in (MAPPED, FIXTURES / "forge.yaml"):
        data = as_editors_read_it(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], path
    data = as_editors_read_it(MAPPED.read_text(encoding="utf-8"))
    data["responsibilities"]["encryption"]["controls"]["nist"] = ["SC-28", "SC-28"]
    data["parties"]["you"]["role"] = "client"
    data["responsibilities"]["logging"]["controls"]["nist"] = []
    found = sorted(e.message for e in validator.iter_errors(data))
    assert len(found) == 3, found
