"""``srm export --format oscal`` and the published ``srm.oscal.json``: valid against the
official OSCAL 1.1.3 component-definition schema, stable ids, every responsibility, party
and capability present, control ids as reversible tokens, and ownership and inheritance
that agree with an independent reading of the rule."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regex
from jsonschema import validators

from srm_handbook.core import catalog
from srm_handbook.core.load import load_model
from srm_handbook.core.model import Framework
from srm_handbook.site.oscal import NS, control_token, token, token_to_control

from ..conftest import FIXTURES, ROOT
from ..crosswalk_reading import inheritance_table
from ..helpers import srm

# The official schema (usnistgov/OSCAL release v1.1.3, a US government work), kept here so
# the tests need nothing from outside the repository.
SCHEMA = FIXTURES / "oscal" / "oscal_component_schema_1.1.3.json"
MAPPED = FIXTURES / "mapped" / "srm_data.yaml"


def _regex_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with the `regex` module: OSCAL's patterns use ``\\p{L}``, which Python's
    ``re`` (and so plain jsonschema) cannot read (usnistgov/metaschema#770)."""
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(jsonschema.Draft7Validator, {"pattern": _regex_pattern})


def oscal_errors(document: Any) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = OscalValidator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def export(path: Path) -> dict[str, Any]:
    result = srm("export", "--format", "oscal", path)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def model_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(srm("export", "--format", "json", path).stdout)
    return data


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    good = export(MAPPED)
    assert oscal_errors(good) == []
    bad = json.loads(json.dumps(good))
    component = bad["component-definition"]["components"][0]
    component["control-implementations"][0]["implemented-requirements"][0]["control-id"] = "1 x"
    component["uuid"] = "not-a-uuid"
    del bad["component-definition"]["metadata"]["oscal-version"]
    assert len(oscal_errors(bad)) == 3


@pytest.mark.parametrize(
    "path",
    [MAPPED, ROOT / "srm_data.yaml", FIXTURES / "cloud_four_parties.yaml"],
    ids=["three-party", "bundled", "unmapped"],
)
def test_export_validates_against_the_official_schema(path: Path) -> None:
    assert oscal_errors(export(path)) == []


def test_every_party_capability_and_responsibility_is_represented() -> None:
    data, model = export(MAPPED)["component-definition"], model_json(MAPPED)
    parties = {p["name"] for p in data["metadata"]["parties"]}
    assert parties == {p["name"] for p in model["parties"]}
    *services, policy = data["components"]
    assert [c["title"] for c in services] == [c["name"] for c in model["capabilities"]]
    assert {c["type"] for c in services} == {"service"} and policy["type"] == "policy"
    [responsibilities] = policy["control-implementations"]
    assert responsibilities["source"] == "urn:srm-handbook:responsibilities"
    reqs = responsibilities["implemented-requirements"]
    assert [r["control-id"] for r in reqs] == [r["id"] for r in model["responsibilities"]]
    names = {p["id"]: p["name"] for p in model["parties"]}
    for req, row in zip(reqs, model["responsibilities"], strict=True):
        owners = {(p["class"], p["value"]) for p in req["props"] if p["name"] == "owner"}
        assert owners == {
            (cap, party) for cap, cell in row["owners"].items() for party in (cell or ["n/a"])
        }
        for duty in row["duties"]:  # every duty once, with the capabilities it applies to
            assert f": {names[duty['party']]}: {duty['text']}" in req["description"]
        assert sorted(_props(req, "control")) == sorted(
            f"{fid}:{c}" for fid, ids in row["controls"].items() for c in ids
        )
    assert data["capabilities"][0]["incorporates-components"] == [
        {"component-uuid": c["uuid"], "description": c["title"]} for c in data["components"]
    ]


def customer_duty_refs(
    model: dict[str, Any], framework: str, control: str, capability: str
) -> list[str]:
    """``<row>/duty-<party>-<n>`` of the customer duties for (control, capability), read
    from srm.json (n counts the party's duties in the row)."""
    roles = {p["id"]: p["role"] for p in model["parties"]}
    refs = []
    for r in model["responsibilities"]:
        if control not in r["controls"].get(framework, []):
            continue
        seen: dict[str, int] = {}
        for d in r["duties"]:
            seen[d["party"]] = seen.get(d["party"], 0) + 1
            if roles[d["party"]] == "customer" and capability in d["capabilities"]:
                refs.append(f"{r['id']}/duty-{d['party']}-{seen[d['party']]}")
    return refs


def _props(item: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in item.get("props", []) if p["name"] == name and p["ns"] == NS]


