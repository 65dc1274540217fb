"""What an editor underlines in srm_data.yaml as you type: the schema specialised to the
file's declared ids (`srm schema --for srm_data.yaml`) against the format's schema, on
five mistakes a newcomer made writing a model of their own (issue 15).

Checked twice: with ``jsonschema`` (what the schema says), and with the real YAML
language server (the npm package ``yaml-language-server``, the server behind VS Code's
YAML extension), driven over LSP stdio as an editor drives it. The format's schema
catches none of the five; the specialised one catches all five, on the line that
``srm validate`` names.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import FIXTURES, ROOT
from ..helpers import LINE, as_editors_read_it, edit, srm
from ..yaml_language_server import YamlLanguageServer, server_command

MODEL = FIXTURES / "kubernetes_platform.yaml"
BODY = MODEL.read_text(encoding="utf-8").split("\n", 1)[1]
GENERIC = "schema/srm_data.schema.json"
SPECIALISED = "schema/srm_data.model.schema.json"

# Five mistakes a newcomer made (each alone in a copy of the model).
MISTAKES = {
    "typo'd party in owners": ("      ingress: n/a\n", "      ingress: platfrom-team\n"),
    "capability missing from owners": ("      ci-runners: product-teams\n", ""),
    "typo'd category": (
        "    name: TLS termination\n    category: workloads\n",
        "    name: TLS termination\n    category: workload\n",
    ),
    "typo'd capability in a duty's scope": ("capabilities: [clusters]", "capabilities: [cluster]"),
    "typo'd party under duties": (
        "      product-teams:\n        - Keep secrets",
        "      product-team:\n        - Keep secrets",
    ),
}


def _with_mistake(name: str) -> str:
    return edit(BODY, *MISTAKES[name])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like the repository: the model's schema beside the format's."""
    folder = tmp_path_factory.mktemp("editor")
    (folder / "schema").mkdir()
    shutil.copy(ROOT / GENERIC, folder / GENERIC)
    (folder / "srm_data.yaml").write_text(BODY, encoding="utf-8")
    made = srm("schema", "--for", "srm_data.yaml", "-o", SPECIALISED, cwd=folder)
    assert made.returncode == 0, made.stderr
    return folder


def _validator_lines(folder: Path, text: str) -> list[int]:
    path = folder / "check.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1, result.stdout
    return [int(m["line"]) for m in map(LINE.match, result.stderr.splitlines()) if m]


def _schema_errors(folder: Path, schema_file: str, text: str) -> list[Any]:
    import jsonschema

    schema = json.loads((folder / schema_file).read_text(encoding="utf-8"))
    return list(jsonschema.Draft202012Validator(schema).iter_errors(as_editors_read_it(text)))


def test_the_model_is_valid_and_passes_both_schemas(workspace: Path) -> None:
    assert srm("validate", MODEL).returncode == 0
    assert _schema_errors(workspace, GENERIC, BODY) == []
    assert _schema_errors(workspace, SPECIALISED, BODY) == []


@pytest.mark.parametrize("name", list(MISTAKES))
def test_the_specialised_schema_catches_what_the_format_schema_cannot(
    workspace: Path, name: str
) -> None:
    text = _with_mistake(name)
    assert _validator_lines(workspace, text), "srm validate must refuse it"
    assert _schema_errors(workspace, GENERIC, text) == []
    assert _schema_errors(workspace, SPECIALISED, text) != []


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[YamlLanguageServer]:
    command = server_command()
    if command is None:
        pytest.fail(
            "the YAML language server is not installed: run `make test` (it runs "
            "scripts/ensure-yaml-language-server.sh, which installs it into tools/editor)"
        )
    running = YamlLanguageServer(command, workspace)
    yield running
    running.close()


def _underlined(server: YamlLanguageServer, folder: Path, schema_file: str, text: str) -> Any:
    path = folder / "srm_data.yaml"
    path.write_text(f"# yaml-language-server: $schema={schema_file}\n{text}", encoding="utf-8")
    return server.diagnostics(path)


def test_the_language_server_underlines_all_five_mistakes_with_the_specialised_schema(
    server: YamlLanguageServer, workspace: Path
) -> None:
    assert _underlined(server, workspace, SPECIALISED, BODY) == []
    caught_before, caught_now = [], []
    for name in MISTAKES:
        text = _with_mistake(name)
        # the file's line 1 is the editor line: the validator's lines count from the body
        expected = [line + 1 for line in _validator_lines(workspace, text)]
        if _underlined(server, workspace, GENERIC, text):
            caught_before.append(name)
        found = _underlined(server, workspace, SPECIALISED, text)
        lines = [d["range"]["start"]["line"] + 1 for d in found]
        if found:
            caught_now.append(name)
        assert set(lines) & set(expected), (name, found, expected)
    assert (caught_before, caught_now) == ([], list(MISTAKES))


def test_srm_schema_for_a_file_whose_rows_have_errors_still_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "srm_data.yaml"
    path.write_text(_with_mistake("typo'd party in owners"), encoding="utf-8")
    result = srm("schema", "--for", path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$defs"]["PartyId"]["enum"] == [
        "platform-team",
        "product-teams",
        "cloud-provider",
    ]
    assert schema["$defs"]["CapabilityId"]["enum"] == ["clusters", "ingress", "ci-runners"]
    assert schema["$defs"]["CategoryId"]["enum"] == ["workloads", "infrastructure"]


def test_srm_schema_for_a_file_whose_declarations_are_broken_names_the_problem(
    tmp_path: Path,
) -> None:
    path = tmp_path / "srm_data.yaml"
    text = edit(
        BODY, "  ingress:\n    name: Shared ingress\n", "  ingress:\n    nme: Shared ingress\n"
    )
    path.write_text(text, encoding="utf-8")
    result = srm("schema", "--for", path)
    assert result.returncode == 1
    assert result.stdout == ""
    line = text[: text.index("nme:")].count("\n") + 1
    assert f"{path}:{line}:5: error: unknown key 'nme' (did you mean 'name'?)" in result.stderr
