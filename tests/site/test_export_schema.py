"""srm.json is described: its JSON Schema is published beside it (and named by its
``$schema``), accepts the export of every fixture, refuses a key it does not describe, and
docs/exports.md describes every field and column."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ..conftest import FIXTURES, ROOT, BuildResult
from ..helpers import srm

COMMITTED = ROOT / "schema" / "srm.schema.json"
DOCS = ROOT / "docs" / "exports.md"
MODELS = sorted(
    [p for p in FIXTURES.glob("*.yaml") if p.name != "forge_seed_transcription.yaml"]
    + [FIXTURES / "mapped" / "srm_data.yaml"]
)


def _validator() -> Any:
    import jsonschema

    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _export(path: Path, fmt: str = "json") -> str:
    result = srm("export", "--format", fmt, path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _errors(data: Any) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(data)]


def test_the_committed_schema_is_what_srm_schema_export_prints() -> None:
    result = srm("schema", "--export")
    assert result.returncode == 0, result.stderr
    assert COMMITTED.read_text(encoding="utf-8") == result.stdout, (
        "schema/srm.schema.json is out of date with the export: run `make schema` and "
        "describe the change in docs/exports.md"
    )


@pytest.mark.parametrize("model", MODELS, ids=[p.stem for p in MODELS])
def test_the_export_of_every_fixture_passes_the_schema(model: Path) -> None:
    data = json.loads(_export(model))
    assert data["$schema"] == "srm.schema.json"
    assert _errors(data) == []


def test_the_schema_refuses_what_it_does_not_describe() -> None:
    good = json.loads(_export(FIXTURES / "forge.yaml"))
    cases: dict[str, Any] = {}
    for label, path in {
        "top level": (),
        "party": ("parties", 0),
        "responsibility": ("responsibilities", 0),
        "duty": ("responsibilities", 0, "duties", 0),
    }.items():
        extra = copy.deepcopy(good)
        record = extra
        for step in path:
            record = record[step]
        record["undocumented"] = 1
        cases[f"a new key in a {label}"] = extra
    missing = copy.deepcopy(good)
    del missing["parties"][0]["plural"]
    cases["a key left out"] = missing
    wrong = copy.deepcopy(good)
    wrong["responsibilities"][0]["owners"]["custom-ui"] = "atlassian"
    cases["owners as a string"] = wrong
    dated = copy.deepcopy(good)
    dated["last_updated"] = "23 Feb 2021"
    cases["a date not written YYYY-MM-DD"] = dated
    for label, data in cases.items():
        assert _errors(data), label


def test_the_site_publishes_the_schema_beside_srm_json(bundled_site: BuildResult) -> None:
    published = json.loads((bundled_site.site / "srm.json").read_text(encoding="utf-8"))
    beside = bundled_site.site / published["$schema"]
    assert beside.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")
    assert _errors(published) == []


def _documented_keys(heading: str) -> list[str]:
    """The keys in the first column of the table(s) under a heading of docs/exports.md."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(heading + "\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


def test_the_docs_describe_every_field_of_srm_json() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    documented = {
        "Top level": _documented_keys("### Top level"),
        "PartyRecord": _documented_keys("### A party"),
        "CapabilityRecord": _documented_keys("### A capability"),
        "CategoryRecord": _documented_keys("### A category"),
        "ResponsibilityRecord+DutyRecord+ReferenceRecord": _documented_keys("### A responsibility"),
    }
    described = {
        "Top level": list(schema["properties"]),
        "PartyRecord": list(defs["PartyRecord"]["properties"]),
        "CapabilityRecord": list(defs["CapabilityRecord"]["properties"]),
        "CategoryRecord": list(defs["CategoryRecord"]["properties"]),
        "ResponsibilityRecord+DutyRecord+ReferenceRecord": [
            *defs["ResponsibilityRecord"]["properties"],
            *defs["DutyRecord"]["properties"],
            *defs["ReferenceRecord"]["properties"],
        ],
    }
    assert documented == described


def test_the_docs_describe_the_columns_of_srm_csv() -> None:
    model = FIXTURES / "kubernetes_platform.yaml"
    header = next(csv.reader(io.StringIO(_export(model, "csv"))))
    fixed = _documented_keys("## srm.csv")
    assert header[: len(fixed)] == fixed == ["id", "responsibility", "category"]
    data = json.loads(_export(model))
    assert header[len(fixed) :] == [c["name"] for c in data["capabilities"]]
