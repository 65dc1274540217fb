"""Checks of the repository's own data, srm_data.yaml, which pass for any valid model.

A team that adopts the project replaces srm_data.yaml with its own model; these checks,
with every other test marked ``handbook_data`` (the consistency checks of
tests/site/test_site_consistency.py on the site built from srm_data.yaml), are the ones
that follow it: the data is valid, its editor schema is up to date and accepts it, its
srm.json passes the published schema, the site builds with ``mkdocs build --strict``,
every view of a cell agrees and every link resolves. They pin no content. Run them alone
with ``make check-data``. Everything else tests the product on fixtures
(tests/fixtures/forge.yaml is a frozen copy of the Forge model). test_data_checks.py
proves it on a copy of the repository holding another model.
"""

from __future__ import annotations

import json

import pytest

from ..conftest import HANDBOOK_DATA, ROOT
from ..helpers import as_editors_read_it, srm

pytestmark = pytest.mark.handbook_data

MODEL_SCHEMA = "schema/srm_data.model.schema.json"
MODELINE = "# yaml-language-server: $schema=" + MODEL_SCHEMA


def test_the_data_is_valid() -> None:
    result = srm("validate", "srm_data.yaml", cwd=ROOT)
    assert result.returncode == 0, f"srm validate srm_data.yaml failed:\n{result.stderr}"


def test_the_editor_line_points_at_the_schema_of_the_data() -> None:
    first = HANDBOOK_DATA.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE, f"srm_data.yaml:1:1: the first line must be {MODELINE!r}"


def test_the_schema_of_the_data_is_up_to_date() -> None:
    result = srm("schema", "--for", "srm_data.yaml", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    committed = (ROOT / MODEL_SCHEMA).read_text(encoding="utf-8")
    assert committed == result.stdout, (
        f"{MODEL_SCHEMA} is out of date with the ids declared in srm_data.yaml: "
        "run `make schema` and commit the result"
    )


@pytest.mark.parametrize("schema_file", ["schema/srm_data.schema.json", MODEL_SCHEMA])
def test_the_data_passes_the_editor_schemas(schema_file: str) -> None:
    import jsonschema

    schema = json.loads((ROOT / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(as_editors_read_it(HANDBOOK_DATA.read_text(encoding="utf-8"))),
        key=lambda e: list(e.path),
    )
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_export_passes_its_published_schema() -> None:
    import jsonschema

    result = srm("export", "srm_data.yaml", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    schema = json.loads((ROOT / "schema" / "srm.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    exported = json.loads(result.stdout)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(exported)]
    assert errors == [], "\n".join(errors)
