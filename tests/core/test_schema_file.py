"""The committed JSON Schema (what editors validate against) matches the models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ..helpers import as_editors_read_it

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "schema" / "srm_data.schema.json"
FORGE = ROOT / "tests" / "fixtures" / "forge.yaml"
MODELINE = "# yaml-language-server: $schema="


def test_committed_schema_equals_srm_schema_output() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", "schema"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == result.stdout, (
        "schema/srm_data.schema.json is out of date with the models: run `make schema` "
        "and commit the result"
    )


def test_schema_is_draft_2020_12_and_closed() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "schema",
        "title",
        "parties",
        "capabilities",
        "categories",
        "responsibilities",
    }


@pytest.mark.parametrize(
    ("data_file", "schema_path"),
    [
        ("tests/fixtures/forge.yaml", "../../schema/srm_data.schema.json"),
        ("tests/fixtures/forge_seed_transcription.yaml", "../../schema/srm_data.schema.json"),
    ],
)
def test_data_file_starts_with_the_schema_modeline(data_file: str, schema_path: str) -> None:
    path = ROOT / data_file
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE + schema_path
    assert (path.parent / schema_path).resolve() == SCHEMA_FILE.resolve()


def test_forge_model_validates_against_the_json_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = as_editors_read_it(FORGE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_editors_flag_an_id_listed_twice_like_the_validator_does() -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)

    def row_with(**changes: object) -> dict[str, object]:
        data = as_editors_read_it(FORGE.read_text(encoding="utf-8"))
        data["responsibilities"]["authentication"].update(changes)
        return data

    owners = {"custom-ui": "atlassian", "ui-kit": "atlassian", "web-triggers": ["you", "you"]}
    scoped = {"you": [{"text": "Check.", "capabilities": ["web-triggers", "web-triggers"]}]}
    cases = {
        "duty scope": row_with(duties={**scoped, "atlassian": ["Authenticate."]}),
        "aliases": row_with(aliases=["old-id", "old-id"]),
        "shared cell": row_with(owners=owners),
    }

    def messages(errors: Any) -> list[str]:  # with those inside anyOf branches
        return [m for e in errors for m in (e.message, *messages(e.context or []))]

    for label, data in cases.items():
        found = messages(validator.iter_errors(data))
        assert any("non-unique elements" in m for m in found), (label, found)