def test_ownership_and_inheritance_agree_with_the_rule() -> None:
    data, model = export(MAPPED)["component-definition"], model_json(MAPPED)
    caps = {c["name"]: c["id"] for c in model["capabilities"]}
    party_uuid = {p["props"][0]["value"]: p["uuid"] for p in data["metadata"]["parties"]}
    roles = {p["id"]: p["role"] for p in model["parties"]}
    described = "\n".join(
        r["description"]
        for r in data["components"][-1]["control-implementations"][0]["implemented-requirements"]
    )
    seen = 0
    for component in data["components"][:-1]:
        cap = caps[component["title"]]
        for ci in component.get("control-implementations", []):
            [framework] = _props(ci, "framework")
            table = inheritance_table(model, framework)
            assert {r["props"][0]["value"] for r in ci["implemented-requirements"]} == {
                c for c, _ in table
            }
            for req in ci["implemented-requirements"]:
                [control] = _props(req, "control-id")
                owners, value = table[control, cap]
                assert _props(req, "owner") == (list(owners) or ["n/a"])
                assert _props(req, "inheritance") == [value]
                expected_roles: dict[str, list[str]] = {}
                for p in owners:
                    expected_roles.setdefault(roles[p], []).append(party_uuid[p])
                got = {r["role-id"]: r["party-uuids"] for r in req.get("responsible-roles", [])}
                assert got == expected_roles
                customer = customer_duty_refs(model, framework, control, cap)
                for ref in customer:
                    assert ref in req["remarks"]
                    assert ref in described  # the text is in the responsibilities component
                if not customer:
                    assert req["remarks"].startswith("Customer responsibility: none")
                seen += 1
    assert seen == sum(len(inheritance_table(model, f["id"])) for f in model["frameworks"])


def test_sources_and_control_tokens() -> None:
    data = export(MAPPED)["component-definition"]
    by_framework = {
        _props(ci, "framework")[0]: ci
        for ci in data["components"][0]["control-implementations"]
        if _props(ci, "framework")
    }
    assert by_framework["nist"]["source"] == (
        "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/"
        "rev5/json/NIST_SP-800-53_rev5_catalog.json"
    )
    assert by_framework["soc2"]["source"] == "urn:srm-handbook:catalog:soc2-2017"
    assert by_framework["pci"]["source"] == "urn:srm-handbook:framework:pci"
    tokens = {
        _props(r, "control-id")[0]: r["control-id"]
        for r in by_framework["nist"]["implemented-requirements"]
    }
    assert tokens["IA-2(1)"] == "ia-2.1" and tokens["AC-2"] == "ac-2"
    pci = {
        _props(r, "control-id")[0]: r["control-id"]
        for r in by_framework["pci"]["implemented-requirements"]
    }
    assert pci == {"8.3.1": "_38_.3.1", "3.5.1": "_33_.5.1"}


def test_tokens_are_valid_and_reversible_for_every_catalog_id() -> None:
    pattern = regex.compile(r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$")
    for name in catalog.BUILTIN:
        framework = Framework("f", name, name, catalog.builtin(name))
        for control in catalog.builtin(name).controls:
            t = control_token(framework, control.id)
            assert pattern.fullmatch(t), (name, control.id, t)
            assert token_to_control(framework, t) == control.id
    bare = Framework("pci", "PCI", None, None)
    for odd in ["8.3.1", "Req 12 (a)", "A&A-01", "x_y", "élan", "2fa", "_"]:
        t = control_token(bare, odd)
        assert pattern.fullmatch(t), t
        assert token_to_control(bare, t) == odd
    assert token("2fa") == "_32_fa"


def test_ids_are_stable_uuid5_and_reexports_diff_cleanly(tmp_path: Path) -> None:
    first = srm("export", "--format", "oscal", MAPPED).stdout
    assert srm("export", "--format", "oscal", MAPPED).stdout == first
    ids = [v for v in _walk(json.loads(first)) if isinstance(v, str) and _is_uuid(v)]
    assert ids and all(uuid.UUID(v).version == 5 for v in ids)
    text = MAPPED.read_text(encoding="utf-8").replace(
        "Encrypt stored objects with AES-256.", "Encrypt stored objects with AES-256-GCM."
    )
    (tmp_path / "controls").mkdir()
    (tmp_path / "controls" / "internal.yaml").write_text(
        (MAPPED.parent / "controls" / "internal.yaml").read_text(encoding="utf-8")
    )
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    second = srm("export", "--format", "oscal", tmp_path / "m.yaml").stdout
    changed = [
        (a, b) for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b
    ]
    assert changed and all("AES-256-GCM" in b for _, b in changed)


def _walk(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _walk(value)]
    if isinstance(node, list):
        return [v for value in node for v in _walk(value)]
    return [node]


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def test_published_oscal_equals_the_export(tmp_path: Path) -> None:
    from .test_framework_pages import build_mapped

    site = build_mapped(tmp_path)
    published = json.loads((site.site / "srm.oscal.json").read_text(encoding="utf-8"))
    assert published == export(MAPPED)
    assert oscal_errors(published) == []


def test_load_model_gives_the_same_document_as_the_cli() -> None:
    from srm_handbook.site.oscal import to_oscal

    assert to_oscal(load_model(MAPPED)) == export(MAPPED)
